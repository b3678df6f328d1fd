"""The one place memo text is made safe for its format: uploaded values (a lead source named
``[click](http://…)`` or ``<img …>``) must print as text, never as links, HTML or formatting.

Every string the renderers write goes through these functions, which delegate to the project's
shared helper (``tools/safe_text.py``): the same rules as the web UI, so a value that is text in
the browser is text in the memo.
"""

from __future__ import annotations

from tools.safe_text import escape_markdown, plain_text


def plain(text: str) -> str:
    """Text for DOCX and PDF: literal already, minus control characters those formats reject."""
    return plain_text(text, keep_newlines=True)


def markdown(text: str) -> str:
    """Text inside a Markdown line (a cell, a list item, after a bold lead): every inline markup
    character escaped, ``<``/``>``/``&`` as entities, autolinks broken, line breaks flattened."""
    return escape_markdown(text, line_start=False)


def markdown_line(text: str) -> str:
    """Text that starts a Markdown line: also never a heading, list item or quote."""
    return escape_markdown(text)
