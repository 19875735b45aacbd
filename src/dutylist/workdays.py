"""When a time limit in working days (`5wd`, 5 个工作日) ends.

The official calendar — weekends, public holidays and the weekend days worked in their
place (调休) — is the State Council's, as `chinese-calendar` publishes it; the catalogue
may add to it or correct it (`calendar: {workdays: [...], holidays: [...]}` in
catalog.yaml), which is also how a year the library does not know yet is given. Beyond
both, Monday to Friday are working days.

Counting is done as offices count it: the day a case comes in is not counted; the limit
ends at midnight (Beijing time) after the Nth working day that follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

BEIJING = dt.timezone(dt.timedelta(hours=8))


class WorkCalendar:
    def __init__(self, workdays: Iterable[dt.date] = (), holidays: Iterable[dt.date] = ()):
        self.workdays = frozenset(workdays)
        self.holidays = frozenset(holidays)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return official_workday(day)

    def due(self, start: dt.datetime, working_days: int) -> dt.datetime:
        """The end of the `working_days`-th working day after the day of `start`."""
        day = start.astimezone(BEIJING).date()
        counted = 0
        while counted < working_days:
            day += dt.timedelta(days=1)
            counted += self.is_workday(day)
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), BEIJING)


def official_workday(day: dt.date) -> bool:
    """The State Council's calendar where chinese-calendar has the year, else Monday to
    Friday."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year it has no data for
        return day.weekday() < 5
