"""Memo renderers, one per format, over the same ``assistant.memo.model.Memo``."""
