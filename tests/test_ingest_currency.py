"""The currency an export shows (signs, codes, header) reaches LoadedData.currency; silence stays None."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.ingest.loading import load_exports

HEADER = "record_id,created_date,mql_date,sql_date,opportunity_date,won_date,lost_date,{amount},lead_source,segment\n"
ROWS = [
    ("L1", "2025-01-05", "2025-01-06", "2025-01-08", "2025-01-10", "2025-02-01", "", "{a}1,200,000{b}", "Web", "SMB"),
    ("L2", "2025-01-07", "2025-01-08", "", "", "", "", "", "Web", "SMB"),
    ("L3", "2025-02-03", "2025-02-04", "2025-02-06", "2025-02-09", "", "2025-03-01", "{a}800,000{b}", "Events", "SMB"),
]


def _write(tmp_path: Path, name: str, amount_header: str, before: str, after: str) -> Path:
    path = tmp_path / name
    lines = [HEADER.format(amount=amount_header)]
    for row in ROWS:
        cells = [c.format(a=before, b=after) for c in row]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("header", "before", "after", "expected"), [
    ("amount", "¥", "", "JPY"),
    ("amount", "", "円", "JPY"),
    ("amount", "JPY ", "", "JPY"),
    ("amount", "$", "", "USD"),
    ("amount", "€", "", "EUR"),
    ("Amount (JPY)", "", "", "JPY"),
    ("金額（円）", "", "", "JPY"),
    ("amount", "", "", None),
])
def test_the_currency_the_export_shows_is_kept(tmp_path: Path, header: str, before: str, after: str,
                                                 expected: str | None) -> None:
    data = load_exports([_write(tmp_path, "leads.csv", header, before, after)])
    assert data.currency == expected
    won = data.frame.loc[data.frame["record_id"] == "L1", "amount"].iloc[0]
    assert won == 1_200_000  # the sign is still stripped for the number


def test_two_currencies_in_one_column_say_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "leads.csv", "amount", "¥", "")
    text = path.read_text(encoding="utf-8").replace("¥800,000", "$800,000")
    path.write_text(text, encoding="utf-8")
    assert load_exports([path]).currency is None


def test_the_demo_salesforce_export_says_yen(tmp_path: Path) -> None:
    from tools.demo.sample import DEMO_CURRENCY, write_demo

    files = [p for p in write_demo(tmp_path, "salesforce") if p.name != "targets.csv" and p.suffix == ".csv"]
    assert load_exports(files).currency == DEMO_CURRENCY == "JPY"
