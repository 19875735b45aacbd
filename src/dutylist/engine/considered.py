"""`who --explain`: every duty and rule considered, whether it matched, and if not, the
first condition that failed (what a condition matches is `semantics.compiled`'s to say)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dutylist.findings import Location
from dutylist.model import Condition, Problem
from dutylist.semantics.compiled import Compiled


@dataclass(frozen=True, slots=True)
class Considered:
    kind: str  # duty | rule
    id: str
    location: Location
    matched: bool
    failed: Condition | None = None
    value: Any = None  # the case's value of the failed condition's attribute
    given: bool = True  # False when the case left that attribute out
    reason: str | None = None  # why a rule cannot apply to this problem at all


def considered(
    compiled: Compiled, problem: Problem, place: str, values: Mapping[str, Any]
) -> list[Considered]:
    rows = [
        _judge(compiled, "duty", d.id, d.loc, d.when, problem, place, values)
        for d in compiled.catalog.duties
        if d.problem == problem.id
    ]
    rows += [
        _judge(compiled, "rule", r.id, r.loc, r.when, problem, place, values)
        for r in compiled.catalog.rules
    ]
    return rows


def _judge(
    compiled: Compiled,
    kind: str,
    item_id: str,
    loc: Location,
    when: tuple[Condition, ...],
    problem: Problem,
    place: str,
    values: Mapping[str, Any],
) -> Considered:
    failed = compiled.first_failing(when, problem, place, values)
    if failed is None:
        return Considered(kind, item_id, loc, True)
    condition, why = failed
    name = condition.attribute
    if why == "undeclared":
        return Considered(kind, item_id, loc, False, condition, None, False, "undeclared")
    if name == "problem":
        return Considered(kind, item_id, loc, False, condition, problem.id)
    if name == "category":
        return Considered(kind, item_id, loc, False, condition, problem.category)
    given = name == "at" or name in values
    shown = place if name == "at" else values.get(name)
    return Considered(kind, item_id, loc, False, condition, shown, given)
