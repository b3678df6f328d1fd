"""The mapping editor's model and saved mappings: a misnamed column fixed by choosing its field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tools.demo.exports import write_export
from tools.demo.scenarios import generate_scenario
from tools.ingest.loading import load_exports
from ui.mapping.saved import SessionMappings, UserMappings, mapping_store
from ui.mapping.suggest import apply_saved, header_key, plan_mapping


@pytest.fixture(scope="module")
def canonical_frame() -> pd.DataFrame:
    return generate_scenario("deal_size_drop", 2, leads_per_month=60).frame


def misnamed_export(frame: pd.DataFrame, folder: Path, renames: dict[str, str]) -> Path:
    """A canonical export with some columns renamed to names the loader does not know."""
    path = write_export(frame, "canonical", folder)[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = folder / "pipeline_export.csv"
    raw.rename(columns=renames).to_csv(out, index=False)
    return out


def test_plan_shows_each_column_with_samples_and_what_the_loader_detected(
    canonical_frame: pd.DataFrame, tmp_path: Path
) -> None:
    path = misnamed_export(canonical_frame, tmp_path, {"amount": "Signed Total"})
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    plan = plan_mapping([path])
    (file,) = plan.files
    assert [c.column for c in file.columns] == list(raw.columns)
    by_name = {c.column: c for c in file.columns}
    assert by_name["Signed Total"].detected is None and by_name["created_date"].detected == "created_date"
    distinct = list(dict.fromkeys(v for v in raw["Signed Total"].head(200) if v))
    assert by_name["Signed Total"].samples == distinct[:3]
    assert file.role == "leads" and file.encoding in ("utf-8", "utf-8-sig")


def test_choosing_the_field_feeds_the_loader_and_the_amount_comes_back(
    canonical_frame: pd.DataFrame, tmp_path: Path
) -> None:
    path = misnamed_export(canonical_frame, tmp_path, {"amount": "Signed Total"})
    assert "amount" not in load_exports([path]).frame  # the misnamed column is not used
    plan = plan_mapping([path])
    plan.choose(path.name, "Signed Total", "amount")
    assert plan.overrides() == {"amount": "Signed Total"}
    loaded = load_exports([path], overrides=plan.overrides())
    expected = pd.to_numeric(pd.read_csv(path, dtype=str)["Signed Total"], errors="coerce")
    assert loaded.frame["amount"].sum() == pytest.approx(expected.sum())


def test_a_field_feeds_from_one_column_so_choosing_it_elsewhere_releases_the_first(tmp_path: Path) -> None:
    path = tmp_path / "two_dates.csv"
    path.write_text("record_id,created_date,Signup\nA,2025-01-02,2025-01-05\n", encoding="utf-8")
    plan = plan_mapping([path])
    plan.choose(path.name, "Signup", "created_date")
    chosen = {c.column: c.chosen for c in plan.files[0].columns}
    assert chosen == {"record_id": "record_id", "created_date": None, "Signup": "created_date"}
    assert plan.overrides() == {"created_date": "Signup"}
    with pytest.raises(ValueError, match="unknown field"):
        plan.choose(path.name, "Signup", "colour")


def test_a_fatal_upload_still_gets_an_editor_and_is_fixed_by_it(canonical_frame: pd.DataFrame, tmp_path: Path) -> None:
    from tools.errors import RevOpsInputError

    path = misnamed_export(canonical_frame, tmp_path, {"record_id": "Ticket"})
    with pytest.raises(RevOpsInputError, match="record id"):
        load_exports([path])
    plan = plan_mapping([path])
    plan.choose(path.name, "Ticket", "record_id")
    loaded = load_exports([path], overrides=plan.overrides())
    assert loaded.rows == len(pd.read_csv(path))


def test_unreadable_files_are_listed_not_raised(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    plan = plan_mapping([empty])
    assert plan.files == [] and "empty" in plan.errors[0]


def test_header_key_ignores_order_and_spaces_but_not_names() -> None:
    assert header_key(["a", " b"]) == header_key(["b", "a"])
    assert header_key(["a", "b"]) != header_key(["a", "c"])


def test_saved_choices_are_reused_for_the_same_header_set_only(canonical_frame: pd.DataFrame, tmp_path: Path) -> None:
    first = misnamed_export(canonical_frame, tmp_path / "jan", {"amount": "Signed Total"})
    plan = plan_mapping([first])
    plan.choose(first.name, "Signed Total", "amount")
    store = UserMappings(tmp_path / "home", "local")
    store.save(plan.files[0].header_key, plan.choices_of(first.name))

    again = plan_mapping([misnamed_export(canonical_frame.head(40), tmp_path / "feb", {"amount": "Signed Total"})])
    assert apply_saved(again, store.load_all()) == ["pipeline_export.csv"]
    assert again.overrides() == {"amount": "Signed Total"}

    other = plan_mapping([misnamed_export(canonical_frame, tmp_path / "other", {"amount": "Signed Total",
                                                                                  "segment": "Tier"})])
    assert apply_saved(other, store.load_all()) == [] and other.overrides() == {}


def test_mappings_are_kept_per_user_and_never_shared_on_an_open_server(tmp_path: Path) -> None:
    alice = mapping_store(tmp_path, "alice", "0.0.0.0", password_set=True)
    bob = mapping_store(tmp_path, "bob", "0.0.0.0", password_set=True)
    alice.save("k1", {"Signed Total": "amount"})
    assert bob.load_all() == {} and alice.load_all() == {"k1": {"Signed Total": "amount"}}
    assert mapping_store(tmp_path, "alice", "0.0.0.0", password_set=True).load_all() == alice.load_all()

    local = mapping_store(tmp_path, None, "127.0.0.1", password_set=False)
    assert isinstance(local, UserMappings) and local.load_all() == {}
    shared = mapping_store(tmp_path, None, "0.0.0.0", password_set=False)
    assert isinstance(shared, SessionMappings) and not shared.persistent
    shared.save("k1", {"X": "amount"})
    assert isinstance(mapping_store(tmp_path, None, "0.0.0.0", password_set=False), SessionMappings)
    assert mapping_store(tmp_path, None, "0.0.0.0", password_set=False).load_all() == {}


def test_user_names_cannot_escape_the_store_and_bad_files_are_ignored(tmp_path: Path) -> None:
    store = UserMappings(tmp_path, "../../etc")
    assert store.folder.parent == tmp_path / "ui" / "mappings"
    with pytest.raises(ValueError):
        store.save("../x", {})
    store.folder.mkdir(parents=True)
    (store.folder / "broken.json").write_text("{not json", encoding="utf-8")
    (store.folder / "odd.json").write_text('{"choices": {"A": "colour", "B": "amount"}}', encoding="utf-8")
    assert store.load_all() == {"odd": {"B": "amount"}}
