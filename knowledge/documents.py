"""Playbook documents: discovery, loading (.md/.txt/.pdf), front matter and chunking by heading.

A document is one topic in one language. Built-in documents ship in ``knowledge/docs/{en,ja}/``;
users add their own pages (``revops index --add``). Each document is cut into chunks at its
``##`` headings, so a search hit points at one section and carries the topic id, title, language
and source path.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tools.errors import EmptyFileError, UnreadableFileError
from tools.wording import Lang

CHUNKER_VERSION = "3"
"""Bump when chunking changes: it is part of every content hash, so stores re-chunk themselves."""

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf")
MAX_CHUNK_CHARS = 1400
"""Sections longer than this are split at paragraph boundaries (Japanese is ~2.5x denser)."""

USER_TOPIC_PREFIX = "user:"

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_JA_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN_CHARS = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Document:
    """One playbook page in one language.

    Attributes:
        topic: Topic id (a ``PLAYBOOK_TOPICS`` id for built-ins, ``user:<stem>`` for user pages
            without an ``id`` in their front matter).
        title: Human title (front matter ``title``, else the first heading, else the file stem).
        lang: ``en`` or ``ja`` (front matter ``lang``, else detected from the script).
        source: Stable source name: ``knowledge/docs/<lang>/<file>`` for built-ins, the absolute
            path for user documents.
        body: The text without front matter.
        content_hash: Hash of the raw file bytes and the chunker version.
        builtin: Whether the document ships with the product.
    """

    topic: str
    title: str
    lang: Lang
    source: str
    body: str
    content_hash: str
    builtin: bool


@dataclass(frozen=True)
class Chunk:
    """One section of a document, the unit that is embedded, stored and returned by search."""

    chunk_id: str
    topic: str
    title: str
    lang: Lang
    source: str
    heading: str
    text: str
    index: int
    content_hash: str
    builtin: bool

    def metadata(self) -> dict[str, str | int | bool]:
        """Flat metadata for the vector store (scalar values only)."""
        return {
            "topic": self.topic,
            "title": self.title,
            "lang": self.lang,
            "source": self.source,
            "heading": self.heading,
            "chunk_index": self.index,
            "content_hash": self.content_hash,
            "builtin": self.builtin,
        }


def detect_lang(text: str) -> Lang:
    """Guess ``ja`` or ``en`` from the script: any meaningful share of kana/kanji means Japanese."""
    ja = len(_JA_CHARS.findall(text))
    latin = len(_LATIN_CHARS.findall(text))
    if ja == 0:
        return "en"
    # Japanese prose mixes in Latin acronyms (KPI, MQL, SLA); one kana/kanji carries ~4 letters' worth.
    return "ja" if ja * 4 >= latin else "en"


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter (simple ``key: value`` lines) from the body.

    Returns:
        The front matter as a dict (keys lower-cased, quotes stripped) and the remaining body.
        A text without front matter gives ``({}, text)``.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text.lstrip("\ufeff")
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if ":" not in line or line.lstrip().startswith("#"):
            continue
        key, value = line.split(":", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key.strip().lower()] = value
    return meta, text[match.end() :]


def content_hash(raw: bytes) -> str:
    """Hash identifying one version of a file as the store sees it."""
    return hashlib.sha256(CHUNKER_VERSION.encode() + b"\0" + raw).hexdigest()


def builtin_docs_root() -> Path:
    """Folder holding the built-in playbook (``knowledge/docs``) inside the installed package."""
    return Path(str(resources.files("knowledge") / "docs"))


def builtin_doc_paths(root: Path | None = None) -> list[Path]:
    """All built-in playbook files, ``<root>/{en,ja}/*.md``, sorted."""
    base = root or builtin_docs_root()
    return sorted(p for lang in ("en", "ja") for p in (base / lang).glob("*.md") if p.is_file())


class DocumentTooLargeError(UnreadableFileError):
    """A playbook document past the size limit (``REVOPS_DOC_MAX_MB``)."""

    @classmethod
    def of(cls, path: Path, size: int, limit: int, what: str) -> DocumentTooLargeError:
        return cls(
            f"this document is {_size(size, 1)} {what}".rstrip() + f"; the limit is {_size(limit, 3)}",
            file=str(path),
            hint="Split it into smaller documents, or raise the limit with REVOPS_DOC_MAX_MB",
        )


def _size(size: int, digits: int) -> str:
    """``5 MB``, ``1.1 MB``, ``29 KB``."""
    mb = 1024 * 1024
    if size < mb // 10:
        return f"{size / 1024:.0f} KB"
    return f"{size / mb:.{digits}g} MB" if digits > 1 else f"{size / mb:.1f} MB"


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"cannot read this PDF ({exc})", file=str(path), hint="Check the file is a valid, unencrypted PDF"
        ) from exc
    return "\n\n".join(page.strip() for page in pages if page.strip())


def _read_text(path: Path) -> tuple[str, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file ({exc.strerror})", file=str(path)) from exc
    if path.suffix.lower() == ".pdf":
        return _read_pdf(path), raw
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding), raw
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        "unknown text encoding", file=str(path), hint="Save the document as UTF-8 and add it again"
    )


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        match = _HEADING.match(line.strip())
        if match:
            return match.group(2).strip()
    return None


def _slug(stem: str) -> str:
    slug = re.sub(r"[^\w-]+", "-", unicodedata.normalize("NFKC", stem).lower(), flags=re.UNICODE)
    return slug.strip("-") or "document"


def load_document(
    path: Path, *, builtin: bool = False, source: str | None = None, max_bytes: int | None = None
) -> Document:
    """Read one playbook file (.md, .markdown, .txt or .pdf) into a :class:`Document`.

    Args:
        path: The file.
        builtin: Whether it ships with the product (its topic id comes from front matter).
        source: The stable source name to store; default: the resolved absolute path.
        max_bytes: Refuse a file (or a PDF's extracted text) larger than this.

    Raises:
        UnreadableFileError: Missing file, unsupported type, unreadable PDF or encoding.
        DocumentTooLargeError: Past ``max_bytes``.
        EmptyFileError: No text in the file.
    """
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"unsupported document type '{path.suffix or path.name}'",
            file=str(path),
            hint="Add Markdown (.md), text (.txt) or PDF (.pdf) files",
        )
    if not path.is_file():
        raise UnreadableFileError("file not found", file=str(path), hint="Check the path and try again")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise DocumentTooLargeError.of(path, path.stat().st_size, max_bytes, "")
    text, raw = _read_text(path)
    if max_bytes is not None and len(text.encode("utf-8")) > max_bytes:  # a small PDF can hold a lot of text
        raise DocumentTooLargeError.of(path, len(text.encode("utf-8")), max_bytes, "of text")
    meta, body = parse_front_matter(text)
    if not body.strip():
        raise EmptyFileError("the document has no text", file=str(path))
    topic = meta.get("id") or f"{USER_TOPIC_PREFIX}{_slug(path.stem)}"
    lang_value = meta.get("lang", "").lower()
    lang: Lang = lang_value if lang_value in ("en", "ja") else detect_lang(body)  # type: ignore[assignment]
    title = meta.get("title") or _first_heading(body) or path.stem
    return Document(
        topic=topic,
        title=title,
        lang=lang,
        source=source or str(path.resolve()),
        body=body,
        content_hash=content_hash(raw),
        builtin=builtin,
    )


def builtin_source_name(path: Path) -> str:
    """Stable source name of a built-in file: ``knowledge/docs/<lang>/<file>``."""
    return f"knowledge/docs/{path.parent.name}/{path.name}"


def load_builtin_documents(root: Path | None = None) -> list[Document]:
    """Load every built-in playbook document (empty list while none are written)."""
    return [
        load_document(path, builtin=True, source=builtin_source_name(path))
        for path in builtin_doc_paths(root)
    ]


def _split_sections(body: str) -> list[tuple[str, str]]:
    """Cut Markdown at level-1/level-2 headings into ``(heading, text)``; the intro has heading ''."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line.strip())
        if match and len(match.group(1)) <= 2:
            heading = match.group(2).strip()
            if len(match.group(1)) == 1 and not sections[-1][1] and sections[-1][0] == "":
                continue  # the document title line itself: the title is in every chunk anyway
            sections.append((heading, []))
        else:
            sections[-1][1].append(line)
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections if "\n".join(lines).strip()]


def _split_long(text: str, limit: int) -> list[str]:
    """Split a long section at blank lines (then at line ends) into pieces of at most ``limit``."""
    if len(text) <= limit:
        return [text]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = [p for p in text.splitlines() if p.strip()]
    pieces: list[str] = []
    current = ""
    for paragraph in paragraphs:
        while len(paragraph) > limit:  # one enormous paragraph (e.g. PDF text without blank lines)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(paragraph[:limit])
            paragraph = paragraph[limit:]
        if current and len(current) + len(paragraph) + 2 > limit:
            pieces.append(current)
            current = paragraph
        else:
            current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Cut a document into heading-delimited chunks with deterministic ids.

    The chunk id is ``<source>#<index>:<hash prefix>``, so the same file always yields the same ids
    and a changed file yields new ones.
    """
    # Japanese packs ~2.5x more meaning per character; keep chunks comparable in content.
    limit = max_chars // 2 if doc.lang == "ja" else max_chars
    pieces = [
        (heading, piece) for heading, text in _split_sections(doc.body) for piece in _split_long(text, limit)
    ]
    return [
        Chunk(
            chunk_id=f"{doc.source}#{index}:{doc.content_hash[:12]}",
            topic=doc.topic,
            title=doc.title,
            lang=doc.lang,
            source=doc.source,
            heading=heading,
            text=text,
            index=index,
            content_hash=doc.content_hash,
            builtin=doc.builtin,
        )
        for index, (heading, text) in enumerate(pieces)
    ]


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded and stored for a chunk: title and heading give the section its context."""
    head = f"{chunk.title} — {chunk.heading}" if chunk.heading else chunk.title
    return f"{head}\n\n{chunk.text}"
