"""The plausibility gate: each misread-upload shape stops the diagnosis with a message that names the cause
and what to try; ``--force`` proceeds and keeps the warning visible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.errors import ImplausibleUploadError
from tools.ingest.loading import LoadOptions, load_exports
from ui.cli import app

CLASSES = Path(__file__).parent / "data" / "corpus" / "classes"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def stopped(paths: list[Path], **options: object) -> ImplausibleUploadError:
    with pytest.raises(ImplausibleUploadError) as info:
        load_exports(paths, options=LoadOptions(**options))  # type: ignore[arg-type]
    return info.value


def test_every_lead_at_every_stage_stops(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Lead Status"],
                     [[f"L{i}", f"2025-01-{1 + i % 28:02d}", "Closed - Converted"] for i in range(120)])
    error = stopped([path])
    (issue,) = error.verdict.issues
    assert issue.code == "equal_stages" and issue.file == "leads.csv"
    assert issue.message == ("every one of the 120 records reached every stage from lead to opportunity (lead = mql = "
                             "sql = opportunity = 120), which no real funnel does")
    assert "--map status=" in issue.suggestion and "--role" in issue.suggestion
    assert str(error).startswith("the upload looks misread, so no diagnosis was made:\n- every one of the 120 records")
    assert str(error).endswith("or run again with --force to diagnose it as loaded")


def test_a_lead_file_taken_for_opportunities_stops_on_zero_won() -> None:
    # issue 13's worst case: the leads file read as opportunities (every lead an open deal, none won)
    error = stopped([CLASSES / "own_vocabulary" / "leads.csv"], roles={"leads.csv": "opportunities"})
    codes = [i.code for i in error.verdict.issues]
    assert "no_won" in codes
    no_won = next(i for i in error.verdict.issues if i.code == "no_won")
    assert no_won.message == "none of the 2,400 opportunities is won, although leads.csv has a stage or outcome column"
    assert "--map stage=" in no_won.suggestion


def test_zero_won_among_hundreds_of_opportunities_stops(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "opps.csv", ["Opportunity ID", "Stage", "Created Date", "Close Date", "Amount"],
                     [[f"O{i}", "Closed Lost" if i % 3 else "Proposal", f"2025-0{1 + i % 6}-10", "2025-07-01", 1000]
                      for i in range(400)])
    (issue,) = stopped([path]).verdict.issues
    assert (issue.code, issue.message) == ("no_won", "none of the 400 opportunities is won, although opps.csv has a "
                                                     "stage or outcome column")


def test_many_repeated_ids_stop(tmp_path: Path) -> None:
    # the id column is really the account: 200 leads over 20 accounts
    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Lead Status"],
                     [[f"ACC{i % 20}", f"2025-02-{1 + i % 28:02d}", "Working - Contacted"] for i in range(200)])
    (issue,) = stopped([path]).verdict.issues
    assert issue.code == "duplicate_ids"
    assert issue.message == "leads.csv: 180 of 200 rows (90%) were dropped as repeated ids"
    assert "--map record_id=" in issue.suggestion


def test_a_join_that_matches_under_half_its_keys_stops(tmp_path: Path) -> None:
    leads = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Converted Opportunity ID"],
                      [[f"L{i}", f"2025-01-{1 + i % 28:02d}", f"006X{i}" if i < 40 else ""] for i in range(100)])
    opps = write_csv(tmp_path / "opps.csv", ["Opportunity ID", "Stage", "Created Date", "Close Date"],
                     [[f"006{'X' if i < 10 else 'Y'}{i}", "Closed Won" if i % 2 else "Closed Lost", "2025-02-01",
                       "2025-03-01"] for i in range(40)])
    issues = stopped([leads, opps]).verdict.issues
    weak = next(i for i in issues if i.code == "weak_join")
    assert weak.message == ("only 10 of 40 'Converted Opportunity ID' keys of leads.csv were found in 'Opportunity ID' "
                            "of opps.csv (25%)")


def test_files_whose_dates_do_not_overlap_stop(tmp_path: Path) -> None:
    leads = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Converted Opportunity ID"],
                      [[f"L{i}", f"2019-0{1 + i % 9}-15", f"O{i}" if i < 30 else ""] for i in range(90)])
    opps = write_csv(tmp_path / "opps.csv", ["Opportunity ID", "Stage", "Created Date", "Close Date"],
                     [[f"O{i}", "Closed Won" if i % 2 else "Closed Lost", "2024-05-01", "2024-06-01"]
                      for i in range(30)])
    issues = stopped([leads, opps]).verdict.issues
    assert {i.code for i in issues} == {"disjoint_dates"}
    assert issues[0].message == ("leads.csv covers 2019-01-15..2019-09-15, outside every other file's dates (opps.csv "
                                 "2024-05-01..2024-06-01)")
    assert "--date-order" in issues[0].suggestion


def test_force_diagnoses_anyway_and_keeps_the_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Lead Status"],
                     [[f"L{i}", f"2025-01-{1 + i % 28:02d}", "Closed - Converted"] for i in range(120)])
    loaded = load_exports([path], options=LoadOptions(force=True))
    assert loaded.report.plausibility.forced and not loaded.report.plausibility.plausible
    assert [i.code for i in loaded.data_quality] == ["implausible_equal_stages"]


def test_cli_exits_2_with_the_cause_and_force_proceeds(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Lead Status"],
                     [[f"L{i}", f"2025-01-{1 + i % 28:02d}", "Closed - Converted"] for i in range(120)])
    runner = CliRunner()
    result = runner.invoke(app, ["diagnose", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the upload looks misread, so no diagnosis was made:\n- every one of the 120")
    assert "Traceback" not in result.output
    forced = runner.invoke(app, ["diagnose", str(path), "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    payload = json.loads(forced.stdout)
    assert payload["load"]["plausibility"]["forced"] is True
    assert payload["load"]["plausibility"]["issues"][0]["code"] == "equal_stages"
    assert runner.invoke(app, ["diagnose", str(path), "--force"]).stdout.count("Diagnosed anyway (--force)") == 1


def test_the_ui_shows_a_gate_stop_as_a_message(tmp_path: Path) -> None:
    from ui import handlers
    from ui.mapping import handlers as mapping_handlers
    from ui.state import TabState

    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date", "Lead Status"],
                     [[f"L{i}", f"2025-01-{1 + i % 28:02d}", "Closed - Converted"] for i in range(120)])
    session = TabState()
    shown = list(handlers.on_upload(session, [str(path)], None, "en"))[-1]
    assert session.data is None
    assert "the upload looks misread" in shown.status and "every one of the 120 records" in shown.status
    assert shown.editor_changed and session.plan is not None  # the mapping editor is offered
    assert "Diagnose even if the upload looks misread" in shown.status
    list(mapping_handlers.on_apply(session, False, True, "en"))  # "diagnose anyway"
    assert session.data is not None and session.data.report.plausibility.forced


def test_option_items_are_parsed_or_refused_with_the_valid_choices() -> None:
    from tools.errors import MappingError
    from tools.ingest.options import parse_date_orders, parse_roles, parse_years

    assert parse_roles(["data/deals.csv=Opportunities"]) == {"deals.csv": "opportunities"}
    assert parse_date_orders(["dmy", "Created Date=mdy"]) == {"*": "dmy", "Created Date": "mdy"}
    assert parse_years("2015-2030") == (2015, 2030)
    with pytest.raises(MappingError) as info:
        parse_roles(["deals.csv=deals"])
    assert str(info.value) == ("unknown role 'deals'. Valid roles: leads, opportunities, accounts, owners, targets, "
                               "unknown.")
    with pytest.raises(MappingError, match="is not a date order"):
        parse_date_orders(["Created=ymd"])
    with pytest.raises(MappingError, match="is not a year range"):
        parse_years("2030-2015")


def test_a_role_for_a_file_that_is_not_uploaded_is_refused(tmp_path: Path) -> None:
    from tools.errors import MappingError

    path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created Date"], [["A", "2025-01-01"]])
    with pytest.raises(MappingError) as info:
        load_exports([path], options=LoadOptions(roles={"deals.csv": "opportunities"}))
    assert str(info.value) == "--role deals.csv: no such file in the upload. Files: leads.csv."


def test_a_role_turns_a_file_the_classifier_calls_leads_into_opportunities(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ["ID", "Created Date", "Amount"],
                     [[f"X{i}", f"2025-01-{1 + i:02d}", 1000 * (i + 1)] for i in range(5)])
    assert load_exports([path]).report.files[0].role == "leads"
    loaded = load_exports([path], options=LoadOptions(roles={"export.csv": "opportunities"}))
    (report,) = loaded.report.files
    assert (report.role, report.role_reason) == ("opportunities", "set by --role")
    assert loaded.capabilities.funnel_start == "opportunity"
    assert int(loaded.frame["reached_opportunity"].sum()) == 5
