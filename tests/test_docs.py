"""Docs are tested: every CLI command has help text and appears in the README; CI runs the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from ui.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands)


def test_every_spec_command_exists() -> None:
    assert set(COMMANDS) >= {"diagnose", "ask", "search", "memo", "index", "ui", "sample"}


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_text(name: str) -> None:
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 10
    for param in command.params:
        if param.name != "help":
            assert getattr(param, "help", None), f"revops {name}: {param.name} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    assert re.search(rf"revops {name}\b", README), f"`revops {name}` is missing from README.md"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith(("#", "set ", "cd "))]
    assert ci_commands == ["bash scripts/test.sh"]
    assert "bash scripts/test.sh" in README
    assert "bash scripts/demo.sh" in README


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python example runs as printed, offline, and prints what its comments say."""
    monkeypatch.setenv("REVOPS_LLM", "offline")
    monkeypatch.setenv("REVOPS_HOME", str(tmp_path))
    block = re.search(r"## Python API.*?```python\n(.*?)```", README, re.S)
    assert block, "README has no Python API example"
    code = block.group(1)
    assert len([ln for ln in code.splitlines() if ln.strip()]) <= 5
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "sql_to_opportunity"
    assert "SQL" in "\n".join(printed[1:])
