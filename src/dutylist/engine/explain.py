"""`who --explain`: every duty and rule considered, whether it matched, and if not, the
first condition that failed."""

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
    for condition in when:
        name = condition.attribute
        if name == "problem":
            if problem.id not in {str(v) for v in condition.equals or ()}:
                return Considered(kind, item_id, loc, False, condition, problem.id)
        elif name == "category":
            if problem.category not in {str(v) for v in condition.equals or ()}:
                return Considered(kind, item_id, loc, False, condition, problem.category)
        elif name != "at" and name not in problem.attributes:
            return Considered(kind, item_id, loc, False, condition, None, False, "undeclared")
        else:
            box = compiled.box((condition,))
            if box is None or not box.matches(place, values, compiled.tree):
                given = name == "at" or name in values
                shown = place if name == "at" else values.get(name)
                return Considered(kind, item_id, loc, False, condition, shown, given)
    return Considered(kind, item_id, loc, True)


def condition_text(condition: Condition) -> str:
    """A condition as the user wrote it, on one line: `stage: 在建`, `area_m2: {gte: 1000}`."""
    if condition.bounds or condition.excludes is not None:
        parts = [f"{k}: {scalar_text(v)}" for k, v in (condition.bounds or {}).items()]
        if condition.excludes is not None:
            parts.append("not: [" + ", ".join(scalar_text(v) for v in condition.excludes) + "]")
        return f"{condition.attribute}: {{{', '.join(parts)}}}"
    values = condition.equals or ()
    if len(values) == 1:
        return f"{condition.attribute}: {scalar_text(values[0])}"
    return f"{condition.attribute}: [{', '.join(scalar_text(v) for v in values)}]"


def scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
