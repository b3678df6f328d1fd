"""The one place memo text is made safe for its format: uploaded values (a lead source named
``[click](http://…)`` or ``<img …>``) must print as text, never as links, HTML or formatting.

Every string the renderers write goes through these functions, so adopting the project's shared
escaping helper is a change here only.
"""

from __future__ import annotations

import re

#: Characters Markdown (CommonMark + GFM tables) would read as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
#: What makes a line a heading, a list item or a quote when it starts one.
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])")
#: Control characters XML 1.0 (DOCX) and PDF text cannot hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(text: str) -> str:
    """Text for DOCX and PDF: literal already, minus control characters those formats reject."""
    return _CONTROL.sub("", str(text))


def markdown(text: str) -> str:
    """Text inside a Markdown line (a cell, a list item, after a bold lead): every inline markup
    character escaped, line breaks flattened."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text)).replace("\r", " ").replace("\n", " ")


def markdown_line(text: str) -> str:
    """Text that starts a Markdown line: also never a heading, list item or quote."""
    return _LINE_START.sub(_escape_line_start, markdown(text))


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." -> "1\."
        return indent + marker[:-1] + "\\" + marker[-1]
    return indent + "\\" + marker
