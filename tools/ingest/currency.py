"""Which currency the amounts are in, as the export itself says it: signs, codes, the header.

Exports rarely name their currency in a field of its own, but they show it: ``¥1,234,000``,
``$12,000.00``, ``JPY 780,000``, ``1,234,000円`` in the values, or ``Amount (JPY)`` / ``金額（円）``
in the header. The loader strips these to parse the numbers (``tools.ingest.parsing``); this
module keeps what they said, so answers and memos can write amounts with their currency. A file
whose values show two currencies says nothing (a converted report would be needed to add them).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

#: Values read to decide (the first ones: an export writes one currency format per column).
SAMPLE_VALUES = 2000

_SIGNS: tuple[tuple[str, str], ...] = (
    (r"¥|円|\\|JPY", "JPY"),  # a backslash is the yen sign of Shift-JIS read as CP932
    (r"\$|USD", "USD"),
    (r"€|EUR", "EUR"),
    (r"£|GBP", "GBP"),
)
_HEADER = re.compile(r"[\(（\[]\s*(JPY|USD|EUR|GBP|円|¥|\$|€|£)\s*[\)）\]]|\b(JPY|USD|EUR|GBP)\b")
_HEADER_CODES = {"円": "JPY", "¥": "JPY", "$": "USD", "€": "EUR", "£": "GBP"}


def currency_of_header(header: str) -> str | None:
    """``Amount (JPY)``, ``金額（円）``, ``Amount USD`` → the ISO code; None when the header is silent."""
    found = _HEADER.search(header)
    if not found:
        return None
    code = found.group(1) or found.group(2)
    return _HEADER_CODES.get(code, code)


def currency_of_values(column: pa.ChunkedArray | pa.Array) -> str | None:
    """The one currency the amount texts show, or None (plain numbers, or more than one currency)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    sample = column.slice(0, SAMPLE_VALUES)
    if isinstance(sample, pa.ChunkedArray):
        sample = sample.combine_chunks()
    unique = pc.unique(sample.drop_null())
    shown = [code for pattern, code in _SIGNS if pc.any(pc.match_substring_regex(unique, pattern)).as_py()]
    return shown[0] if len(shown) == 1 else None


def amount_currency(header: str, column: pa.ChunkedArray | pa.Array) -> str | None:
    """The amount column's currency: its values' signs or codes, else its header's."""
    return currency_of_values(column) or currency_of_header(header)


def upload_currency(found: list[str | None]) -> str | None:
    """One currency for the upload: the one its amount columns agree on (None when they differ)."""
    codes = {code for code in found if code}
    return codes.pop() if len(codes) == 1 else None
