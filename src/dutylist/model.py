"""The domain, as frozen values: units, problems, duties, rules, whistles, tasks, cases.

Every item keeps the location of its entry and of each of its fields (`spots`), so a
finding about one field points at that field's value in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutylist.findings import Location

# Fields that only `check` reads (the position of every field and value, for findings).
# The start-up snapshot serves routing and never `check`, so it leaves them out.
CHECK_ONLY: Mapping[str, bool] = {"snapshot": False}

PLACE_KINDS = frozenset({"district", "street", "community"})
UNIT_KINDS = (
    "district",
    "street",
    "community",
    "department",
    "public-unit",
    "alliance",
    "party-members",
    "leadership",
)


@dataclass(frozen=True, slots=True)
class Effective:
    """When an item is in force: from `start` to `end`, both days included; None leaves
    that side open (`effective: {from: 2027-01-01}` holds from that day on)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, other: Effective) -> bool:
        """Some day lies in both."""
        starts_before_other_ends = (
            self.start is None or other.end is None or self.start <= other.end
        )
        other_starts_before_end = other.start is None or self.end is None or other.start <= self.end
        return starts_before_other_ends and other_starts_before_end

    def __str__(self) -> str:
        start = self.start.isoformat() if self.start else "…"
        end = self.end.isoformat() if self.end else "…"
        return f"{start} – {end}"


def in_force(item: Any, day: dt.date) -> bool:
    """An item without `effective` holds on every day."""
    effective: Effective | None = getattr(item, "effective", None)
    return effective is None or effective.holds_on(day)


@dataclass(frozen=True, slots=True)
class Located:
    """Base of every catalogue item: where it is, and where each of its fields is."""

    loc: Location
    spots: Mapping[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=CHECK_ONLY
    )

    def at(self, spot: str) -> Location:
        """The location of a field (`lead`, `support[1]`, `when.stage`), else the item's."""
        return self.spots.get(spot, self.loc)


@dataclass(frozen=True, slots=True)
class Unit(Located):
    id: str = ""
    name: str = ""
    kind: str = ""
    parent: str | None = None
    powers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    landmarks: tuple[str, ...] = ()  # roads, markets, compounds inside it, as residents say
    effective: Effective | None = None

    @property
    def is_place(self) -> bool:
        return self.kind in PLACE_KINDS


@dataclass(frozen=True, slots=True)
class Attribute(Located):
    id: str = ""
    type: str = "enum"  # enum | number | boolean
    values: tuple[str, ...] = ()
    name: str = ""
    unit: str | None = None  # what a number counts: 平方米, 米 …
    # how residents say each value ("true"/"false" for a boolean), for reading messages
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem(Located):
    id: str = ""
    name: str = ""
    aliases: tuple[str, ...] = ()
    category: str | None = None
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """One entry of a `when`, as written; `dutylist.semantics.conditions` gives it meaning."""

    attribute: str  # an attribute id, or `at`, `problem`, `category`
    equals: tuple[Any, ...] | None = None
    excludes: tuple[Any, ...] | None = None
    bounds: Mapping[str, float] | None = None  # gt, gte, lt, lte
    loc: Location = field(default=Location(""), compare=False)
    value_locs: tuple[Location, ...] = field(
        default=(), compare=False, repr=False, metadata=CHECK_ONLY
    )


@dataclass(frozen=True, slots=True)
class Duty(Located):
    id: str = ""
    problem: str = ""
    when: tuple[Condition, ...] = ()
    lead: str = ""
    support: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    basis: str | None = None
    effective: Effective | None = None
    list: str | None = None  # the township lists: basic | support | returned
    source: str | None = None  # where it was imported from: '履职事项清单!C7'


@dataclass(frozen=True, slots=True)
class Escalation:
    after_minutes: int | None  # None when the step is counted in working days
    to: str
    loc: Location = field(default=Location(""), compare=False)
    after_working_days: int | None = None


@dataclass(frozen=True, slots=True)
class Rule(Located):
    id: str = ""
    name: str | None = None
    when: tuple[Condition, ...] = ()
    whistle: str | None = None
    respond_within_minutes: int | None = None
    escalate: tuple[Escalation, ...] | None = None
    also_report: tuple[str, ...] = ()
    respond_within_working_days: int | None = None  # `5wd`: instead of the minutes
    effective: Effective | None = None


@dataclass(frozen=True, slots=True)
class Whistle(Located):
    id: str = ""
    name: str = ""
    blower: str = ""  # a unit kind, or a unit id for a fixed blower
    reporters: tuple[str, ...] = ()
    purpose: str | None = None
    example: str | None = None
    effective: Effective | None = None


@dataclass(frozen=True, slots=True)
class Phase(Located):
    id: str = ""
    name: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    number: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ProgressNote:
    date: dt.date | None
    note: str


@dataclass(frozen=True, slots=True)
class Task(Located):
    id: str = ""
    name: str = ""
    aim: str | None = None
    lead: str = ""
    support: tuple[str, ...] = ()
    phase: str = ""
    due: dt.date | None = None
    results: tuple[str, ...] = ()
    status: str = "not-started"
    done_on: dt.date | None = None
    documents: tuple[Document, ...] = ()
    progress: tuple[ProgressNote, ...] = ()

    def is_overdue(self, today: dt.date) -> bool:
        """Not done, and its due date has passed (a task due today is not yet overdue).

        >>> from dutylist.findings import Location
        >>> due = dt.date(2019, 9, 30)
        >>> t = Task(Location("tasks.yaml"), id="T1", due=due, status="in-progress")
        >>> t.is_overdue(dt.date(2019, 9, 30)), t.is_overdue(dt.date(2019, 10, 1))
        (False, True)
        """
        return self.status != "done" and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class Case(Located):
    name: str = ""
    problem: str = ""
    place: str | None = None
    with_: Mapping[str, Any] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    """One jurisdiction's catalogue and its dispatch rules, as loaded."""

    folder: Path
    id: str
    name: str
    root: str
    rules_folder: Path | None
    default_respond_minutes: int | None
    key_tasks: int | None
    results_leads: Mapping[str, str]
    units: Mapping[str, Unit]
    attributes: Mapping[str, Attribute]
    problems: Mapping[str, Problem]
    duties: tuple[Duty, ...]
    rules: tuple[Rule, ...]
    whistles: Mapping[str, Whistle]
    phases: Mapping[str, Phase]
    tasks: tuple[Task, ...]
    cases: tuple[Case, ...]
    default_respond_working_days: int | None = None
    # the catalogue's own calendar: working days and days off the official one lacks
    workdays: tuple[dt.date, ...] = ()
    holidays: tuple[dt.date, ...] = ()
    spots: Mapping[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=CHECK_ONLY
    )

    def at(self, spot: str) -> Location:
        return self.spots.get(spot, Location(str(self.folder / "catalog.yaml"), 1, 1))

    def places(self) -> list[Unit]:
        return [u for u in self.units.values() if u.is_place]
