"""Which language a question is in, decided by script (Japanese in → Japanese out).

Kana or CJK ideographs anywhere in the question make it Japanese: a Japanese user often mixes
English product words ("KPI", "MQL") into a Japanese sentence, while an English question almost
never contains kana or kanji.
"""

from __future__ import annotations

import re

from tools.wording import Lang

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def detect_language(text: str, default: Lang = "en") -> Lang:
    """Return ``"ja"`` when the text contains Japanese script, ``"en"`` when it has Latin letters.

    Args:
        text: The user's question.
        default: Returned when the text has no letters at all (e.g. "?" or "2025").
    """
    if _JAPANESE.search(text):
        return "ja"
    if re.search(r"[A-Za-z]", text):
        return "en"
    return default
