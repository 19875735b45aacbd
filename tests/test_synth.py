"""benchmarks/synth.py: the synthetic catalogue is valid, and its defects are exactly the
injected ones — checked by brute force over every place and every class of values."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

from dutylist.engine.index import IndexEngine
from dutylist.load.build import load_catalog
from dutylist.semantics.cells import cell_space
from dutylist.semantics.compiled import Compiled

SYNTH = Path(__file__).resolve().parents[1] / "benchmarks" / "synth.py"


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("dutylist_bench_synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def statuses(folder: Path) -> dict[str, set[str]]:
    """problem → the statuses of all its cases; asserts every case has a whistle."""
    loaded = load_catalog(folder)
    assert loaded.catalog is not None
    assert not [f for f in loaded.findings if f.severity.name == "ERROR"], loaded.findings
    compiled = Compiled(loaded.catalog)
    engine = IndexEngine(compiled)
    places = compiled.tree.places
    found: dict[str, set[str]] = {}
    for problem in compiled.problems:
        axes = cell_space(compiled, problem).axes
        names = [axis.name for axis in axes]
        seen = found.setdefault(problem, set())
        for combo in itertools.product(*(axis.representatives for axis in axes)):
            values = dict(zip(names, combo, strict=True))
            for place in places:
                answer = engine.route(problem, place, values)
                seen.add(answer.status)
                assert answer.whistle is not None, (problem, place, values)
    return found


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_injected_defects_are_exactly_the_found_ones(synth, tmp_path: Path) -> None:
    manifest = synth.generate(tmp_path, scale=0.01, seed=1, overlaps=2, gaps=2)
    assert manifest["injected"] == {"overlap": 2, "gap": 2}
    overlap, gap = set(manifest["overlap_problems"]), set(manifest["gap_problems"])
    assert len(overlap) == 2 and len(gap) == 2 and not overlap & gap
    found = statuses(tmp_path / "catalogs" / "synth")
    assert {p for p, s in found.items() if "overlap" in s} == overlap
    assert {p for p, s in found.items() if "gap" in s} == gap
    assert all(s == {"routed"} for p, s in found.items() if p not in overlap | gap)
    assert all(s == {"routed", "overlap"} for p, s in found.items() if p in overlap)


def test_clean_catalogue_routes_every_case(synth, tmp_path: Path) -> None:
    manifest = synth.generate(tmp_path, scale=0.01, seed=2)
    assert manifest["overlap_problems"] == [] and manifest["gap_problems"] == []
    counts = manifest["counts"]
    assert counts["problems"] == 10 and counts["duties"] == 100 and counts["rules"] == 20
    assert counts["units_by_kind"]["street"] == 3 and counts["units_by_kind"]["community"] == 70
    found = statuses(tmp_path / "catalogs" / "synth")
    assert set(found) == {f"p{i:04d}" for i in range(1, 11)}
    assert all(s == {"routed"} for s in found.values())


def test_same_seed_same_bytes(synth, tmp_path: Path) -> None:
    first = synth.generate(tmp_path / "a", scale=0.02, seed=7, overlaps=1, gaps=1)
    second = synth.generate(tmp_path / "b", scale=0.02, seed=7, overlaps=1, gaps=1)
    assert first == second
    assert files(tmp_path / "a") == files(tmp_path / "b")
    synth.generate(tmp_path / "c", scale=0.02, seed=8, overlaps=1, gaps=1)
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_too_many_defects_is_an_error(synth, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synth.generate(tmp_path, scale=0.01, overlaps=6, gaps=5)
