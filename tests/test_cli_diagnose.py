"""`revops diagnose` end to end on a generated export (text en/ja and --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.demo.scenarios import generate_scenario
from ui.cli import app


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sc = generate_scenario("slow_follow_up", 0)
    folder = tmp_path_factory.mktemp("export")
    data = folder / "pipeline.csv"
    sc.frame.to_csv(data, index=False)
    targets = folder / "targets.csv"
    sc.targets.to_csv(targets, index=False)
    return data, targets


def test_diagnose_json(export: tuple[Path, Path]) -> None:
    data, targets = export
    result = CliRunner().invoke(app, ["diagnose", str(data), "--targets", str(targets), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["bottleneck"]["lever"] == "mql_to_sql"
    assert "slow_follow_up" in [f["code"] for f in out["findings"]]
    assert out["mapping"]["record_id"] == "record_id"


def test_diagnose_text_japanese(export: tuple[Path, Path]) -> None:
    data, _ = export
    result = CliRunner().invoke(app, ["diagnose", str(data), "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert "ボトルネック" in result.stdout and "MQL → SQL" in result.stdout
