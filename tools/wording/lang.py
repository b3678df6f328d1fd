"""The product's two languages: one ``Lang`` type for every module that words something."""

from __future__ import annotations

from typing import Literal, get_args

from tools.errors import RevOpsInputError

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = get_args(Lang)


def check_lang(lang: str) -> Lang:
    """``lang`` as a ``Lang``, or the input error every shell shows ("unknown language")."""
    if lang not in LANGS:
        raise RevOpsInputError(f"unknown language '{lang}'", hint="Use en or ja")
    return lang  # type: ignore[return-value]
