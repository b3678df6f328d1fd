"""``revops sample``: the demo set is complete, readable in every dialect, and the same data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.demo.sample import DEMO_CAUSE, demo_dataset, write_demo, write_sample
from tools.errors import RevOpsInputError
from tools.ingest.loading import load_exports
from tools.ingest.targets import load_targets
from tools.schema import REACHED_COLUMNS, STAGES, TARGET_METRICS

EXPECTED_FILES = [
    "canonical.csv",
    "targets.csv",
    "hubspot/hubspot_contacts.csv",
    "hubspot/hubspot_deals.csv",
    "salesforce/salesforce_leads.csv",
    "salesforce/salesforce_opportunities.csv",
    "opportunity_only/opportunities.csv",
    "japanese/japanese_leads.csv",
    "README.txt",
]


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    outdir = tmp_path_factory.mktemp("sample") / "demo"
    return outdir, write_sample(outdir)


def _reached(paths: list[Path]) -> dict[str, int]:
    frame = load_exports(paths).frame
    return {stage: int(frame[REACHED_COLUMNS[stage]].sum()) for stage in STAGES}


def test_writes_every_file_and_returns_them_in_order(sample_dir: tuple[Path, list[Path]]) -> None:
    outdir, paths = sample_dir
    assert [p.relative_to(outdir).as_posix() for p in paths] == EXPECTED_FILES
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)


def test_readme_explains_each_file(sample_dir: tuple[Path, list[Path]]) -> None:
    outdir, _ = sample_dir
    text = (outdir / "README.txt").read_text(encoding="utf-8")
    for name in EXPECTED_FILES[:-1]:
        assert name in text
    assert "revops diagnose" in text and "targets.csv" in text and "CP932" in text


def test_japanese_export_is_cp932(sample_dir: tuple[Path, list[Path]]) -> None:
    outdir, _ = sample_dir
    raw = (outdir / "japanese" / "japanese_leads.csv").read_bytes()
    assert raw.decode("cp932").startswith("リードID")


@pytest.mark.parametrize(
    "folder",
    ["hubspot", "salesforce", "japanese"],
)
def test_every_full_dialect_loads_to_the_same_funnel(
    sample_dir: tuple[Path, list[Path]], folder: str
) -> None:
    outdir, _ = sample_dir
    expected = _reached([outdir / "canonical.csv"])
    scenario = demo_dataset()
    assert expected["lead"] == len(scenario.frame)
    assert expected["won"] == int(scenario.frame["won_date"].notna().sum())
    assert _reached(sorted((outdir / folder).glob("*.csv"))) == expected


def test_opportunity_only_export_has_every_deal(sample_dir: tuple[Path, list[Path]]) -> None:
    outdir, _ = sample_dir
    reached = _reached([outdir / "opportunity_only" / "opportunities.csv"])
    frame = demo_dataset().frame
    assert reached["opportunity"] == int(frame["opportunity_date"].notna().sum())
    assert reached["won"] == int(frame["won_date"].notna().sum())


def test_targets_file_loads_and_matches_the_scenario(sample_dir: tuple[Path, list[Path]]) -> None:
    outdir, _ = sample_dir
    targets = load_targets(outdir / "targets.csv")
    assert set(targets.metrics) == set(TARGET_METRICS)
    assert len(targets.frame) == len(demo_dataset().targets)


def test_demo_dataset_is_the_planted_story_and_a_fresh_copy() -> None:
    first, second = demo_dataset(), demo_dataset()
    assert first.truth.cause == DEMO_CAUSE and first.truth.finding == "kpi_green_revenue_flat"
    assert first.frame.equals(second.frame)
    first.frame.loc[0, "lead_source"] = "changed"
    assert demo_dataset().frame.loc[0, "lead_source"] != "changed"


def test_write_demo_writes_one_dialect_and_targets(tmp_path: Path) -> None:
    paths = write_demo(tmp_path, "salesforce")
    assert [p.name for p in paths] == ["salesforce_leads.csv", "salesforce_opportunities.csv", "targets.csv"]


def test_unknown_dialect_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(RevOpsInputError) as err:
        write_demo(tmp_path, "sap")
    assert str(err.value) == (
        "unknown demo dialect 'sap'. Use one of: canonical, hubspot, salesforce, opportunity_only, japanese."
    )


def test_outdir_that_is_a_file_is_a_clear_input_error(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.write_text("not a folder")
    with pytest.raises(RevOpsInputError) as err:
        write_sample(target)
    assert (
        str(err.value)
        == f"{target}: exists and is not a folder. Give the name of a new or existing folder for the demo files."
    )


@pytest.mark.parametrize("write", [write_sample, write_demo])
def test_folder_that_cannot_be_created_is_a_clear_input_error(tmp_path: Path, write: object) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a parent folder should be")
    target = blocker / "demo"
    with pytest.raises(RevOpsInputError) as err:
        write(target)  # type: ignore[operator]
    assert str(err.value) == (
        f"{target}: cannot write the demo files (Not a directory). Choose a folder you can write to."
    )
