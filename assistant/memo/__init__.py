"""Improvement memos: ``build.build_memo`` fills a format-free ``model.Memo`` from a diagnosis; ``build.write_memo`` renders it as Markdown, DOCX or PDF (``render/``)."""
