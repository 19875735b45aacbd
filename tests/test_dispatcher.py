"""Routing from many threads at once, and reloading a catalogue while routing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dutylist.dispatcher import Dispatcher
from dutylist.errors import UsageError
from tests.conftest import REPO

PANLONG = REPO / "catalogs" / "panlong"


def _cases(dispatcher: Dispatcher) -> list[tuple[str, str, dict[str, object]]]:
    compiled = dispatcher.session.compiled
    catalog = compiled.catalog
    cases = []
    for problem in catalog.problems.values():
        values: dict[str, object] = {}
        for name in problem.attributes:
            attribute = catalog.attributes[name]
            values[name] = (
                attribute.values[0]
                if attribute.values
                else (True if attribute.type == "boolean" else 1000.0)
            )
        cases += [(problem.id, place, values) for place in compiled.tree.places]
    return cases


def test_many_threads_get_the_answers_one_thread_gets() -> None:
    dispatcher = Dispatcher(PANLONG)
    cases = _cases(dispatcher)
    expected = [dispatcher.route(*case).comparable() for case in cases]
    fresh = Dispatcher(PANLONG)  # empty caches, filled concurrently below
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda case: fresh.route(*case).comparable(), cases * 3))
    assert results == expected * 3


def test_reload_sees_an_edit_and_routing_goes_on(minimal: Path) -> None:
    dispatcher = Dispatcher(minimal)
    assert dispatcher.route("noise", "jd", {"night": False}).lead == "hbj"
    duties = minimal / "duties.yaml"
    duties.write_text(
        duties.read_text(encoding="utf-8").replace(
            "  - id: D4\n    problem: noise\n    lead: hbj",
            "  - id: D4\n    problem: noise\n    lead: cgj",
        ),
        "utf-8",
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        during = [
            pool.submit(dispatcher.route, "noise", "jd", {"night": False}) for _ in range(200)
        ]
        dispatcher.reload()
    assert {f.result().lead for f in during} <= {"hbj", "cgj"}
    assert dispatcher.route("noise", "jd", {"night": False}).lead == "cgj"


def test_a_broken_edit_keeps_the_old_catalogue(minimal: Path) -> None:
    dispatcher = Dispatcher(minimal)
    duties = minimal / "duties.yaml"
    duties.write_text(
        duties.read_text(encoding="utf-8").replace("lead: hbj\n", "lead: nobody\n", 1), "utf-8"
    )
    with pytest.raises(UsageError, match="cannot be loaded"):
        dispatcher.reload()
    assert dispatcher.route("noise", "jd", {"night": False}).lead == "hbj"
