"""An undated upload's memo is a snapshot, never "no lever deteriorated" (a clean bill of health)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assistant.memo.build import build_memo
from assistant.memo.render.markdown import render_markdown
from tools.ingest.loading import load_exports

FILE = Path(__file__).parent / "data" / "corpus" / "classes" / "undated_leads" / "leads.csv"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_undated_brief_gives_the_snapshot_with_figures_from_the_raw_file(lang: str) -> None:
    raw = pd.read_csv(FILE)
    overall = raw["Converted"].mean()
    by_source = raw.groupby("Lead Source")["Converted"].mean()
    text = render_markdown(build_memo(load_exports([FILE]), lang=lang))
    brief = text.split("## ", 2)[1]  # the one-page decision, up to the next section
    assert f"{overall:.1%}" in brief
    assert f"{by_source.max():.1%}" in brief and by_source.idxmax() in brief
    assert f"{by_source.min():.1%}" in brief and by_source.idxmin() in brief
    assert "deteriorated" not in text.split("## The funnel")[0] and "悪化したレバー" not in brief
    assert ("undated snapshot" in brief.lower()) if lang == "en" else ("日付のないスナップショット" in brief)
    assert "? to ?" not in text and "?〜?" not in text
