"""Bad settings and unwritable outputs: every CLI path exits 2 with one clear line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.settings import SettingsError, get_settings
from ui.cli import MAX_MESSAGE, app

DATA = Path(__file__).parent / "data" / "exports"
SETTINGS_CASES = {
    "REVOPS_LLM=foo": ("REVOPS_LLM", "foo", "REVOPS_LLM='foo': input should be 'auto', 'offline' or 'openai'"),
    "REVOPS_LLM_TIMEOUT=abc": ("REVOPS_LLM_TIMEOUT", "abc",
                               "REVOPS_LLM_TIMEOUT='abc': input should be a valid number"),
    "REVOPS_LLM_TIMEOUT=-1": ("REVOPS_LLM_TIMEOUT", "-1", "REVOPS_LLM_TIMEOUT='-1': input should be greater than 0"),
    "REVOPS_UPLOAD_MAX_MB=-5": ("REVOPS_UPLOAD_MAX_MB", "-5",
                                "REVOPS_UPLOAD_MAX_MB='-5': input should be greater than 0"),
    "REVOPS_MAX_TOOL_CALLS=0": ("REVOPS_MAX_TOOL_CALLS", "0",
                                "REVOPS_MAX_TOOL_CALLS='0': input should be greater than or equal to 1"),
    "REVOPS_CHROMA_PORT=99999": ("REVOPS_CHROMA_PORT", "99999",
                                 "REVOPS_CHROMA_PORT='99999': input should be less than or equal to 65535"),
    "REVOPS_DOC_MAX_MB=0": ("REVOPS_DOC_MAX_MB", "0", "REVOPS_DOC_MAX_MB='0': input should be greater than 0"),
}


def _canonical(tmp_path: Path) -> Path:
    path = tmp_path / "pipeline.csv"
    path.write_text("record_id,created_date,won_date,amount\nA,2025-01-01,2025-02-01,100\n"
                    "B,2025-01-02,,\nC,2025-01-03,2025-03-01,200\n", encoding="utf-8")
    return path


def _one_line_error(result: object, expected: str) -> None:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    stderr = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith(f"error: {expected}"), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in result.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", list(SETTINGS_CASES))
@pytest.mark.parametrize("command", ["ask", "search", "index", "ui"])
def test_bad_setting_exits_2_on_every_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: str,
                                              command: str) -> None:
    variable, value, expected = SETTINGS_CASES[case]
    monkeypatch.setenv(variable, value)
    args = {"ask": ["ask", "What is our win rate?", "--data", str(_canonical(tmp_path))],
            "search": ["search", "SLA"], "index": ["index", "--list"], "ui": ["ui", "--port", "1"]}[command]
    _one_line_error(CliRunner().invoke(app, args), expected)


def test_settings_error_names_the_openai_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_MODEL", "")
    monkeypatch.setenv("REVOPS_LLM_MAX_RETRIES", "-2")
    with pytest.raises(SettingsError) as err:
        get_settings()
    assert str(err.value).startswith("REVOPS_LLM_MAX_RETRIES='-2': input should be greater than or equal to 0.")


def test_memo_into_a_file_posing_as_a_folder_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["memo", str(_canonical(tmp_path)), "-o", str(blocker / "memo.md")])
    _one_line_error(result, f"{blocker / 'memo.md'}: cannot write here: {blocker} is a file, not a folder.")


def test_memo_onto_a_folder_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "memo.md"
    folder.mkdir()
    result = CliRunner().invoke(app, ["memo", str(_canonical(tmp_path)), "-o", str(folder)])
    _one_line_error(result, f"{folder}: this is a folder, not a file name.")


def test_memo_write_failure_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root can write anywhere, so a read-only or full disk is simulated at the write itself.
    import assistant.memo.build as build

    def full_disk(*args: object, **kwargs: object) -> Path:
        raise OSError(28, "No space left on device", str(tmp_path / "memo.md"))

    monkeypatch.setattr(build, "write_memo", full_disk)
    result = CliRunner().invoke(app, ["memo", str(_canonical(tmp_path)), "-o", str(tmp_path / "memo.md")])
    _one_line_error(result, f"{tmp_path / 'memo.md'}: cannot write the memo (No space left on device).")


def test_ui_on_a_taken_port_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.app

    def taken(**kwargs: object) -> None:
        raise OSError("Cannot find empty port in range: 7860-7860.")

    monkeypatch.setattr(ui.app, "launch", taken)
    result = CliRunner().invoke(app, ["ui", "--port", "7860"])
    _one_line_error(result, "cannot serve on 127.0.0.1:7860: the port is in use or the host cannot be bound.")


def test_error_messages_are_capped_and_cannot_drive_the_terminal(tmp_path: Path) -> None:
    # A header that is one 200 KB "column name" full of escape sequences, echoed by the loader.
    path = tmp_path / "one_line.csv"
    path.write_text("\x1b[2J" + "x" * 200_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["diagnose", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr) <= len("error: ") + MAX_MESSAGE + 1
    assert "\x1b" not in result.stderr and " … " in result.stderr


def test_text_output_cannot_drive_the_terminal(tmp_path: Path) -> None:
    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("kpi_green_revenue_flat", 1, leads_per_month=150).frame.copy()
    source = frame["lead_source"].astype("object")
    source[source == "Giveaway Campaign"] = "Give\x01away\x07 \x1b]0;owned\x07Campaign"
    frame["lead_source"] = source
    export = write_export(frame, "canonical", tmp_path)[0]
    result = CliRunner().invoke(app, ["diagnose", str(export)])
    assert result.exit_code == 0
    assert "Giveaway" in result.stdout  # the planted source is named ...
    assert not [c for c in result.stdout if ord(c) < 32 and c not in "\n"]  # ... without its control bytes
