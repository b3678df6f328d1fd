"""Data is text, everywhere it is shown: the one place that makes a value safe for each output.

Every value that comes from an upload (cells, headers, file names, loader messages that quote
them) or from a user document (titles, excerpts) is *data*. Shown in the web UI, a Markdown memo,
a chart, a DOCX/PDF or a terminal, it must stay literal text: no HTML element, no link, no image,
no form, no control sequence may come from it. Views and renderers call exactly one of these:

- :func:`escape_markdown` — a value, or a sentence that quotes values, placed into Markdown
  (Gradio ``Markdown``/``Chatbot``, the Markdown memo). Everything in it renders literally.
- :func:`defang_markdown` — Markdown *we composed* (an answer from the offline composer or the
  remote model) that may quote data: its emphasis, lists and code stay, but raw HTML, links,
  images and autolinks cannot form.
- :func:`code_block` — text shown verbatim in a fenced code block (tool calls and their arguments).
- :func:`escape_html` — a value placed into HTML or a Plotly label (Plotly renders a subset of HTML).
- :func:`plain_text` — a value for DOCX, PDF, matplotlib or a terminal: no control characters.

Bare URLs are neutralised by putting an invisible word joiner (U+2060) after every URL scheme,
``www`` and before every e-mail ``@``, so no GFM autolinker (marked in Gradio, cmark-gfm on
GitHub) can recognise one; the text reads the same.
"""

from __future__ import annotations

import html
import re

#: Invisible and zero-width: breaks autolink patterns without changing what the reader sees.
WORD_JOINER = "\u2060"

#: C0/C1 control characters (except tab/newline, handled separately), DEL, and the Unicode
#: bidirectional overrides that can make text read differently from what it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: ANSI/VT escape sequences (colours, cursor moves, screen clears) before the ESC itself is dropped.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
#: Markdown punctuation that can start emphasis, code, links, tables, strike-through or maths.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_\[\]|~$])")
#: A line start that Markdown reads as a heading, list item, quote or thematic break.
_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)](?:\s|$))|)([#+\-=>.)])")
#: What GFM-style autolinkers turn into links: ``scheme://``, ``www.`` and e-mail addresses.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-])(?=:/)|(?<=\bwww)(?=\.)|(?=@)")
#: Code spans and fenced blocks, which every renderer shows literally (left untouched by defang).
_CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|(`+)(?:(?!\2).)+?\2)", re.S | re.M)


def plain_text(value: object, *, keep_newlines: bool = False) -> str:
    """``value`` as text without control characters (DOCX, PDF, charts, terminals).

    Args:
        value: Anything; ``None`` becomes ``""``.
        keep_newlines: Keep ``\\n`` (and turn ``\\r\\n`` into it); otherwise line breaks and tabs
            become spaces, for one-line places such as table cells and labels.
    """
    if value is None:
        return ""
    text = _ANSI.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if not keep_newlines:
        text = text.replace("\n", " ")
    text = text.replace("\t", " ")
    return _CONTROL.sub("", text)


def _break_autolinks(text: str) -> str:
    return _AUTOLINK.sub(WORD_JOINER, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, digits, mark = match.groups()
    if (mark in ".)") != bool(digits):  # "1." / "2)" start a list; "#", "-", "+", "=", ">" a block
        return match.group(0)
    return f"{indent}{digits}\\{mark}"


def escape_markdown(value: object, *, multiline: bool = False, line_start: bool = True) -> str:
    """``value`` as literal Markdown text: no HTML, link, image, emphasis or list can come from it.

    ``<``, ``>`` and ``&`` become HTML entities (every Markdown renderer decodes them as text);
    Markdown punctuation is backslash-escaped; a leading ``#``, ``-``, ``+``, ``>`` or ``1.`` cannot
    start a block; URLs, ``www.`` and e-mail addresses cannot be autolinked.

    Args:
        value: Anything; ``None`` becomes ``""``.
        multiline: Keep line breaks (each line escaped on its own); otherwise one line.
        line_start: Also keep a leading ``#``, ``-``, ``1.`` from starting a block (off only where
            the text cannot start a line: a table cell, heading text, after a list marker).
    """
    if multiline:
        return "\n".join(escape_markdown(line, line_start=line_start)
                         for line in plain_text(value, keep_newlines=True).split("\n"))
    text = plain_text(value)
    text = html.escape(text, quote=False)
    text = _MARKDOWN_PUNCT.sub(r"\\\1", text)
    if line_start:
        text = _LINE_START.sub(_escape_line_start, text, count=1)
    return _break_autolinks(text)


def escape_html(value: object) -> str:
    """``value`` for an HTML context or a Plotly label: ``<``, ``>``, ``&`` and quotes as entities."""
    return _break_autolinks(html.escape(plain_text(value), quote=True))


def defang_markdown(text: object) -> str:
    """Composed Markdown that may quote data, made unable to create HTML, links or images.

    Formatting the composer meant (``**bold**``, lists, headings, quotes, code) is kept. Outside
    code, ``<`` becomes ``&lt;`` (no raw HTML, no ``<url>`` autolinks), ``[`` and ``]`` are escaped
    (no link, image or reference syntax) and autolink patterns are broken. Code spans and fenced
    blocks are left alone: every renderer shows them literally.
    """
    source = plain_text(text, keep_newlines=True)
    out: list[str] = []
    position = 0
    for match in _CODE.finditer(source):
        out.append(_defang_prose(source[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(_defang_prose(source[position:]))
    return "".join(out)


def _defang_prose(text: str) -> str:
    text = text.replace("<", "&lt;")
    text = re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)
    return _break_autolinks(text)


def code_span(value: object) -> str:
    """``value`` as inline code: shown verbatim, whatever backticks or markup it holds."""
    body = plain_text(value)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def code_block(text: object, language: str = "") -> str:
    """``text`` verbatim in a fenced code block whose fence no backtick run inside can close."""
    body = plain_text(text, keep_newlines=True)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"


def cap_text(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked in the middle (messages, labels)."""
    if len(text) <= limit:
        return text
    marker = " … "
    keep = max(2, limit - len(marker))
    tail = keep // 3
    return text[: keep - tail] + marker + (text[-tail:] if tail else "")
