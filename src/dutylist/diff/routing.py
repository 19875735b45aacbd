"""Which cases change hands between two catalogues, exactly.

Each problem of either side is cut into the common refinement of both sides' cells
(`semantics.joint`); the witness of every joint cell is routed by each side's own engine,
and the joint cells whose answers differ are gathered into regions: one region per
problem, per set of attributes the question leaves out, and per change. A problem whose
duties, rules, attributes and surroundings are the same on both sides cannot change its
answers and is not swept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from dutylist.dated import as_of, change_days, periods_between
from dutylist.engine.index import IndexEngine
from dutylist.model import Catalog, Condition, Rule
from dutylist.report.conditions_text import condition_text
from dutylist.semantics.cells import CellSpace, cell_space
from dutylist.semantics.compiled import Compiled
from dutylist.semantics.joint import JointCell, JointSpace


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a user is told about a case that routing decides (not the duty ids or the
    basis: a renamed duty routes alike). `status` is `absent` when the side has no such
    problem, place or value."""

    status: str
    lead: str | None = None
    support: tuple[str, ...] = ()
    whistle: str | None = None
    blower: str | None = None  # the whistle's blower: a kind of place, or a fixed unit
    respond_within_minutes: int | None = None
    respond_within_working_days: int | None = None
    escalate: tuple[tuple[int | None, int | None, str], ...] = ()


FIELDS = (
    "status",
    "lead",
    "support",
    "whistle",
    "blower",
    "respond_within_minutes",
    "respond_within_working_days",
    "escalate",
)
ABSENT = Outcome("absent")


def changes_of(old: Outcome, new: Outcome) -> dict[str, tuple[Any, Any]]:
    """The fields that differ, old value first; every field when one side is absent."""
    if ABSENT in (old, new):
        return {name: (getattr(old, name), getattr(new, name)) for name in FIELDS}
    return {
        name: (getattr(old, name), getattr(new, name))
        for name in FIELDS
        if getattr(old, name) != getattr(new, name)
    }


@dataclass
class Region:
    """Joint cells of one problem, asked with the same attributes left out, whose answer
    changes the same way: the same fields from the same old values to the same new ones
    (other fields may differ between its cells; `old` and `new` are its witness's)."""

    problem: str
    left_out: tuple[str, ...]
    old: Outcome
    new: Outcome
    space: JointSpace
    cells: int = 0
    members: list[JointCell] = field(default_factory=list)
    # dated lists: the days the change holds on (first, last; None is open)
    period: tuple[dt.date | None, dt.date | None] | None = None

    @property
    def witness(self) -> dict[str, Any]:
        first = self.members[0]
        values = self.space.witness_values(first)
        return {
            "problem": self.problem,
            "at": self.space.places[first.place].witness,
            "with": {
                k: int(v) if isinstance(v, float) and v.is_integer() else v
                for k, v in values.items()
            },
        }

    @property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        return changes_of(self.old, self.new)

    def place_indices(self) -> list[int]:
        return sorted({cell.place for cell in self.members})

    @property
    def places(self) -> int:
        return sum(self.space.places[i].places for i in self.place_indices())

    def values_seen(self) -> dict[str, list[int]]:
        """Per attribute, the joint classes the region's cells take (in order)."""
        seen: dict[str, set[int]] = {axis.name: set() for axis in self.space.axes}
        for cell in self.members:
            for axis, group_index in zip(self.space.axes, cell.groups, strict=True):
                seen[axis.name].update(axis.groups[group_index].members)
        return {name: sorted(found) for name, found in seen.items()}

    def contains(self, place: str, values: dict[str, Any]) -> bool:
        cell = self.space.locate(place, values)
        return cell is not None and any(
            (m.place, m.groups) == (cell.place, cell.groups) for m in self.members
        )


class AnsweringSide:
    """One catalogue, answering for the diff."""

    def __init__(self, compiled: Compiled | None) -> None:
        self.compiled = compiled
        self.engine = IndexEngine(compiled) if compiled is not None else None
        self.remembered: dict[tuple[Any, ...], Outcome] = {}

    def space(self, problem: str) -> CellSpace | None:
        if self.compiled is None or problem not in self.compiled.catalog.problems:
            return None
        return cell_space(self.compiled, problem)

    def outcome(self, problem: str, place: str, values: dict[str, Any] | None) -> Outcome:
        if self.engine is None or values is None or problem not in self.engine.catalog.problems:
            return ABSENT
        assert self.compiled is not None
        space = cell_space(self.compiled, problem)
        if place not in space.tree.lineage:
            return ABSENT
        key = (problem, space.place_class(place), *space.classes_given(values))
        found = self.remembered.get(key)
        if found is None:
            found = self._decide(problem, place, values)
            self.remembered[key] = found
        return found

    def _decide(self, problem: str, place: str, values: dict[str, Any]) -> Outcome:
        assert self.engine is not None and self.compiled is not None
        answer = self.engine.route(problem, place, values)
        whistle = self.compiled.catalog.whistles.get(answer.whistle or "")
        return Outcome(
            answer.status,
            answer.lead,
            tuple(sorted(answer.support)),
            answer.whistle,
            whistle.blower if whistle is not None else None,
            answer.respond_within_minutes,
            answer.respond_within_working_days,
            tuple((e.after_minutes, e.after_working_days, e.to) for e in answer.escalate),
        )


