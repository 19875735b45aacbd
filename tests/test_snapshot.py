"""The start-up snapshot: same answers as a fresh load, never stale, tampered or misplaced."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from dutylist import model, snapshot
from dutylist.engine.index import IndexEngine
from dutylist.load import files as files_module
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from dutylist.session import open_session
from tests.conftest import PANLONG


def test_a_snapshot_routes_exactly_as_the_loaded_catalogue() -> None:
    loaded = load_catalog(PANLONG)
    assert loaded.catalog is not None
    restored = snapshot.decode(snapshot.encode(loaded.catalog))
    fresh, again = IndexEngine(Compiled(loaded.catalog)), IndexEngine(Compiled(restored))
    for problem in loaded.catalog.problems:
        for place in fresh.compiled.tree.places:
            assert (
                again.route(problem, place, {}).comparable()
                == fresh.route(problem, place, {}).comparable()
            )
    # the whole model, field by field (dataclass equality), with each item's position;
    # the position of every field (`spots`) is for `check`, which reads the YAML
    assert restored == loaded.catalog
    assert [d.loc for d in restored.duties] == [d.loc for d in loaded.catalog.duties]
    assert [c.when for c in restored.rules] == [c.when for c in loaded.catalog.rules]
    assert all(d.spots == {} for d in restored.duties)


def _lead(run_cli, folder: Path) -> str:
    answer = json.loads(
        run_cli(
            "who", "noise", "--at", "jd", "--set", "night=false",
            "--catalog", str(folder), "--format", "json",
        ).out
    )  # fmt: skip
    return str(answer["lead"]["id"])


def _edit_d4(duties: Path, lead: str) -> None:
    text = duties.read_text(encoding="utf-8")
    start = text.index("  - id: D4\n    problem: noise\n    lead: ")
    end = text.index("\n", start + len("  - id: D4\n    problem: noise\n    lead: "))
    duties.write_text(
        text[:start] + f"  - id: D4\n    problem: noise\n    lead: {lead}" + text[end:], "utf-8"
    )


def test_an_edit_is_seen_at_once(run_cli, minimal: Path) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    assert snapshot.snapshot_path(minimal).exists()
    assert _lead(run_cli, minimal) == "hbj"  # now from the snapshot
    _edit_d4(minimal / "duties.yaml", "cgj")
    assert _lead(run_cli, minimal) == "cgj"


def test_an_edit_made_while_the_catalogue_is_read_is_not_hidden(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file changes after its bytes were read and before the next start: the
    snapshot holds what was parsed, and its digest is of those bytes, so the next start
    sees the new file."""
    real_decode = files_module.decode
    duties = minimal / "duties.yaml"

    def decode_then_edit(data: bytes) -> str:
        text = real_decode(data)
        if "lead: hbj" in text and "D4" in text:
            _edit_d4(duties, "cgj")  # someone saves the file right now
        return text

    monkeypatch.setattr(files_module, "decode", decode_then_edit)
    first = open_session(minimal, "en")
    monkeypatch.setattr(files_module, "decode", real_decode)
    assert _d4(first.catalog).lead == "hbj"  # what was read
    assert _d4(open_session(minimal, "en").catalog).lead == "cgj"  # what is there now


def _d4(catalog: model.Catalog) -> model.Duty:
    return next(d for d in catalog.duties if d.id == "D4")


def test_a_flipped_byte_is_caught_and_the_snapshot_rebuilt(run_cli, minimal: Path) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    path = snapshot.snapshot_path(minimal)
    data = bytearray(path.read_bytes())
    # hand-edit the stored lead: the payload still decodes, only the checksum knows
    at = data.rindex(b"hbj")
    data[at : at + 3] = b"cgj"
    path.write_bytes(bytes(data))
    assert snapshot.read(minimal) is None
    assert _lead(run_cli, minimal) == "hbj"  # rebuilt from the YAML
    assert snapshot.read(minimal) is not None


@pytest.mark.parametrize("damage", [b"not a snapshot", b"", snapshot.MAGIC + b"\x00\x00\x00\x01"])
def test_a_damaged_or_foreign_snapshot_is_ignored(run_cli, minimal: Path, damage: bytes) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    snapshot.snapshot_path(minimal).write_bytes(damage)
    assert _lead(run_cli, minimal) == "hbj"


def test_an_added_file_is_seen(run_cli, minimal: Path) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    (minimal / "extra.yaml").write_text("x: 1\n", "utf-8")  # the loader refuses unknown files
    result = run_cli("who", "noise", "--at", "jd", "--catalog", str(minimal))
    assert result.code == 2 and "extra.yaml" in result.err


def test_locations_are_right_from_another_folder(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal.parent)
    first = open_session(Path(minimal.name), "en")  # loaded from YAML, stored
    shown = _d4(first.catalog).loc.file
    assert shown == os.path.join(minimal.name, "duties.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = open_session(minimal, "en")
    assert snapshot.read(minimal) is not None  # the same snapshot, from another folder
    location = _d4(again.catalog).loc
    assert Path(location.file).resolve() == (minimal / "duties.yaml").resolve()
    fresh = load_catalog(minimal).catalog  # what reading the YAML here shows
    assert fresh is not None
    assert location == _d4(fresh).loc
    assert [d.loc for d in again.catalog.duties] == [d.loc for d in fresh.duties]


def test_a_field_added_to_the_model_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Unit(model.Unit):
        rank: int = 0

    monkeypatch.setattr(model, "Unit", Unit)  # the model now has Unit.rank
    loaded = load_catalog(PANLONG)
    assert loaded.catalog is not None
    units = {
        key: Unit(**{f.name: getattr(u, f.name) for f in dataclasses.fields(u)}, rank=7)
        for key, u in loaded.catalog.units.items()
    }
    catalog = dataclasses.replace(loaded.catalog, units=units)
    restored = snapshot.decode(snapshot.encode(catalog))
    assert {getattr(u, "rank", None) for u in restored.units.values()} == {7}
    assert restored.units == units


def test_a_snapshot_of_another_model_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_catalog(PANLONG)
    assert loaded.catalog is not None
    stored = snapshot.encode(loaded.catalog)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Unit(model.Unit):
        rank: int = 0

    monkeypatch.setattr(model, "Unit", Unit)
    with pytest.raises(ValueError, match="fields of Unit"):
        snapshot.decode(stored)


def test_the_cache_can_be_turned_off(run_cli, minimal: Path, monkeypatch) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE", "off")
    assert _lead(run_cli, minimal) == "hbj"
    assert not snapshot.snapshot_path(minimal).exists()


def test_old_snapshots_are_pruned(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE_DIR", str(tmp_path / "cache"))
    loaded = load_catalog(PANLONG)
    for number in range(snapshot.KEEP + 5):
        copy = tmp_path / f"copy{number:03d}"
        shutil.copytree(PANLONG, copy)
        snapshot.write(copy, loaded)
    kept = list((tmp_path / "cache").glob(f"*{snapshot.SUFFIX}"))
    assert len(kept) == snapshot.KEEP
    assert snapshot.snapshot_path(tmp_path / f"copy{snapshot.KEEP + 4:03d}") in kept
