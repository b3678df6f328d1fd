"""The loader's fast paths give exactly what the general paths give.

Big uploads take shortcuts: categorical columns read as dictionaries and mapped per distinct
value, text that is already clean passed through, sorted ids accepted without hashing, the file
memory-mapped and hashed in the background, columns parsed on two threads. Each test here pins
one shortcut to the behaviour it replaces (uploads above 10,000 rows take the per-value paths).
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tools.dataset import coerce_canonical, from_canonical
from tools.errors import EmptyFileError
from tools.ingest.dates import datetime64_ns
from tools.ingest.dialects import map_categories, segment_of
from tools.ingest.loading import load_exports
from tools.ingest.parsing import clean_text
from tools.ingest.validation import Problems, check_stage_order, drop_duplicates

BIG = 12_000  # above the loader's 10,000-row threshold for per-value parsing


def write_rows(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def reference_clean(value: str | None) -> str | None:
    """clean_text for one value, the slow obvious way (Python's NFKC and whitespace)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value.strip()).strip()
    return text or None


def test_category_spellings_on_a_big_file_are_normalised_per_row(tmp_path: Path) -> None:
    segments = ["SMB", " SMB", "ＳＭＢ", "中小企業", "smb ", "Mid-Market", "\u3000Enterprise", "Startup", ""]
    icp = ["yes", "Ｙｅｓ", " no", "はい", "いいえ", "", "1"]
    owners = ["Sato", " Sato", "Ｓａｔｏ", "Sato\u3000", "", "Ito Ken"]
    rows = [f"L{i:05d},2025-01-01,{segments[i % len(segments)]},{icp[i % len(icp)]},{owners[i % len(owners)]}"
            for i in range(BIG)]
    path = write_rows(tmp_path / "leads.csv", "record_id,created_date,segment,icp_fit,owner", rows)
    frame = load_exports([path]).frame
    expected_segment = [None if reference_clean(s) is None else segment_of(reference_clean(s))  # type: ignore[arg-type]
                        for s in segments]
    assert frame["segment"].tolist()[: len(segments)] == [pd.NA if v is None else v for v in expected_segment]
    assert frame["segment"].value_counts().to_dict() == {
        "SMB": 6668, "Mid-Market": 1333, "Enterprise": 1333, "Startup": 1333}
    assert frame["icp_fit"].tolist()[: len(icp)] == ["yes", "yes", "no", "yes", "no", pd.NA, "yes"]
    assert frame["owner"].tolist()[: len(owners)] == ["Sato", "Sato", "Sato", "Sato", pd.NA, "Ito Ken"]
    assert frame["segment"].dtype == "string" and frame["owner"].dtype == "string"


def test_unrecognised_stages_on_a_big_file_count_rows_and_show_distinct_examples_in_row_order(
        tmp_path: Path) -> None:
    stages = ["Closed Won"] * BIG
    stages[9_000] = "Banana"
    stages[5_000] = " Cherry "
    stages[7_000] = "Banana"
    stages[11_000] = "Apple"
    stages[11_500] = "Durian"
    rows = [f"O{i:05d},{stage},2025-01-01" for i, stage in enumerate(stages)]
    path = write_rows(tmp_path / "opps.csv", "Opportunity ID,Stage,Created Date", rows)
    issues = [(i.code, i.rows, i.examples) for i in load_exports([path]).data_quality]
    assert issues == [("unknown_stage", 5, ["Cherry", "Banana", "Apple"])]


def test_map_categories_reads_a_dictionary_column_like_a_string_column() -> None:
    raw = ["Closed Won", " closed won", None, "Nope", "", "Closed Lost", "Nope "]
    chunked = pa.chunked_array([pa.array(raw[:3]), pa.array(raw[3:])])
    as_dictionary = pa.chunked_array([c.dictionary_encode() for c in chunked.chunks])
    from tools.ingest.dialects import phase_of

    for column in (pa.array(raw), chunked, as_dictionary):
        mapped = map_categories(column, phase_of)
        assert mapped.values.type == pa.string()
        assert mapped.values.to_pylist() == ["won", "won", None, None, None, "lost", None]
        assert (mapped.unrecognised, mapped.examples) == (2, ["Nope"])


@pytest.mark.parametrize(
    "values",
    [["a", " a", "a ", "\ta\n", "\x1fa\x1c", "", None, "a b"],  # ASCII whitespace, incl. what only utf8 trims
     ["ok", "fine", None, "", "x"],  # already clean but for a blank
     ["１２３", "Ａ\u3000", "\u3000B", "\xa0C", "plain"],  # full-width and Unicode spaces
     ["only", "clean", "ascii"]],
)
def test_clean_text_matches_the_one_value_at_a_time_reference(values: list[str | None]) -> None:
    expected = [reference_clean(v) for v in values]
    array = pa.array(values, pa.string())
    assert clean_text(array).to_pylist() == expected
    assert clean_text(pa.array(["pad", *values], pa.large_string()).slice(1)).to_pylist() == expected
    assert clean_text(pa.chunked_array([values[:2], values[2:]], pa.string())).to_pylist() == expected


def test_datetime64_ns_matches_numpys_cast_and_never_wraps() -> None:
    stamps = np.array(["2025-01-31T13:45:07", "NaT", "1900-03-01", "1969-12-31T23:59:59", "9999-12-31"], "M8[s]")
    array = pa.array(stamps, pa.timestamp("s"))
    expected = stamps.astype("datetime64[ns]")
    expected[4] = np.datetime64("NaT")  # numpy wraps 9999-12-31 round to 1815; the loader blanks it instead
    assert datetime64_ns(array).view(np.int64).tolist() == expected.view(np.int64).tolist()
    assert datetime64_ns(array.slice(1, 2)).view(np.int64).tolist() == expected[1:3].view(np.int64).tolist()


@pytest.mark.parametrize(
    ("ids", "repeated"),
    [(["A1", "A2", "B1", "C7"], 0), (["C7", "B1", "A2", "A1"], 0), (["B1", "A2", "C7", "A1"], 0),
     (["A1", "A2", "A2", "C7"], 1), (["C7", "A2", "A2", "A1"], 1), (["B1", "A1", "C7", "A1", "B1"], 2),
     (["A1"], 0), ([], 0)],
)
def test_duplicate_ids_in_sorted_and_unsorted_order(ids: list[str], repeated: int) -> None:
    frame = pd.DataFrame({"record_id": pd.array(ids, dtype="str"), "n": range(len(ids))})
    problems = Problems()
    kept = drop_duplicates(problems, frame, "leads.csv")
    assert len(kept) == len(ids) - repeated
    assert kept["record_id"].is_unique
    assert sum(i.rows for i in problems.issues) == repeated


def test_stage_order_compares_calendar_days_and_ignores_missing_dates() -> None:
    frame = pd.DataFrame({
        "created_date": pd.to_datetime(["2025-01-01 18:00", "1969-12-31 23:00", None, "2025-01-05 00:00",
                                        "2025-01-05 00:00"]),
        "mql_date": pd.to_datetime(["2025-01-01 00:00", "1969-12-31 01:00", "2025-01-01 00:00", None,
                                    "2025-01-04 23:59"]),
    })
    problems = Problems()
    check_stage_order(problems, frame)
    # the same calendar day is in order (rows 0, 1); a missing date is never out of order (rows 2, 3)
    assert [(i.code, i.rows) for i in problems.issues] == [("stage_dates_out_of_order", 1)]
    assert "mql_date before created_date: 1" in problems.issues[0].message


def test_file_digest_is_the_sha256_of_the_uploaded_bytes(tmp_path: Path) -> None:
    from openpyxl import Workbook

    ascii_csv = write_rows(tmp_path / "a.csv", "record_id,created_date", ["A,2025-01-01"])
    cp932_csv = write_rows(tmp_path / "j.csv", "リードID,作成日,担当者", ["A,2025-01-01,佐藤"], encoding="cp932")
    workbook = Workbook()
    workbook.active.append(["record_id", "created_date"])
    workbook.active.append(["A", "2025-01-01"])
    workbook.save(tmp_path / "x.xlsx")
    for path in (ascii_csv, cp932_csv, tmp_path / "x.xlsx"):
        assert load_exports([path]).files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("content", [b" \n\t\r\n", b" " * 70_000 + b"\n" * 10])
def test_a_file_of_whitespace_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(content)
    with pytest.raises(EmptyFileError, match="the file is empty"):
        load_exports([path])


def test_warnings_from_columns_parsed_in_parallel_keep_column_order(tmp_path: Path) -> None:
    rows = [f"L{i:05d},2025-01-0{1 + i % 5},{'x' if i == 3 else '2025-01-09'},{-5 if i == 4 else 10},"
            f"{'Nope' if i == 2 else 'Lead'},{'maybe' if i == 1 else 'yes'}" for i in range(BIG)]
    path = write_rows(tmp_path / "leads.csv", "record_id,created_date,mql_date,amount,Lead Status,icp_fit", rows)
    for _ in range(3):  # the same order every time, whichever thread finishes first
        codes = [i.code for i in load_exports([path]).data_quality]
        assert codes == ["unparseable_date", "negative_amount", "unknown_stage", "unknown_yes_no"]


def test_coerce_canonical_gives_string_columns_the_nullable_string_dtype() -> None:
    frame = pd.DataFrame({
        "record_id": pd.array(["A", None], dtype="str"),
        "segment": pd.array(["SMB", None], dtype=pd.StringDtype("python")),
        "owner": pd.array(["Sato", None], dtype="string"),
        "created_date": np.array(["2025-01-01", "NaT"], "M8[us]"),
        "amount": [1, 2],
    })
    coerced = coerce_canonical(frame)
    string = pd.api.types.pandas_dtype("string")
    assert [coerced[c].dtype == string for c in ("record_id", "segment", "owner")] == [True, True, True]
    assert coerced["record_id"].isna().tolist() == [False, True]
    assert coerced["created_date"].dtype == "datetime64[us]"  # a datetime column is kept as it is
    assert coerced["amount"].dtype == "float64"
    flags = from_canonical(frame).frame
    assert flags["reached_lead"].tolist() == [True, True]  # every record is a lead, dated or not


def test_big_text_columns_pass_through_unchanged_when_already_clean() -> None:
    values = pa.array([f"ID-{i}" for i in range(BIG)] + [None])
    assert clean_text(values).equals(values)  # no copy, no change
    assert pc.all(pc.equal(clean_text(pa.array(["x"] * BIG)), "x")).as_py()
