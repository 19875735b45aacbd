"""The Python API checks what it is given: junk gets a coded `CaseError`, never an answer.

Random problems, places and values — valid ones mixed with text where a number is due
("300"), infinities, NaN, booleans, None, lists, unknown names — are routed through the
index engine and the durable-rules engine. Each call either raises `CaseError` (and the
input was indeed wrong, judged here by the contract's words) or returns exactly the
answer the brute-force oracle gives (and the input was right).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.dispatcher import Dispatcher
from dutylist.engine.index import IndexEngine
from dutylist.engine.router import Router
from dutylist.errors import CaseError
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from tests.conftest import PANLONG, durable_importable
from tests.randomcat import (
    ENUM,
    LEADS,
    NUMBERS,
    PLACES,
    Oracle,
    RandomCatalog,
    answer_seen,
    catalogs,
)

EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 15),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308 * 10]),
    st.sampled_from(NUMBERS),
    st.sampled_from(ENUM),
    st.sampled_from(["300", "3", "", "x ", "true", "是", "在建"]),
    st.text(max_size=4),
    st.lists(st.sampled_from(ENUM), max_size=2),
    st.dictionaries(st.sampled_from(ENUM), st.integers(), max_size=1),
)
PROBLEMS = st.one_of(st.sampled_from(["p0", "p1", "p2"]), st.sampled_from(["P0", "", "p9"]), JUNK)
PLACE_INPUTS = st.one_of(
    st.none(), st.sampled_from(list(PLACES)), st.sampled_from([*LEADS, "boss", "区", "s3"]), JUNK
)
KEYS = st.one_of(
    st.sampled_from(["e", "b", "n"]), st.sampled_from(["E", "at", "x"]), st.text(max_size=3)
)
VALUES = st.one_of(st.dictionaries(KEYS, JUNK, max_size=3), JUNK)
CASES = st.lists(st.tuples(PROBLEMS, PLACE_INPUTS, VALUES), min_size=1, max_size=40)


def _valid_value(attribute: str, value: Any) -> bool:
    if attribute == "e":
        return type(value) is str and value in ENUM
    if attribute == "b":
        return type(value) is bool
    return type(value) in (int, float) and math.isfinite(value)


def _is_valid(catalog: RandomCatalog, problem: Any, place: Any, values: Any) -> bool:
    if not isinstance(problem, str) or problem not in catalog.problems:
        return False
    if place is not None and (not isinstance(place, str) or place not in PLACES):
        return False
    if values is None:  # route(problem, place): no values given
        return True
    if not isinstance(values, dict):
        return False
    declared = catalog.problems[problem]
    return all(k in declared and _valid_value(k, v) for k, v in values.items())


def _in_space(values: dict[str, Any]) -> bool:
    """The oracle enumerates numbers of NUMBERS only; others are valid but not graded."""
    return all(v in NUMBERS for k, v in values.items() if k == "n")


def _judge(
    engine: Router, oracle: Oracle, catalog: RandomCatalog, case: tuple[Any, Any, Any]
) -> None:
    problem, place, values = case
    valid = _is_valid(catalog, problem, place, values)
    try:
        answer = engine.route(problem, place, values)
    except CaseError as error:
        assert not valid, (case, error.code, error.reason)
        assert error.code in ("DL601", "DL602", "DL603", "DL604", "DL605", "DL606")
        for lang in ("en", "zh"):
            reason, _ = error.localised(lang)
            assert reason.strip()
        return
    assert valid, (case, "answered a case it should have refused")
    if _in_space(values or {}):
        expected = oracle.answer(problem, place or "d", values or {})
        seen = answer_seen(answer)
        assert {**seen, "support": sorted(seen["support"])} == {
            **expected,
            "support": sorted(expected["support"]),
        }, case


def _compiled(catalog: RandomCatalog, root: Path) -> Compiled:
    loaded = load_catalog(catalog.write(root))
    assert loaded.catalog is not None and not loaded.findings
    return Compiled(loaded.catalog)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs(), cases=CASES)
def test_the_index_engine_refuses_junk_and_answers_the_rest_rightly(
    catalog: RandomCatalog, cases: list[tuple[Any, Any, Any]]
) -> None:
    oracle = Oracle(catalog)
    with tempfile.TemporaryDirectory() as scratch:
        engine = IndexEngine(_compiled(catalog, Path(scratch)))
        for case in cases:
            _judge(engine, oracle, catalog, case)


@pytest.mark.skipif(not durable_importable(), reason="durable-rules does not import here")
@settings(
    max_examples=max(5, EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(catalog=catalogs(), cases=CASES)
def test_the_durable_engine_refuses_the_same_junk(
    catalog: RandomCatalog, cases: list[tuple[Any, Any, Any]]
) -> None:
    from dutylist.engine.durable import DurableEngine

    oracle = Oracle(catalog)
    with tempfile.TemporaryDirectory() as scratch:
        engine = DurableEngine(_compiled(catalog, Path(scratch)))
        for case in cases:
            _judge(engine, oracle, catalog, case)


@pytest.mark.parametrize(
    ("values", "code", "english"),
    [
        ({"stage": "在建", "area_m2": "300"}, "DL605", "area_m2 takes a number, not '300'"),
        ({"stage": "在建", "area_m2": math.inf}, "DL606", "area_m2 takes a finite number, not inf"),
        ({"stage": "在建", "area_m2": math.nan}, "DL606", "area_m2 takes a finite number, not nan"),
        ({"stage": "在建", "area_m2": True}, "DL605", "area_m2 takes a number, not true"),
        ({"stage": "拆了"}, "DL604", "'拆了' is not a value of stage"),
        (
            {"night": True},
            "DL603",
            "problem illegal-construction (违法建设) has no attribute 'night'",
        ),
    ],
)
def test_the_dispatcher_refuses_wrong_values_with_the_command_lines_code(
    values: dict[str, Any], code: str, english: str, run_cli: Any
) -> None:
    dispatcher = Dispatcher(PANLONG)
    with pytest.raises(CaseError) as raised:
        dispatcher.route("illegal-construction", "gulou", values)
    assert raised.value.code == code
    assert raised.value.localised("en")[0] == english
    assert raised.value.localised("zh")[0] != english  # and in Chinese
    # the command line says the same, with the same code, for the same values as text
    settings = [f"{k}={'inf' if v == math.inf else v}" for k, v in values.items()]
    if code in ("DL604", "DL603", "DL606"):
        result = run_cli(
            "who",
            "illegal-construction",
            "--at",
            "gulou",
            "--catalog",
            str(PANLONG),
            "--lang",
            "en",
            *[w for s in settings for w in ("--set", s)],
        )
        assert result.code == 2
        assert english.split(",")[0].replace("'inf'", "inf") in result.err.replace("'inf'", "inf")


def test_unknown_problem_and_place_from_the_api() -> None:
    dispatcher = Dispatcher(PANLONG)
    with pytest.raises(CaseError) as problem:
        dispatcher.route("noize", "gulou", {})
    assert problem.value.code == "DL601"
    with pytest.raises(CaseError) as place:
        dispatcher.route("noise", "cgj", {})
    assert place.value.code == "DL602"
    assert "not a place" in place.value.localised("en")[0]
    with pytest.raises(CaseError) as unhashable:
        dispatcher.route(["noise"], "gulou", {})  # type: ignore[arg-type]
    assert unhashable.value.code == "DL601"
