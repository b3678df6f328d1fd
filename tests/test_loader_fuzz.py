"""Property tests: whatever the upload, the loader either loads it or raises the project's own error."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.dataset import LoadedData
from tools.errors import RevOpsInputError
from tools.ingest.dialects import SYNONYMS
from tools.ingest.loading import load_exports
from tools.schema import REACHED_COLUMNS

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_HEADERS = sorted({name for names in SYNONYMS.values() for name in names})
CELL_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2025-01-05", "01/05/2025", "2025/1/5 10:00", "13/13/2025", "2025-02-30", "¥1,234",
                     "$12,000.00", "-5", "１２３", "Closed Won", "受注", "失注", "はい", "いいえ", "中小企業", "N/A",
                     "0", "1e309", "nan", "\"", "=SUM(A1)", "\t", "9999-12-31", "1900-01-01 25:61"]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def load_bytes(content: bytes, name: str = "upload.csv") -> LoadedData | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return load_exports([path])
        except RevOpsInputError as err:
            assert str(err)  # a message for the user, never empty
            return None


def check(loaded: LoadedData | None) -> None:
    if loaded is None:
        return
    frame = loaded.frame
    assert frame["record_id"].notna().all()
    assert frame["record_id"].is_unique
    # a date is either missing or inside the loader's year window (never wrapped round)
    dates = frame[[c for c in frame.columns if c.endswith("_date")]]
    assert ((dates.isna()) | ((dates >= pd.Timestamp("1990-01-01")) & (dates < pd.Timestamp("2101-01-01")))).all().all()
    reached = [int(frame[c].sum()) for c in REACHED_COLUMNS.values()]
    assert reached == sorted(reached, reverse=True)  # a later stage implies the earlier ones
    if "amount" in frame:
        assert not (frame["amount"] < 0).any()


def to_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(content: bytes) -> None:
    check(load_bytes(content))


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_named_xlsx(content: bytes) -> None:
    check(load_bytes(b"PK\x03\x04" + content, name="upload.xlsx"))


@FAST
@given(
    headers=st.lists(st.one_of(st.sampled_from(KNOWN_HEADERS), st.text(max_size=10)), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL_VALUES, min_size=0, max_size=9), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
)
def test_random_headers_and_cells(headers: list[str], rows: list[list[str]], encoding: str) -> None:
    check(load_bytes(to_csv([headers, *rows], encoding)))


@FAST
@given(
    extra=st.lists(st.sampled_from(KNOWN_HEADERS), max_size=5, unique=True),
    rows=st.lists(st.lists(CELL_VALUES, min_size=2, max_size=7), min_size=1, max_size=10),
)
def test_valid_required_columns_with_random_cells(extra: list[str], rows: list[list[str]]) -> None:
    headers = ["record_id", "created_date", *[h for h in extra if h not in ("record_id", "created_date")]]
    body = [[f"R{i}", "2025-01-05", *row[: len(headers) - 2]] for i, row in enumerate(rows)]
    body = [r + [""] * (len(headers) - len(r)) for r in body]
    check(load_bytes(to_csv([headers, *body])))
