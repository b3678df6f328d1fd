"""The web app's pure pieces: labels, views, diagnosis charts, loads with progress, the mapping flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tools.dataset import from_canonical
from tools.wording import format_money
from ui import charts, handlers, views
from ui.labels import EXAMPLES, FIELD_NAMES, LABELS, ROLE_NAMES, TOOL_NAMES, label
from ui.mapping import handlers as mapping_handlers
from ui.state import TabState, split_targets

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
        {"code": "lead_quality_decline", "severity": "high", "transition": "mql_to_sql",
         "segment": {"dimension": "lead_source", "value": "<img src=x>Giveaway"}, "summary": "Leads up, revenue flat.",
         "owner": "Marketing", "evidence": {"leads": {"baseline": 100.0, "current": 160.0},
                                            "mix_test": {"baseline": 0.52, "current": 0.35}}},
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


def test_every_label_has_english_and_japanese_and_examples_are_whole_questions() -> None:
    for table in (LABELS, {k: {"en": v, "ja": FIELD_NAMES["ja"].get(k, "")} for k, v in FIELD_NAMES["en"].items()},
                  {k: {"en": v, "ja": ROLE_NAMES["ja"].get(k, "")} for k, v in ROLE_NAMES["en"].items()},
                  {k: {"en": v, "ja": TOOL_NAMES["ja"].get(k, "")} for k, v in TOOL_NAMES["en"].items()}):
        assert [k for k, v in table.items() if set(v) != {"en", "ja"} or not all(v.values())] == []
    assert label("ja", "send") == "質問する" and label("fr", "send") == "Ask"
    assert len(EXAMPLES["en"]) == len(EXAMPLES["ja"])
    assert all(q.endswith(("?", "？")) for q in EXAMPLES["en"] + EXAMPLES["ja"])


def test_split_targets_recognises_the_targets_file_by_name() -> None:
    exports, targets = split_targets([Path("deals.csv"), Path("targets.csv"), Path("leads.csv")])
    assert exports == [Path("deals.csv"), Path("leads.csv")] and targets == Path("targets.csv")
    assert split_targets([Path("売上目標.csv")])[1] == Path("売上目標.csv")


def test_funnel_figure_draws_the_engine_counts_in_the_ui_language() -> None:
    fig = charts.funnel_figure(DIAGNOSIS, "ja")
    assert fig is not None
    (trace,) = fig.data
    assert list(trace.x) == [1000, 400, 200, 80, 20]
    assert list(trace.y) == ["リード", "MQL", "SQL", "商談", "受注"]
    assert list(trace.text) == ["1,000", "400", "200", "80", "20"]
    assert trace.marker.color[2] == charts.ALERT_COLOR  # mql_to_sql: the SQL stage
    assert fig.layout.title.text == "ファネル"
    assert charts.funnel_figure(None) is None


def test_finding_figure_names_every_evidence_pair_in_japanese() -> None:
    fig = charts.finding_figure(DIAGNOSIS, "ja")
    assert fig is not None
    assert [list(t.y) for t in fig.data] == [[100.0, 160.0], [0.52, 0.35]]
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["リード数", "現在の構成比での見込み転換率"]
    assert list(fig.data[1].text) == ["52.0%", "35.0%"]
    assert "mix test" not in str(fig.to_dict())


def test_every_evidence_pair_the_engine_produces_has_a_japanese_name() -> None:
    from tools.demo.scenarios import generate_scenario
    from tools.diagnosis import diagnose

    keys = set()
    for cause in ("kpi_green_revenue_flat", "slow_follow_up", "mix_shift", "deal_size_drop", "churn_increase",
                  "cycle_time_increase", "meeting_quality_drop", "lead_volume_decline"):
        result = diagnose(from_canonical(generate_scenario(cause, 0, leads_per_month=300).frame)).to_dict()
        for finding in result["findings"]:
            keys |= {k for k, _, _ in charts.evidence_pairs(finding.get("evidence") or {})}
    assert keys
    untranslated = [k for k in keys if charts.evidence_name(k, "ja") == k.replace("_", " ")]
    assert untranslated == []


def test_diagnosis_markdown_formats_money_like_the_chat_and_escapes_data() -> None:
    text = views.diagnosis_markdown(DIAGNOSIS, "ja")
    assert f"**{format_money(5_000_000.0, 'ja')}**" in text and "500万" in text
    assert "25.0%" in text and "ボトルネック" in text
    assert "<img" not in text and "&lt;img src=x&gt;Giveaway" in text
    assert "Leads up, revenue flat." in views.diagnosis_markdown(DIAGNOSIS, "en")


def test_data_markdown_shows_files_and_warnings() -> None:
    from tools.errors import DataQualityIssue

    data = from_canonical(small_frame(), mapping={"record_id": "リードID"}, dialect="japanese",
                          data_quality=[DataQualityIssue("duplicate_id", "2 duplicate <b>ids</b>", 2)])
    text = views.data_markdown(data, "en")
    assert "`japanese`" in text and "duplicate_id" in text and "(2 rows)" in text
    assert "<b>" not in text
    assert views.data_markdown(None, "ja") == label("ja", "no_data")


def test_progress_log_ticks_finished_steps_and_times_the_running_one() -> None:
    from ui.state import Step

    log = views.ProgressLog()
    log.add(Step("progress_reading", {"file": "a.csv", "size": "98.4 MB"}))
    log.add(Step("tick", {"seconds": "1.5"}))
    assert "Reading a.csv (98.4 MB)… · 1.5 s" in log.markdown("en")
    log.add(Step("progress_read", {"file": "a.csv", "rows": 1_000_000, "role": "leads", "encoding": "utf-8"},
                 done=True))
    text = log.markdown("ja")
    assert "Reading" not in log.markdown("en") and "1,000,000 行を読み込みました" in text and "リード" in text


def _drain(updates: Any) -> list[handlers.Update]:
    return list(updates)


def test_upload_streams_rows_read_then_shows_the_diagnosis(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    small_frame().to_csv(good, index=False)
    session = TabState()
    updates = _drain(handlers.on_upload(session, [str(good)], None, "en"))
    assert any("Reading good.csv" in u.status for u in updates[:-1])
    final = updates[-1]
    assert "Loaded 40 records from good.csv" in final.status and "40 rows read" in final.status
    assert final.editor_changed and final.diagnosis and "Bottleneck" in final.diagnosis
    assert session.data is not None and session.plan is not None and session.diagnosis is not None


def test_bad_upload_keeps_the_previous_data_and_offers_the_editor(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    small_frame().to_csv(good, index=False)
    broken = tmp_path / "broken.csv"
    broken.write_text("Name,Email\nA,a@x\n", encoding="utf-8")
    session = TabState()
    _drain(handlers.on_upload(session, [str(good)], None, "en"))
    final = _drain(handlers.on_upload(session, [str(broken)], None, "en"))[-1]
    assert session.paths == [good] and session.data is not None and session.data.rows == 40
    assert "Could not load this upload" in final.status and "broken.csv" in final.status
    assert "no record id column" in final.status and "Column mapping" in final.status
    assert session.plan is not None and [f.name for f in session.plan.files] == ["broken.csv"]
    assert final.editor_changed


def test_editor_preview_then_apply_changes_the_diagnosis_and_saves_the_mapping(tmp_path: Path) -> None:
    frame = small_frame()
    frame["won_date"] = [d if i % 4 == 0 else pd.NaT for i, d in enumerate(frame["created_date"])]
    export = tmp_path / "odd.csv"
    frame.rename(columns={"amount": "Signed Total"}).to_csv(export, index=False)
    session = TabState()
    _drain(handlers.on_upload(session, [str(export)], None, "en"))
    assert session.diagnosis is not None and session.diagnosis["metrics"].get("average_deal_size") is None

    previews = list(mapping_handlers.on_choose(session, "odd.csv", "Signed Total", "amount", "en"))
    assert "Signed Total → Amount (deal value)" in previews[-1] and "| Won | 10 | **10** |" in previews[-1]
    assert session.data is not None and "amount" not in session.data.frame  # nothing applied yet

    final = _drain(mapping_handlers.on_apply(session, True, False, "en"))
    won = frame[frame["won_date"].notna()]
    expected = won["amount"].mean()
    assert session.diagnosis["metrics"]["average_deal_size"] == pytest.approx(expected)
    assert format_money(expected, "en") in (final[-2].diagnosis or "")
    assert "Mapping saved for odd.csv" in final[-1].status
    assert list(session.mappings.load_all().values()) == [{"Signed Total": "amount"}]

    again = _drain(handlers.on_upload(session, [str(export)], None, "en"))[-1]
    assert "Reused your saved mapping for odd.csv" in again.status
    assert "amount" in session.data.frame


def test_a_date_column_read_both_ways_is_asked_and_the_answer_loads_it(tmp_path: Path) -> None:
    export = tmp_path / "ambiguous.csv"
    rows = [f"R{i},{(i % 11) + 1:02d}/{(i % 11) + 2:02d}/2025" for i in range(40)]  # 03/04: March 4 or 3 April
    export.write_text("record_id,created_date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    session = TabState()
    final = _drain(handlers.on_upload(session, [str(export)], None, "en"))[-1]
    assert session.plan is not None and [q.column for q in session.plan.questions] == ["created_date"]
    assert "Could not load" in final.status and final.editor_changed
    preview = list(mapping_handlers.on_date_order(session, "created_date", "dmy", "en"))[-1]
    assert "| Lead | — | **40** |" in preview
    _drain(mapping_handlers.on_apply(session, False, False, "en"))
    assert session.data is not None and session.data.rows == 40 and session.plan.questions == []
    first = session.data.frame.loc[session.data.frame["record_id"] == "R0", "created_date"].iloc[0]
    assert first == pd.Timestamp("2025-02-01")  # "01/02/2025" read day first, as the user said


def test_a_role_chosen_in_the_editor_reads_the_file_under_that_role(tmp_path: Path) -> None:
    frame = small_frame()
    frame["won_date"] = [d if i % 4 == 0 else pd.NaT for i, d in enumerate(frame["created_date"])]
    export = tmp_path / "deals.csv"
    frame.to_csv(export, index=False)
    session = TabState()
    _drain(handlers.on_upload(session, [str(export)], None, "en"))
    assert session.plan is not None and session.plan.files[0].role == "leads"
    steps = list(mapping_handlers.on_role(session, "deals.csv", "opportunities", "en"))
    assert steps[0][0] is True  # the editor is drawn again with the file's columns under the new role
    plan = session.plan
    assert plan.roles == {"deals.csv": "opportunities"} and plan.files[0].role == "opportunities"
    _drain(mapping_handlers.on_apply(session, False, False, "en"))
    assert session.data is not None and [f.role for f in session.data.report.files] == ["opportunities"]
    with pytest.raises(ValueError, match="unknown role"):
        plan.set_role("deals.csv", "customers")


def test_memo_streams_its_time_then_offers_the_file(tmp_path: Path) -> None:
    session = TabState()
    good = tmp_path / "good.csv"
    small_frame().to_csv(good, index=False)
    _drain(handlers.on_upload(session, [str(good)], None, "en"))
    steps = list(handlers.on_memo(session, "Markdown", "en"))
    assert steps[0][0] is None and "Writing the Markdown memo" in steps[0][1]
    path, note = steps[-1]
    assert path is not None and Path(path).read_text(encoding="utf-8").startswith("# ")
    assert "Memo ready" in note
    assert list(handlers.on_memo(TabState(), "PDF", "en"))[-1][0] is None


def test_memo_is_written_from_the_sessions_diagnosis_and_lists_its_conversation(tmp_path: Path) -> None:
    from ui import chat_handlers

    session = TabState()
    good = tmp_path / "good.csv"
    small_frame().to_csv(good, index=False)
    _drain(handlers.on_upload(session, [str(good)], None, "en"))
    list(chat_handlers.stream_answer("Where is the funnel leaking?", session, "en"))
    answer = session.turns[-1].answer
    assert answer is not None
    assert session.chat().context.diagnosis() is session.diagnosis_result  # one diagnosis per upload
    path, _ = list(handlers.on_memo(session, "Markdown", "en"))[-1]
    assert path is not None
    text = Path(path).read_text(encoding="utf-8")
    assert "Where is the funnel leaking?" in text


def test_session_close_removes_its_files() -> None:
    session = TabState()
    folder = session.workdir
    (folder / "memo.md").write_text("x")
    session.close()
    assert not folder.exists()


def test_launch_options_limit_uploads_and_add_a_login_when_configured() -> None:
    from assistant.settings import get_settings
    from ui.app import AUTH_USER, launch_options

    open_app = launch_options(get_settings(upload_max_mb=5))
    assert open_app["max_file_size"] == "5mb" and "auth" not in open_app
    assert launch_options(get_settings(ui_password="s3cret"))["auth"] == (AUTH_USER, "s3cret")


def test_build_app_keeps_one_state_per_session_with_cleanup() -> None:
    import gradio as gr

    from assistant.settings import get_settings
    from ui.app import DELETE_CACHE, build_app
    from ui.state import close_session

    app = build_app(get_settings(), demo=False)
    states = [b for b in app.blocks.values() if isinstance(b, gr.State) and b.delete_callback is close_session]
    assert len(states) == 1 and states[0].time_to_live
    assert app.delete_cache == DELETE_CACHE
