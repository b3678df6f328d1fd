"""Every number in an answer must come from a tool result of the same turn (SPEC §7).

``check_grounding(answer, sources)`` finds each number the answer states ("12.3%", "1,234,000",
"¥1.2M", "3.4万", "42件") and looks for a value in the turn's tool results (and the user's own
question) that, formatted the same way, rounds to it. Unmatched numbers are returned as
``ungrounded`` and ``mark_ungrounded`` flags them in the text so a reader never mistakes a model's
guess for a computed figure.

Accepted formattings of a tool value ``t`` — every form ``tools.wording`` prints: as is; a rate
shown as a percent (``t × 100``) or a percent shown as is; a change of a rate in percentage points
("+5.0 pts", "+5.0ポイント"); thousands separators; K/M/B/T and 千/万/億/兆 multipliers with or
without a currency ("¥69.6M", "6,958万円", "約1.9億円"); sign dropped ("down 12%"); rounding to the
number of decimals shown. A p-value bound ("p<0.001") is a threshold, not a figure.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_SCALE = {
    "k": 1e3,
    "K": 1e3,
    "千": 1e3,
    "M": 1e6,
    "B": 1e9,
    "bn": 1e9,
    "万": 1e4,
    "億": 1e8,
    "T": 1e12,
    "兆": 1e12,
}
_PERCENT_UNITS = {"%", "pt", "pts", "pp", "points", "ポイント", "percent"}

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])"  # not inside an identifier ("Q3", "v2") — CJK before a number is fine
    r"(?P<num>[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?P<unit>\s?(?:%|pp\b|pts?\b|points?\b|ポイント|percent\b)|(?:k|K|M|B|T|bn)(?![A-Za-z])|千|万|億|兆)?"
)
#: "p<0.001": a significance threshold, not a figure to ground
_P_BOUND = re.compile(r"\bp\s*[<≤]\s*0?\.\d+")
#: "1." / "2)" at the start of a line is a list marker, not a claim.
_LIST_MARKER = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s", re.MULTILINE)
_PLAIN_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class NumberMention:
    """One number as written in an answer."""

    text: str
    start: int
    end: int
    value: float
    decimals: int
    unit: str


@dataclass
class GroundingReport:
    """How many numbers an answer states and which of them no tool result supports."""

    numbers: int = 0
    ungrounded: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"numbers": self.numbers, "ungrounded": list(self.ungrounded)}


def extract_numbers(text: str) -> list[NumberMention]:
    """Find the numbers an answer states (list markers excluded)."""
    skip = {m.start("n") for m in _LIST_MARKER.finditer(text)}
    bounds = [(m.start(), m.end()) for m in _P_BOUND.finditer(text)]
    mentions = []
    for m in _NUMBER.finditer(text):
        raw = m.group("num")
        if m.start("num") in skip or any(s <= m.start("num") < e for s, e in bounds):
            continue
        digits = raw.replace(",", "").replace("−", "-")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        unit = (m.group("unit") or "").strip()
        if unit in ("point", "points"):
            unit = "points"
        mentions.append(NumberMention(m.group(0), m.start(), m.end(), float(digits), decimals, unit))
    return mentions


def _walk(value: Any, out: list[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            out.append(float(value))
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value)
        out.extend(float(x.replace("−", "-")) for x in _PLAIN_NUMBER.findall(text.replace(",", "")))
        for m in extract_numbers(text):  # "1億", "2.5M" written in a passage count at their scale too
            if m.unit in _SCALE:
                out.append(m.value * _SCALE[m.unit])
    elif isinstance(value, dict):
        for v in value.values():
            _walk(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, out)


def collect_numbers(sources: Iterable[Any]) -> list[float]:
    """All numbers in tool results (JSON text or parsed), tool arguments and the question."""
    out: list[float] = []
    for source in sources:
        if isinstance(source, str):
            try:
                _walk(json.loads(source), out)
                continue
            except (ValueError, TypeError):
                pass
        _walk(source, out)
    return sorted({abs(v) for v in out})


def _matches(mention: NumberMention, pool: list[float]) -> bool:
    value = abs(mention.value)
    tolerance = 0.5 * 10 ** (-mention.decimals) + 1e-9
    if mention.unit in _PERCENT_UNITS:
        wanted = [(value, tolerance), (value / 100, tolerance / 100)]
    elif mention.unit in _SCALE:
        scale = _SCALE[mention.unit]
        wanted = [(value * scale, tolerance * scale)]
    else:
        wanted = [(value, tolerance)]
    for target, tol in wanted:
        for t in pool:
            if abs(t - target) <= tol + 1e-12 * max(1.0, abs(t)):
                return True
    return False


def check_grounding(answer: str, sources: Iterable[Any]) -> GroundingReport:
    """Check every number in ``answer`` against the numbers in ``sources``.

    Args:
        answer: The final answer text.
        sources: Tool results of this turn (JSON strings or parsed objects), the tool-call
            arguments and the question (numbers the user gave are grounded by definition).
    """
    pool = collect_numbers(sources)
    text = unicodedata.normalize("NFKC", answer)
    mentions = extract_numbers(text)
    ungrounded = [m.text.strip() for m in mentions if not _matches(m, pool)]
    return GroundingReport(numbers=len(mentions), ungrounded=ungrounded)


def mark_ungrounded(answer: str, sources: Iterable[Any], marker: str = " [unverified]") -> str:
    """Return the answer with every ungrounded number followed by ``marker``."""
    pool = collect_numbers(sources)
    text = unicodedata.normalize("NFKC", answer)
    bad = [m for m in extract_numbers(text) if not _matches(m, pool)]
    if not bad:
        return answer
    for m in reversed(bad):
        text = text[: m.end] + marker + text[m.end :]
    return text
