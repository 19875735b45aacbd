"""`dutylist test`: run the catalogue's own expectations (cases.yaml) through an engine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dutylist.casein import CaseError, CaseReader
from dutylist.engine.answer import Answer
from dutylist.engine.router import Router
from dutylist.load.build import time_limit
from dutylist.model import Case, Catalog


@dataclass(frozen=True)
class Mismatch:
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class CaseResult:
    case: Case
    answer: Answer | None
    mismatches: tuple[Mismatch, ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


def run_cases(catalog: Catalog, engine: Router) -> list[CaseResult]:
    reader = CaseReader(catalog)
    return [_run(reader, engine, case) for case in catalog.cases]


def _run(reader: CaseReader, engine: Router, case: Case) -> CaseResult:
    try:
        read = reader.read(case.problem, case.place, case.with_)
    except CaseError as error:
        return CaseResult(case, None, (), error.reason)
    answer = engine.route(read.problem.id, read.place.id, read.values)
    return CaseResult(case, answer, tuple(_compare(case.expect, answer)))


def _compare(expect: dict[str, Any] | Any, answer: Answer) -> Iterator[Mismatch]:
    status = expect.get("status", "routed" if "lead" in expect else None)
    if status is not None and status != answer.status:
        yield Mismatch("status", status, answer.status)
    for field, actual in (
        ("lead", answer.lead),
        ("whistle", answer.whistle),
        ("blower", answer.blower),
    ):
        if field in expect and expect[field] != actual:
            yield Mismatch(field, expect[field], actual)
    if "respond_within" in expect:
        wanted = time_limit(expect["respond_within"])
        got = (answer.respond_within_minutes, answer.respond_within_working_days)
        if wanted != got:
            shown = f"{got[1]}wd" if got[1] is not None else _minutes_text(got[0])
            yield Mismatch("respond_within", expect["respond_within"], shown)
    if "support" in expect and set(expect["support"]) != set(answer.support):
        yield Mismatch("support", sorted(expect["support"]), sorted(answer.support))
    missing = [u for u in expect.get("support_includes", ()) if u not in answer.support]
    if missing:
        yield Mismatch("support_includes", missing, list(answer.support))
    for field, actual_ids in (("duties", answer.duties), ("rules", answer.rules)):
        if field in expect and set(expect[field]) != set(actual_ids):
            yield Mismatch(field, sorted(expect[field]), sorted(actual_ids))
    if "decided_by" in expect:
        actual = answer.decided_by.attribute if answer.decided_by else None
        if expect["decided_by"] != actual:
            yield Mismatch("decided_by", expect["decided_by"], actual)


def _minutes_text(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes}m"
