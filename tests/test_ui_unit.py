"""The web app's pure pieces: labels, views, charts, loading and chat handlers (no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assistant.chat.answer import Answer, Citation, ToolCall
from tools.dataset import from_canonical
from tools.errors import MappingError
from ui import charts, handlers, views
from ui.labels import EXAMPLES, LABELS, label
from ui.state import TabState, parse_override_text, split_targets

DIAGNOSIS: dict[str, Any] = {
    "funnel": {
        "stages": [{"stage": s, "count": c, "amount": None}
                   for s, c in [("lead", 1000), ("mql", 400), ("sql", 200), ("opportunity", 80), ("won", 20)]],
        "conversions": [
            {"transition": "lead_to_mql", "rate": 0.4, "baseline_rate": 0.4, "current_rate": 0.41},
            {"transition": "mql_to_sql", "rate": 0.5, "baseline_rate": 0.55, "current_rate": 0.45},
        ],
    },
    "metrics": {"win_rate": 0.25, "average_deal_size": 1_200_000.0, "median_cycle_days": 41.0},
    "bottleneck": {"lever": "mql_to_sql", "revenue_impact": 5_000_000.0, "explanation": "x", "levers": []},
    "findings": [
        {"code": "kpi_green_revenue_flat", "severity": "high", "transition": "mql_to_sql",
         "segment": {"dimension": "lead_source", "value": "Giveaway"}, "summary": "Leads up, revenue flat.",
         "owner": "RevOps", "evidence": {"leads": {"baseline": 100.0, "current": 160.0},
                                         "won_revenue": {"baseline": 9.0e6, "current": 8.5e6}}},
    ],
}


def small_frame(n: int = 40) -> pd.DataFrame:
    created = pd.date_range("2025-01-01", periods=n, freq="D")
    return pd.DataFrame({
        "record_id": [f"L{i}" for i in range(n)],
        "created_date": created,
        "mql_date": [d if i % 2 == 0 else pd.NaT for i, d in enumerate(created)],
        "amount": [1000.0 * (i % 5) for i in range(n)],
    })


def test_every_label_has_english_and_japanese() -> None:
    missing = [k for k, v in LABELS.items() if set(v) != {"en", "ja"} or not all(v.values())]
    assert missing == []
    assert label("ja", "send") == "質問する"
    assert label("fr", "send") == "Ask"  # unknown language falls back to English
    assert "KPIは達成しているのに売上が伸びないのはなぜ？" in EXAMPLES["ja"]


def test_override_text_parses_lines_and_skips_comments() -> None:
    text = "# fix the deal value\namount=Deal Value\n\n record_id = Lead No \n"
    assert parse_override_text(text) == {"amount": "Deal Value", "record_id": "Lead No"}
    assert parse_override_text("") == {}


def test_override_text_rejects_unknown_canonical_names() -> None:
    with pytest.raises(MappingError, match="unknown canonical column 'colour'"):
        parse_override_text("colour=Red")


def test_split_targets_recognises_the_targets_file_by_name() -> None:
    exports, targets = split_targets([Path("deals.csv"), Path("targets.csv"), Path("leads.csv")])
    assert exports == [Path("deals.csv"), Path("leads.csv")]
    assert targets == Path("targets.csv")
    assert split_targets([Path("売上目標.csv")])[1] == Path("売上目標.csv")


def test_funnel_figure_draws_the_engine_counts_and_highlights_the_bottleneck_stage() -> None:
    fig = charts.funnel_figure(DIAGNOSIS, "ja")
    assert fig is not None
    trace = fig.data[0]
    assert list(trace.x) == [1000, 400, 200, 80, 20]
    assert list(trace.y) == ["リード", "MQL", "SQL", "商談", "受注"]
    assert trace.marker.color[2] == charts._ALERT_COLOR  # mql_to_sql: the SQL stage
    assert charts.funnel_figure(None) is None


def test_finding_figure_uses_the_evidence_pairs() -> None:
    assert charts.evidence_pairs(DIAGNOSIS["findings"][0]["evidence"]) == [
        ("leads", 100.0, 160.0), ("won_revenue", 9.0e6, 8.5e6)]
    fig = charts.finding_figure(DIAGNOSIS, "en")
    assert fig is not None
    assert [list(t.y) for t in fig.data] == [[100.0, 160.0], [9.0e6, 8.5e6]]


def test_finding_figure_without_pairs_shows_conversions() -> None:
    diagnosis = {**DIAGNOSIS, "findings": [{**DIAGNOSIS["findings"][0], "evidence": {}}]}
    fig = charts.finding_figure(diagnosis, "en")
    assert fig is not None
    assert [t.name for t in fig.data] == ["baseline", "current"]
    assert list(fig.data[1].y) == [0.41, 0.45]


def test_data_markdown_shows_dialect_mapping_and_warnings() -> None:
    from tools.errors import DataQualityIssue

    data = from_canonical(small_frame(), mapping={"record_id": "リードID", "created_date": "作成日"},
                          dialect="japanese", data_quality=[DataQualityIssue("duplicate_id", "2 duplicate ids", 2)])
    text = views.data_markdown(data, "en")
    assert "`japanese`" in text
    assert "| `record_id` | リードID |" in text
    assert "duplicate_id" in text and "(2 rows)" in text
    assert views.data_markdown(None, "ja") == label("ja", "no_data")


def test_diagnosis_markdown_lists_bottleneck_metrics_and_findings() -> None:
    text = views.diagnosis_markdown(DIAGNOSIS, "en")
    assert "**5M**" in text  # revenue at stake, rounded for reading (tools.wording)
    assert "25.0%" in text  # the engine's win rate, formatted
    assert "Leads up, revenue flat." in text
    assert "lead_source=Giveaway" in text
    assert "ボトルネック" in views.diagnosis_markdown(DIAGNOSIS, "ja")


def test_mode_indicator_names_the_remote_model() -> None:
    from assistant.settings import get_settings

    assert "offline" in views.mode_markdown(get_settings(llm="offline"), "en")
    remote = get_settings(llm="openai", openai_api_key="sk-test", openai_model="gpt-test")
    assert "gpt-test" in views.mode_markdown(remote, "en")


def _answer() -> Answer:
    return Answer(
        answer="Revenue is flat because " + "the giveaway leads do not convert. " * 10,
        language="en", mode="offline",
        citations=[Citation("partial-optimization", "knowledge/docs/en/partial-optimization.md", "Silo KPIs …",
                            title="Partial optimization")],
        tool_calls=[ToolCall("diagnose_funnel", {}), ToolCall("search_playbook", {"query": "kpi", "k": 3})],
    )


def test_answer_messages_have_collapsible_tool_calls_and_sources() -> None:
    how, body, sources = views.answer_messages(_answer(), "en", ["diagnose_funnel"])
    assert how["metadata"]["title"] == "How this was computed"
    assert 'search_playbook(query="kpi", k=3)' in how["content"]
    assert body["content"].startswith("Revenue is flat")
    assert sources["metadata"]["title"] == "Sources (1)"
    assert "knowledge/docs/en/partial-optimization.md" in sources["content"]


class ScriptedConversation:
    """Stands in for ``assistant.chat.conversation.Conversation``: progress lines, then the answer."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def ask_stream(self, question: str) -> Iterator[str | Answer]:
        self.questions.append(question)
        yield "diagnose_funnel"
        yield self.answer


