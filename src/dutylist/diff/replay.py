"""Real cases answered by two catalogues: who gains and who loses them.

Each case is read against each side as written (a problem or place by id, name or
alias: a side may not know it, and then it cannot answer it there) and routed by that
side's engine. The totals say how many cases change hands, how many become gaps,
overlaps or undetermined, and what each unit and each street gains and loses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dutylist.casein import CaseReader
from dutylist.diff.routing import ABSENT, AnsweringSide, Outcome
from dutylist.errors import UsageError
from dutylist.semantics.compiled import Compiled
from dutylist.session import Session


@dataclass(frozen=True)
class RawCase:
    """A case as it was written down: in a batch file, in cases.yaml, in the store."""

    label: str  # where it came from: 'cases.jsonl:12', 'W000031'
    problem: Any
    at: Any
    values: Mapping[str, Any]
    day: dt.date | None = None  # the day it happened (a whistle's blow), if known


@dataclass(frozen=True)
class Replayed:
    case: RawCase
    old: Outcome
    new: Outcome
    street: str | None  # the street the case's place lies in (new side, else old)
    why_not: tuple[UsageError | None, UsageError | None] = (None, None)  # why a side could not

    @property
    def kind(self) -> str:
        """changed-hands | became-gap | became-overlap | became-undetermined | now-routed
        | other-change | unanswerable | same."""
        old, new = self.old, self.new
        if old == new:
            return "same"
        if new.status == "absent" or old.status == "absent":
            return "unanswerable"
        if new.status != old.status and new.status in ("gap", "overlap", "undetermined"):
            return f"became-{new.status}"
        if new.status == "routed" and old.status != "routed":
            return "now-routed"
        if old.lead != new.lead:
            return "changed-hands"
        return "other-change"


KINDS = (
    "changed-hands",
    "became-gap",
    "became-overlap",
    "became-undetermined",
    "now-routed",
    "other-change",
    "unanswerable",
    "same",
)


@dataclass
class UnitLoad:
    led: list[int] = field(default_factory=lambda: [0, 0])  # old, new
    supported: list[int] = field(default_factory=lambda: [0, 0])


@dataclass
class Replay:
    cases: list[Replayed]
    units: dict[str, UnitLoad]
    streets: dict[str, Counter[str]]  # street → kind → cases

    def count(self, kind: str) -> int:
        return sum(1 for c in self.cases if c.kind == kind)

    def changed(self) -> list[Replayed]:
        return [c for c in self.cases if c.kind != "same"]


def replay(
    cases: Iterable[RawCase],
    old: Session,
    new: Session,
    days: tuple[dt.date | None, dt.date | None] = (None, None),
) -> Replay:
    """Each case answered by both sides as in force on the side's day if given, else on
    the case's own day (a whistle's), else today — the same for an undated list."""
    sides = (_Dated(old, days[0]), _Dated(new, days[1]))
    done: list[Replayed] = []
    units: dict[str, UnitLoad] = {}
    streets: dict[str, Counter[str]] = {}
    for case in cases:
        (before, why_before), (after, why_after) = (side.answer(case) for side in sides)
        street = sides[1].street(case) or sides[0].street(case)
        replayed = Replayed(case, before, after, street, (why_before, why_after))
        done.append(replayed)
        for index, outcome in enumerate((before, after)):
            if outcome.lead is not None:
                units.setdefault(outcome.lead, UnitLoad()).led[index] += 1
            for unit in outcome.support:
                units.setdefault(unit, UnitLoad()).supported[index] += 1
        streets.setdefault(street or "", Counter())[replayed.kind] += 1
    return Replay(done, dict(sorted(units.items())), dict(sorted(streets.items())))


class _Dated:
    """One side over time: a reading side per period, built when a case needs it."""

    def __init__(self, session: Session, day: dt.date | None) -> None:
        self.session = session
        self.day = day
        self.by_compiled: dict[int, _Reading] = {}

    def _on(self, case: RawCase) -> _Reading:
        compiled = self.session.on(self.day or case.day)
        found = self.by_compiled.get(id(compiled))
        if found is None:
            found = self.by_compiled[id(compiled)] = _Reading(compiled)
        return found

    def answer(self, case: RawCase) -> tuple[Outcome, UsageError | None]:
        return self._on(case).answer(case)

    def street(self, case: RawCase) -> str | None:
        return self._on(case).street(case)


class _Reading(AnsweringSide):
    """One side: reads each case against its own names, then answers it."""

    def __init__(self, compiled: Compiled) -> None:
        super().__init__(compiled)
        self.reader = CaseReader(compiled.catalog)
        self.streets = {
            place: compiled.nearest_of_kind.get((place, "street"))
            for place in compiled.tree.lineage
        }

    def answer(self, case: RawCase) -> tuple[Outcome, UsageError | None]:
        try:
            read = self.reader.read(case.problem, case.at, case.values)
            return self.outcome(read.problem.id, read.place.id, read.values), None
        except UsageError as error:  # CaseError included: this side cannot answer it
            return ABSENT, error

    def street(self, case: RawCase) -> str | None:
        try:
            place = self.reader.place(case.at)
        except UsageError:
            return None
        return self.streets.get(place.id)
