"""The product's two languages: one ``Lang`` type for every module that words something."""

from __future__ import annotations

from typing import Literal, get_args

from tools.errors import RevOpsInputError

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = get_args(Lang)


#: BCP 47 tags for documents (DOCX/PDF language metadata).
LANGUAGE_TAGS: dict[Lang, str] = {"en": "en-US", "ja": "ja-JP"}


def as_lang(lang: str) -> Lang:
    """``lang`` as a ``Lang``; anything but "ja" reads as English (for renderers that default)."""
    return "ja" if lang == "ja" else "en"


def check_lang(lang: str) -> Lang:
    """``lang`` as a ``Lang``, or the input error every shell shows ("unknown language")."""
    if lang not in LANGS:
        raise RevOpsInputError(f"unknown language '{lang}'", hint="Use en or ja")
    return lang  # type: ignore[return-value]


def capitalised(text: str) -> str:
    """``text`` with a capital first letter ("Win rate by segment", "Region:"); Japanese is unchanged."""
    return text[:1].upper() + text[1:]