def routing_changes(old: Compiled | None, new: Compiled | None) -> list[Region]:
    """Every region of any problem whose answer differs between `old` and `new`, problem
    by problem in the new side's order (then the old side's removed problems)."""
    sides = AnsweringSide(old), AnsweringSide(new)
    problems = _problems(old, new)
    unchanged = _same_problems(old, new, problems)
    regions: list[Region] = []
    for problem in problems:
        if problem not in unchanged:
            regions += _problem_regions(problem, *sides)
    return regions


def dated_routing_changes(old: Catalog, new: Catalog) -> list[Region]:
    """Two catalogues of which one is dated, compared on every day: period by period of
    both sides' change days, each region with the days it holds on. A change that holds
    alike in following periods is one region over all of them."""
    spans = periods_between(sorted(set(change_days(old)) | set(change_days(new))))
    merged: list[Region] = []
    last: dict[tuple[Any, ...], Region] = {}
    for period in spans:
        day = period.a_day()
        found = routing_changes(Compiled(as_of(old, day)), Compiled(as_of(new, day)))
        now: dict[tuple[Any, ...], Region] = {}
        for region in found:
            key = _extent(region)
            earlier = last.get(key)
            if earlier is not None:  # the same change goes on: one region, longer
                assert earlier.period is not None
                earlier.period = (earlier.period[0], period.end)
                now[key] = earlier
            else:
                region.period = (period.start, period.end)
                merged.append(region)
                now[key] = region
        last = now
    return [r if r.period != (None, None) else replace(r, period=None) for r in merged]


def _extent(region: Region) -> tuple[Any, ...]:
    """What a region is, comparable across periods: the same change over the same cells
    of an identically cut space (a space cut otherwise is, conservatively, another)."""
    space = region.space
    return (
        region.problem,
        region.left_out,
        tuple(region.changes.items()),
        tuple((p.witness, p.old, p.new, p.places) for p in space.places),
        tuple(
            (a.name, a.representatives[:-1], a.old, a.new, tuple(g.members for g in a.groups))
            for a in space.axes
        ),
        tuple((m.place, m.groups) for m in region.members),
    )


def _problems(old: Compiled | None, new: Compiled | None) -> list[str]:
    names = list(new.catalog.problems if new is not None else ())
    names += [p for p in (old.catalog.problems if old is not None else ()) if p not in names]
    return names


def _problem_regions(problem: str, old: AnsweringSide, new: AnsweringSide) -> list[Region]:
    space = JointSpace(old.space(problem), new.space(problem))
    regions: dict[tuple[Any, ...], Region] = {}
    for cell in space.cells():
        witness = space.places[cell.place].witness
        before = old.outcome(problem, witness, space.side_case("old", cell))
        after = new.outcome(problem, witness, space.side_case("new", cell))
        if before == after:
            continue
        left_out = space.left_out(cell)
        key = (left_out, tuple(changes_of(before, after).items()))
        region = regions.get(key)
        if region is None:
            region = regions[key] = Region(problem, left_out, before, after, space)
        region.cells += cell.size
        region.members.append(cell)
    return list(regions.values())


# -- problems that cannot have changed ----------------------------------------------------
def _same_problems(old: Compiled | None, new: Compiled | None, problems: Iterable[str]) -> set[str]:
    """The problems whose answers are the same on both sides because everything that
    decides them is: surroundings (places, defaults, whistles' blowers), the problem's
    attributes, its duties' conditions and units, and the rules it can meet."""
    if old is None or new is None or _surroundings(old.catalog) != _surroundings(new.catalog):
        return set()
    old_written, new_written = _Written(old.catalog), _Written(new.catalog)
    return {
        p
        for p in problems
        if p in old.catalog.problems
        and p in new.catalog.problems
        and _deciders(old, p, old_written) == _deciders(new, p, new_written)
    }


class _Written:
    """Each duty and rule as what it says, worked out once per catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.duties: dict[str, list[str]] = {}
        for duty in catalog.duties:
            said = repr((_when(duty.when), duty.lead, duty.support))
            self.duties.setdefault(duty.problem, []).append(said)
        self.rules = [repr(_rule(rule)) for rule in catalog.rules]


def _surroundings(catalog: Catalog) -> tuple[Any, ...]:
    return (
        tuple(sorted((u.id, u.kind, u.parent) for u in catalog.places())),
        catalog.root,
        catalog.default_respond_minutes,
        catalog.default_respond_working_days,
        tuple(sorted((w.id, w.blower) for w in catalog.whistles.values())),
    )


def _deciders(compiled: Compiled, problem: str, written: _Written) -> tuple[Any, ...]:
    """What decides a problem's answers, as written (nothing is compiled: comparing
    a thousand unchanged problems must cost little)."""
    catalog = compiled.catalog
    item = catalog.problems[problem]
    attributes = tuple(
        (a, catalog.attributes[a].type, catalog.attributes[a].values)
        for a in item.attributes
        if a in catalog.attributes
    )
    duties = sorted(written.duties.get(problem, ()))
    rules = sorted(written.rules[i] for i in compiled.rule_candidates(problem))
    return (item.attributes, item.category, attributes, tuple(duties), tuple(rules))


def _when(conditions: Iterable[Condition]) -> tuple[str, ...]:
    """A `when` as what it says, without where it was written."""
    return tuple(condition_text(c) for c in conditions)


def _rule(rule: Rule) -> tuple[Any, ...]:
    steps = tuple((e.after_minutes, e.after_working_days, e.to) for e in rule.escalate or ())
    return (
        _when(rule.when),
        rule.whistle,
        rule.respond_within_minutes,
        rule.respond_within_working_days,
        steps if rule.escalate is not None else None,
        rule.also_report,
    )
