"""The index engine (and durable-rules) against a brute-force reading of the contract.

For random small catalogues, every case of the whole (discretised) case space is
routed, and the answer compared with the precedence rules evaluated plainly: matching
sets as explicit sets of cases, 'strictly inside' as a proper subset.
"""

from __future__ import annotations

import itertools
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
from tests.randomcat import Oracle, RandomCatalog, all_cases, answer_seen, catalogs

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


def _seen(answer: Any) -> dict[str, Any]:
    seen = answer_seen(answer)
    seen["support"] = sorted(seen["support"])  # the contract says union: order is not graded
    return seen


def _expected(oracle: Oracle, problem: str, place: str, values: dict[str, Any]) -> dict[str, Any]:
    expected = oracle.answer(problem, place, values)
    expected["support"] = sorted(expected["support"])
    return expected


@PROPERTY
@given(catalog=catalogs())
def test_every_full_case_gets_the_whole_answer_the_contract_gives(catalog: RandomCatalog) -> None:
    """Status, lead, duties, support, whistle, blower, time limit, escalation, basis,
    matching rules and conflicts — all from the oracle, none from the engine."""
    oracle = Oracle(catalog)
    with tempfile.TemporaryDirectory() as scratch:
        engine = IndexEngine(_load(catalog, Path(scratch)))
        for problem in catalog.problems:
            for place, values in all_cases(catalog, problem):
                answer = engine.route(problem, place, values)
                assert _seen(answer) == _expected(oracle, problem, place, values), (
                    problem,
                    place,
                    values,
                )


@PROPERTY
@given(catalog=catalogs())
def test_left_out_attributes_are_judged_over_every_completion(catalog: RandomCatalog) -> None:
    oracle = Oracle(catalog)
    with tempfile.TemporaryDirectory() as scratch:
        engine = IndexEngine(_load(catalog, Path(scratch)))
        for problem, attributes in catalog.problems.items():
            if not attributes:
                continue
            for place, values in all_cases(catalog, problem)[:: max(1, len(attributes) * 3)]:
                for left_out in range(1, len(attributes) + 1):
                    for dropped in itertools.combinations(attributes, left_out):
                        given_values = {a: v for a, v in values.items() if a not in dropped}
                        answer = engine.route(problem, place, given_values)
                        assert _seen(answer) == _expected(oracle, problem, place, given_values), (
                            problem,
                            place,
                            given_values,
                        )


@PROPERTY
@given(catalog=catalogs())
def test_a_prepared_engine_gives_the_answers_of_one_filled_on_sight(catalog: RandomCatalog) -> None:
    """`prepare()` decides every cell ahead: the tables must hold what sight would give."""
    oracle = Oracle(catalog)
    with tempfile.TemporaryDirectory() as scratch:
        engine = IndexEngine(_load(catalog, Path(scratch))).prepare()
        for problem in catalog.problems:
            for place, values in all_cases(catalog, problem)[::5]:
                assert _seen(engine.route(problem, place, values)) == _expected(
                    oracle, problem, place, values
                )


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
