"""Memo document model and text, built from a small SPEC §5 fixture diagnosis (fast, no charts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from assistant.chat.grounding import check_grounding
from assistant.memo.actions import POLICY_NUMBERS
from assistant.memo.build import build_memo, write_memo
from assistant.memo.context import software_version
from assistant.memo.model import Memo
from assistant.memo.render.markdown import render_markdown, write_markdown
from assistant.memo.text import FINDING_TITLES, OWNER_NAMES
from tools.dataset import LoadedData, from_canonical
from tools.errors import RevOpsInputError


def _frame() -> pd.DataFrame:
    """Sixty small journeys over two quarters with lead sources and amounts."""
    rows = []
    for i in range(60):
        created = pd.Timestamp("2024-01-05") + pd.Timedelta(days=3 * i)
        stage = i % 5  # 0 lead .. 4 won
        rows.append({
            "record_id": f"L{i:03d}",
            "created_date": created,
            "mql_date": created + pd.Timedelta(days=2) if stage >= 1 else None,
            "sql_date": created + pd.Timedelta(days=6) if stage >= 2 else None,
            "opportunity_date": created + pd.Timedelta(days=12) if stage >= 3 else None,
            "won_date": created + pd.Timedelta(days=40) if stage >= 4 else None,
            "amount": 1_200_000.0 if stage >= 3 else None,
            "lead_source": ("Webinar", "Giveaway Campaign", "Referral")[i % 3],
        })
    return pd.DataFrame(rows)


def fixture_diagnosis() -> dict[str, Any]:
    """A realistic diagnosis in the SPEC §5 shape ("KPIs green, revenue flat")."""
    return {
        "as_of": "2024-06-30",
        "periods": {"grain": "quarter", "current": "2024-Q2", "baseline": "2024-Q1"},
        "funnel": {
            "stages": [
                {"stage": "lead", "count": 60, "amount": None},
                {"stage": "mql", "count": 48, "amount": None},
                {"stage": "sql", "count": 36, "amount": None},
                {"stage": "opportunity", "count": 24, "amount": 28_800_000.0},
                {"stage": "won", "count": 12, "amount": 14_400_000.0},
            ],
            "conversions": [
                {"transition": "lead_to_mql", "rate": 0.8, "baseline_rate": 0.79, "current_rate": 0.81},
                {"transition": "mql_to_sql", "rate": 0.75, "baseline_rate": 0.74, "current_rate": 0.76},
                {"transition": "sql_to_opportunity", "rate": 0.6667, "baseline_rate": 0.72,
                 "current_rate": 0.41, "current_window": "2024-Q2", "baseline_window": "2024-Q1"},
                {"transition": "opportunity_to_won", "rate": 0.5, "baseline_rate": 0.5, "current_rate": 0.49},
            ],
        },
        "metrics": {"win_rate": 0.5, "average_deal_size": 1_200_000.0, "median_cycle_days": 40.0},
        "bottleneck": {
            "lever": "sql_to_opportunity",
            "revenue_impact": 5_236_500.0,
            "explanation": "sql to opportunity conversion fell from 72.0% to 41.0%; restoring it is worth about 5,236,500.",
            "levers": [{"lever": "sql_to_opportunity", "baseline": 0.72, "current": 0.41}],
        },
        "findings": [
            {"code": "lead_quality_decline", "severity": "high", "transition": "sql_to_opportunity",
             "segment": {"dimension": "lead_source", "value": "Giveaway Campaign"},
             "summary": "Lead growth came from Giveaway Campaign, which converts at 14.3% vs 53.3%.",
             "evidence": {"overall": {"baseline": 0.72, "current": 0.41, "n_baseline": 267,
                                      "n_current": 457, "p_value": 0.00001},
                          "driver_rate": 0.143, "others_rate": 0.533},
             "playbook_topics": ["lead-stages", "flexible-qualification"], "owner": "Marketing"},
            {"code": "kpi_green_revenue_flat", "severity": "high", "transition": None, "segment": None,
             "summary": "Leads grew +61% while won revenue moved -26%.",
             "evidence": {"leads": {"baseline": 1676, "current": 2705}, "relative_change": -0.26},
             "playbook_topics": ["partial-optimization", "kpi-design"], "owner": "RevOps"},
        ],
        "data_quality": [{"code": "duplicate_ids", "message": "2 duplicate ids merged", "rows": 2}],
        "mapping": {"record_id": "Lead ID", "created_date": "Create Date"},
    }


@pytest.fixture(scope="module")
def data() -> LoadedData:
    return from_canonical(_frame())


def _memo(data: LoadedData, lang: str = "en", diagnosis: dict[str, Any] | None = None,
          today: dt.date = dt.date(2024, 7, 1)) -> Memo:
    return build_memo(data, lang=lang, diagnosis=diagnosis or fixture_diagnosis(), knowledge=None,
                      today=today, charts=False)


def grounding_sources(memo: Memo) -> list[Any]:
    """Everything a memo number may come from: the recorded tool calls (arguments and results),
    the playbook's policy constants, the memo date and the software version."""
    sources: list[Any] = [call.result for call in memo.tool_calls] + [call.args for call in memo.tool_calls]
    return sources + sorted(POLICY_NUMBERS) + [memo.date, software_version()]


def test_memo_has_every_section(data: LoadedData) -> None:
    memo = _memo(data)
    keys = [section.key for section in memo.sections]
    assert keys == ["funnel", "bottleneck", "findings", "actions", "plan", "appendix"]
    appendix = [sub.key for sub in memo.section("appendix").subsections]
    assert appendix == ["appendix-mapping", "appendix-quality", "appendix-tools", "appendix-sources",
                        "appendix-version"]


