"""What is in force on a day: a catalogue as of a date, and the periods it changes in.

Duties, rules, units and whistles may carry `effective: {from, to}` (both days included,
either side open). The catalogue in force on a day keeps exactly the items that hold on
it; between two consecutive change days (a `from`, or the day after a `to`) nothing
changes, so each period is analysed, routed and compared as one catalogue.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dutylist.model import Catalog, Effective, in_force

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """Days from `start` to `end`, both included; None is open on that side."""

    start: dt.date | None
    end: dt.date | None

    def holds_on(self, day: dt.date) -> bool:
        return Effective(self.start, self.end).holds_on(day)

    def a_day(self) -> dt.date:
        """A day of the period, to take the catalogue in force on it."""
        if self.start is not None:
            return self.start
        return self.end if self.end is not None else dt.date.today()

    def as_text(self) -> str:
        if self.start is None and self.end is None:
            return "always"
        start = self.start.isoformat() if self.start else "…"
        end = self.end.isoformat() if self.end else "…"
        return f"{start} – {end}"


ALWAYS = Period(None, None)


def dated_items(catalog: Catalog) -> Iterable[Any]:
    for items in (catalog.units.values(), catalog.duties, catalog.rules, catalog.whistles.values()):
        for item in items:
            if item.effective is not None:
                yield item


def is_dated(catalog: Catalog) -> bool:
    return next(iter(dated_items(catalog)), None) is not None


def change_days(catalog: Catalog) -> list[dt.date]:
    """The days something starts or stops holding, in order."""
    days: set[dt.date] = set()
    for item in dated_items(catalog):
        effective: Effective = item.effective
        if effective.start is not None:
            days.add(effective.start)
        if effective.end is not None:
            days.add(effective.end + ONE_DAY)
    return sorted(days)


def periods(catalog: Catalog) -> list[Period]:
    """The periods between change days, covering every day: [ALWAYS] when undated."""
    return periods_between(change_days(catalog))


def periods_between(days: Sequence[dt.date]) -> list[Period]:
    """The periods that sorted change days cut time into, covering every day."""
    if not days:
        return [ALWAYS]
    found = [Period(None, days[0] - ONE_DAY)]
    found += [Period(a, b - ONE_DAY) for a, b in itertools.pairwise(days)]
    found.append(Period(days[-1], None))
    return found


def runs(numbers: Iterable[int]) -> list[list[int]]:
    """Increasing numbers (of periods) grouped where they follow each other: what holds
    in consecutive periods holds over their union."""
    found: list[list[int]] = []
    for number in numbers:
        if found and found[-1][-1] == number - 1:
            found[-1].append(number)
        else:
            found.append([number])
    return found


def joined(spans: Sequence[Period], run: Sequence[int]) -> Period:
    """The period from the first of a run to the last."""
    return Period(spans[run[0]].start, spans[run[-1]].end)


def local_day(when: dt.datetime) -> dt.date:
    """The day a moment falls on where the desk is (this machine's time zone): a whistle
    blown at 01:00 in Kunming on 1 January is answered by the list of 1 January, though
    it is still 31 December in UTC."""
    return when.astimezone().date() if when.tzinfo else when.date()


def as_of(catalog: Catalog, day: dt.date) -> Catalog:
    """The catalogue in force on `day` (the catalogue itself when nothing is dated)."""
    if not is_dated(catalog):
        return catalog
    return replace(
        catalog,
        units={k: u for k, u in catalog.units.items() if in_force(u, day)},
        duties=tuple(d for d in catalog.duties if in_force(d, day)),
        rules=tuple(r for r in catalog.rules if in_force(r, day)),
        whistles={k: w for k, w in catalog.whistles.items() if in_force(w, day)},
    )
