"""The start-up snapshot: same answers as a fresh load, never stale, never in the way."""

from __future__ import annotations

import json
from pathlib import Path

from dutylist import snapshot
from dutylist.engine.index import IndexEngine
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from tests.conftest import REPO

PANLONG = REPO / "catalogs" / "panlong"


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
    assert restored.tasks == loaded.catalog.tasks
    assert [c.expect for c in restored.cases] == [c.expect for c in loaded.catalog.cases]


def _lead(run_cli, folder: Path) -> str:
    answer = json.loads(
        run_cli(
            "who",
            "noise",
            "--at",
            "jd",
            "--set",
            "night=false",
            "--catalog",
            str(folder),
            "--format",
            "json",
        ).out
    )
    return str(answer["lead"]["id"])


def test_an_edit_is_seen_at_once(run_cli, minimal: Path) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    assert _lead(run_cli, minimal) == "hbj"  # now from the snapshot
    duties = minimal / "duties.yaml"
    duties.write_text(
        duties.read_text(encoding="utf-8").replace(
            "  - id: D4\n    problem: noise\n    lead: hbj",
            "  - id: D4\n    problem: noise\n    lead: cgj",
        ),
        "utf-8",
    )
    assert _lead(run_cli, minimal) == "cgj"


def test_a_damaged_snapshot_is_ignored(run_cli, minimal: Path) -> None:
    assert _lead(run_cli, minimal) == "hbj"
    key = snapshot.content_key(minimal)
    assert key is not None
    (snapshot.cache_dir() / f"{key}.marshal").write_bytes(b"not a snapshot")
    assert _lead(run_cli, minimal) == "hbj"


def test_the_cache_can_be_turned_off(run_cli, minimal: Path, monkeypatch) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE", "off")
    assert _lead(run_cli, minimal) == "hbj"
    key = snapshot.content_key(minimal)
    assert not (snapshot.cache_dir() / f"{key}.marshal").exists()


def test_old_snapshots_are_pruned(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE_DIR", str(tmp_path / "cache"))
    loaded = load_catalog(PANLONG)
    assert loaded.catalog is not None
    for number in range(snapshot.KEEP + 5):
        snapshot.write(f"key{number:03d}", loaded.catalog)
    kept = sorted(p.stem for p in (tmp_path / "cache").glob("*.marshal"))
    assert len(kept) == snapshot.KEEP
    assert "key020" in kept