def test_summary_names_problem_owner_bottleneck_and_first_move(data: LoadedData) -> None:
    memo = _memo(data)
    assert 3 <= len(memo.summary) <= 5
    summary = memo.summary_text()
    assert FINDING_TITLES["en"]["lead_quality_decline"] in summary
    assert FINDING_TITLES["en"]["kpi_green_revenue_flat"] in summary
    assert "Marketing" in summary and "RevOps" in summary
    assert "SQL-to-opportunity conversion" in summary
    assert "5,236,500" in summary  # the engine's revenue at stake
    assert "First move:" in summary


def test_every_number_is_grounded_in_tool_output(data: LoadedData) -> None:
    for lang in ("en", "ja"):
        memo = _memo(data, lang)
        report = check_grounding(memo.plain_text(), grounding_sources(memo))
        assert report.numbers > 30
        assert report.ungrounded == [], lang


def test_grounding_check_catches_an_invented_number(data: LoadedData) -> None:
    memo = _memo(data)
    report = check_grounding(memo.plain_text() + "\nRevenue will grow 37.9% next year.", grounding_sources(memo))
    assert report.ungrounded == ["37.9%"]


def test_same_input_same_memo_except_the_date(data: LoadedData) -> None:
    first = _memo(data, today=dt.date(2024, 7, 1)).plain_text().splitlines()
    second = _memo(data, today=dt.date(2025, 1, 2)).plain_text().splitlines()
    assert [a for a, b in zip(first, second, strict=True) if a != b] == [first[1]]


def test_appendix_has_mapping_quality_tools_hash_and_version(data: LoadedData) -> None:
    text = _memo(data).plain_text()
    assert "record_id | Lead ID" in text
    assert "duplicate_ids | 2 duplicate ids merged | 2" in text
    assert "what_if" in text and '"lever": "sql_to_opportunity"' in text
    assert data.input_hash in text
    assert software_version() in text


def test_without_retrieval_topics_are_cited_by_id(data: LoadedData) -> None:
    memo = _memo(data)
    reasoning = memo.section("finding-1").blocks[-1].text  # type: ignore[union-attr]
    assert "lead-stages" in reasoning and "flexible-qualification" in reasoning
    assert "The playbook store was not available" in memo.plain_text()


def test_playbook_titles_are_cited_when_the_knowledge_base_lists_them(data: LoadedData) -> None:
    class Doc:
        def __init__(self, topic: str, title: str) -> None:
            self.topic, self.title, self.lang, self.source = topic, title, "en", f"knowledge/docs/en/{topic}.md"

    class FakeKnowledge:
        def list_documents(self) -> list[Doc]:
            return [Doc("lead-stages", "Lead stages"), Doc("kpi-design", "KPI design")]

    memo = build_memo(data, diagnosis=fixture_diagnosis(), knowledge=FakeKnowledge(), charts=False)
    text = memo.plain_text()
    assert "lead-stages (Lead stages)" in text
    assert "knowledge/docs/en/kpi-design.md" in text


def test_japanese_memo_is_japanese(data: LoadedData) -> None:
    memo = _memo(data, "ja")
    text = memo.plain_text()
    assert memo.title == "売上改善メモ"
    assert FINDING_TITLES["ja"]["lead_quality_decline"] in memo.summary_text()
    assert OWNER_NAMES["ja"]["Marketing"] in memo.summary_text()
    assert "Lead growth came from" not in text  # English engine prose stays out of the Japanese memo
    assert "30日以内" in text


def test_healthy_funnel_memo(data: LoadedData) -> None:
    diagnosis = fixture_diagnosis()
    diagnosis["findings"] = []
    diagnosis["bottleneck"] = {"lever": None, "revenue_impact": None, "explanation": "nothing stands out"}
    memo = _memo(data, diagnosis=diagnosis)
    assert "No significant findings" in memo.summary_text()
    assert "No single lever holds revenue back" in memo.summary_text()


def test_markdown_links_charts_and_tables(data: LoadedData, tmp_path: Any) -> None:
    memo = _memo(data)
    text = render_markdown(memo)
    assert text.startswith("# Revenue improvement memo")
    assert "## Executive summary" in text and "| Stage | Reached | Amount |" in text
    out = write_markdown(memo, tmp_path / "memo.md")
    assert out.read_text(encoding="utf-8") == text  # no figures: nothing to link


def test_unknown_format_and_language_are_clear_errors(data: LoadedData, tmp_path: Any) -> None:
    with pytest.raises(RevOpsInputError, match="unknown memo format '.txt'"):
        write_memo(data, tmp_path / "memo.txt")
    with pytest.raises(RevOpsInputError, match="unknown language 'fr'"):
        build_memo(data, lang="fr", diagnosis=fixture_diagnosis(), knowledge=None)


def test_japanese_pdf_lines_fit_and_keep_numbers_whole() -> None:
    from assistant.memo.render.pdf import FAMILY, MemoPDF

    memo = Memo(lang="ja", title="t", date="d", header=[], summary=[], sections=[])
    pdf = MemoPDF(memo)
    pdf.set_font(FAMILY, "", 9.5)
    text = "フェーズの標準滞留期間を超えた商談は受注に至りにくく、売上予測も歪めます。売上は四半期あたり+15,193,518変化します（151,935,183→167,128,702）。"
    lines = pdf.wrap_lines(text * 3, 60)
    assert "".join(lines) == text * 3
    assert all(pdf.get_string_width(line) <= 60 for line in lines)
    assert not any(line[0] in "、。）ー" for line in lines[1:])
    assert all(n in "\n".join(lines) for n in ("+15,193,518", "151,935,183", "167,128,702"))