def test_stream_answer_shows_progress_then_grows_the_text() -> None:
    session = TabState()
    conversation = ScriptedConversation(_answer())
    session.conversation = conversation  # type: ignore[assignment]
    updates = [messages for messages, _ in handlers.stream_answer("Why?", [], session, None, "en")]
    assert conversation.questions == ["Why?"]
    assert updates[0][-1]["metadata"]["status"] == "pending"
    assert "diagnose_funnel" in updates[1][-1]["content"]
    texts = [u[2]["content"] for u in updates[2:-1]]
    assert texts and all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))
    final = updates[-1]
    assert [m["role"] for m in final] == ["user", "assistant", "assistant", "assistant"]
    assert final[2]["content"] == _answer().answer.rstrip()


def test_stream_answer_ignores_empty_questions() -> None:
    session = TabState()
    assert list(handlers.stream_answer("  ", [], session, None, "en")) == [([], session)]


def test_bad_upload_keeps_the_previous_data_and_shows_the_loader_message(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    small_frame().to_csv(good, index=False)
    broken = tmp_path / "broken.csv"
    broken.write_text("Name,Email\nA,a@x\n", encoding="utf-8")
    session, shown = handlers.on_upload(None, None, [str(good)], None, "", "en", lambda f, m: None)
    assert session.data is not None and session.paths == [good]
    assert "Loaded 40 records from good.csv" in shown.status

    again, shown = handlers.on_upload(session, None, [str(broken)], None, "", "en", lambda f, m: None)
    assert again is session and session.paths == [good]
    assert "Could not load this upload" in shown.status
    assert "broken.csv" in shown.status and "no record id column" in shown.status
    assert "Fix the mapping" in shown.status  # the UI's way to do --map


def test_mapping_override_reloads_with_the_users_column(tmp_path: Path) -> None:
    export = tmp_path / "odd.csv"
    small_frame().rename(columns={"record_id": "Ticket"}).to_csv(export, index=False)
    session, shown = handlers.on_upload(None, None, [str(export)], None, "", "en", lambda f, m: None)
    assert session.data is None and "Could not load" in shown.status
    session, shown = handlers.on_upload(session, None, [str(export)], None, "record_id=Ticket", "en",
                                        lambda f, m: None)
    assert session.data is not None and session.overrides == {"record_id": "Ticket"}
    assert "| `record_id` | Ticket |" in shown.data


def test_session_close_removes_its_files() -> None:
    session = TabState()
    memo_dir = session.workdir
    (memo_dir / "memo.md").write_text("x")
    session.close()
    assert not memo_dir.exists()


def test_launch_options_limit_uploads_and_add_a_login_when_configured() -> None:
    from assistant.settings import get_settings
    from ui.app import AUTH_USER, launch_options

    open_app = launch_options(get_settings(upload_max_mb=5))
    assert open_app["max_file_size"] == "5mb"
    assert "auth" not in open_app
    locked = launch_options(get_settings(ui_password="s3cret"))
    assert locked["auth"] == (AUTH_USER, "s3cret")


def test_build_app_keeps_one_state_per_session_with_cleanup() -> None:
    import gradio as gr

    from assistant.settings import get_settings
    from ui.app import DELETE_CACHE, build_app
    from ui.state import close_session

    app = build_app(get_settings(), demo=False)
    states = [b for b in app.blocks.values() if isinstance(b, gr.State)]
    assert len(states) == 1 and states[0].delete_callback is close_session
    assert app.delete_cache == DELETE_CACHE
