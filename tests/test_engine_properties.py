"""The index engine (and durable-rules) against a brute-force reading of the contract.

For random small catalogues, every case of the whole (discretised) case space is
routed, and the answer compared with the precedence rules evaluated plainly: matching
sets as explicit sets of cases, 'strictly inside' as a proper subset.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from dutylist.engine.index import IndexEngine
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from tests.conftest import durable_importable
from tests.randomcat import RandomCatalog, all_cases, catalogs, matches

EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))
HAS_DURABLE = durable_importable()
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _load(catalog: RandomCatalog, root: Path) -> Compiled:
    loaded = load_catalog(catalog.write(root))
    assert loaded.catalog is not None, [f.message("en") for f in loaded.findings]
    assert not loaded.findings, [f.message("en") for f in loaded.findings]
    return Compiled(loaded.catalog)


def _expected(
    catalog: RandomCatalog, problem: str, place: str, values: dict[str, Any]
) -> tuple[str, str | None, set[str]]:
    space = all_cases(catalog, problem)
    duties = [d for d in catalog.duties if d["problem"] == problem]
    sets = {
        d["id"]: {i for i, (pl, vs) in enumerate(space) if matches(d, pl, vs, problem, catalog)}
        for d in duties
    }
    hit = [d for d in duties if matches(d, place, values, problem, catalog)]
    applicable = [d for d in hit if not any(sets[e["id"]] < sets[d["id"]] for e in hit)]
    leads = {d["lead"] for d in applicable}
    if not hit:
        return "gap", None, set()
    if len(leads) == 1:
        return "routed", leads.pop(), {d["id"] for d in applicable}
    return "overlap", None, {d["id"] for d in applicable}


def _expected_whistle(
    catalog: RandomCatalog, problem: str, place: str, values: dict[str, Any]
) -> str | None:
    every = [(pl, vs, p) for p in catalog.problems for pl, vs in all_cases(catalog, p)]

    def matching_set(rule: dict[str, Any]) -> set[int]:
        return {i for i, (pl, vs, p) in enumerate(every) if matches(rule, pl, vs, p, catalog)}

    setting = [
        r for r in catalog.rules if "whistle" in r and matches(r, place, values, problem, catalog)
    ]
    sets = {r["id"]: matching_set(r) for r in setting}
    deciding = [r for r in setting if not any(sets[o["id"]] < sets[r["id"]] for o in setting)]
    whistles = {r["whistle"] for r in deciding}
    return whistles.pop() if len(whistles) == 1 else None


@PROPERTY
@given(catalog=catalogs())
def test_every_full_case_is_routed_as_the_contract_says(catalog: RandomCatalog) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        compiled = _load(catalog, Path(scratch))
        engine = IndexEngine(compiled)
        for problem in catalog.problems:
            for place, values in all_cases(catalog, problem):
                answer = engine.route(problem, place, values)
                status, lead, duties = _expected(catalog, problem, place, values)
                whistle = _expected_whistle(catalog, problem, place, values)
                if status == "routed" and answer.conflicts:
                    status = "overlap"  # rules disagreeing on a field make the case an overlap
                assert (answer.status, answer.lead, set(answer.duties)) == (status, lead, duties), (
                    problem,
                    place,
                    values,
                )
                assert answer.whistle == whistle, (problem, place, values)


@PROPERTY
@given(catalog=catalogs())
def test_left_out_attributes_are_judged_over_every_completion(catalog: RandomCatalog) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = IndexEngine(_load(catalog, Path(scratch)))
        for problem, attributes in catalog.problems.items():
            if not attributes:
                continue
            for place, values in all_cases(catalog, problem)[:: max(1, len(attributes) * 3)]:
                given_values = {a: v for a, v in values.items() if a != attributes[0]}
                completions = [
                    vs
                    for pl, vs in all_cases(catalog, problem)
                    if pl == place and all(vs[a] == v for a, v in given_values.items())
                ]
                outcomes = {_expected(catalog, problem, place, vs)[:2] for vs in completions}
                answer = engine.route(problem, place, given_values)
                if len(outcomes) == 1:
                    status, lead = next(iter(outcomes))
                    if status == "routed" and answer.conflicts:
                        status = "overlap"  # rules disagreeing on a field
                    assert (answer.status, answer.lead) == (status, lead)
                else:
                    assert answer.status == "undetermined"
                    assert answer.decided_by is not None
                    assert answer.decided_by.attribute == attributes[0]


@pytest.mark.skipif(not HAS_DURABLE, reason="durable-rules does not install on this Python (3.13+)")
@PROPERTY
@given(catalog=catalogs())
def test_durable_rules_engine_gives_the_same_answers(catalog: RandomCatalog) -> None:
    from dutylist.engine.durable import DurableEngine

    with tempfile.TemporaryDirectory() as scratch:
        compiled = _load(catalog, Path(scratch))
        index, durable = IndexEngine(compiled), DurableEngine(compiled)
        for problem in catalog.problems:
            for place, values in all_cases(catalog, problem)[::3]:
                assert (
                    durable.route(problem, place, values).comparable()
                    == index.route(problem, place, values).comparable()
                )
                partial = dict(list(values.items())[1:])
                assert (
                    durable.route(problem, place, partial).comparable()
                    == index.route(problem, place, partial).comparable()
                )
