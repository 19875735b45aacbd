"""Time limits in working days (`5wd`): counted on the State Council's calendar, with the
catalogue's own corrections, from the day after the case came in to midnight after the
last working day; `who` says so, a case test checks it, and a blown whistle's deadlines
and escalation fall when the calendar says."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dutylist.dispatcher import Dispatcher
from dutylist.service.access import OPERATOR
from dutylist.service.desk import Desk
from dutylist.store.log import Store
from dutylist.workdays import WorkCalendar
from tests.conftest import Run

BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


# The 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知): 中秋节 25–27 September,
# 国庆节 1–7 October, worked Sunday 20 September and Saturday 10 October.
@pytest.mark.parametrize(
    ("blown", "days", "due"),
    [
        (beijing(2026, 9, 30, 10, 0), 1, beijing(2026, 10, 9)),  # 1–7 Oct off: the 8th
        (beijing(2026, 9, 30, 10, 0), 3, beijing(2026, 10, 11)),  # Saturday the 10th is worked
        (beijing(2026, 9, 24, 16, 0), 1, beijing(2026, 9, 29)),  # 中秋 Friday to Sunday off
        (beijing(2026, 12, 4, 9, 0), 2, beijing(2026, 12, 9)),  # an ordinary weekend
        (
            beijing(2026, 12, 3, 23, 30),
            1,
            beijing(2026, 12, 5),
        ),  # the day it came in is not counted
    ],
)
def test_working_days_follow_the_official_calendar(
    blown: dt.datetime, days: int, due: dt.datetime
) -> None:
    assert WorkCalendar().due(blown, days) == due


def test_the_catalogue_corrects_and_extends_the_calendar() -> None:
    friday = beijing(2026, 12, 4, 9, 0)
    day_off = WorkCalendar(holidays=[dt.date(2026, 12, 7)])  # a local day off on Monday
    assert day_off.due(friday, 1) == beijing(2026, 12, 9)
    worked = WorkCalendar(workdays=[dt.date(2026, 12, 5)])  # Saturday worked
    assert worked.due(friday, 1) == beijing(2026, 12, 6)
    # a year the library has no schedule for yet: Monday to Friday, unless the catalogue
    # gives the year's holidays (here the 2027 New Year's Day, a Friday)
    assert WorkCalendar().due(beijing(2026, 12, 31, 9, 0), 1) == beijing(2027, 1, 2)
    given = WorkCalendar(holidays=[dt.date(2027, 1, 1)])
    assert given.due(beijing(2026, 12, 31, 9, 0), 1) == beijing(2027, 1, 5)


@pytest.fixture
def working_days(minimal: Path) -> Path:
    """The minimal catalogue, its joint rule answering in 3 working days and escalating
    after 5, with a local day off."""
    rules = minimal.parent / "rules" / "dispatch.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("respond_within: 30m", "respond_within: 3wd").replace(
        "{after: 2h, to: leaders}", "{after: 5wd, to: leaders}"
    )
    rules.write_text(text, encoding="utf-8")
    catalog = minimal / "catalog.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8") + "calendar: {holidays: [2026-12-07]}\n",
        encoding="utf-8",
    )
    return minimal


def test_who_answers_in_working_days(run_cli: Callable[..., Run], working_days: Path) -> None:
    asked = ("who", "noise", "--at", "jd.sq", "--set", "night=true", "--catalog", str(working_days))
    answer = json.loads(run_cli(*asked, "--format", "json").out)
    assert answer["respond_within_minutes"] is None
    assert answer["respond_within_working_days"] == 3
    assert answer["escalate"][0]["after_working_days"] == 5
    text = run_cli(*asked, "--lang", "zh").out
    assert "3 个工作日内到场" in text and "5 个工作日后" in text
    english = run_cli(*asked, "--lang", "en").out
    assert "arrive within 3 working days" in english


def test_a_case_test_checks_a_limit_in_working_days(
    run_cli: Callable[..., Run], working_days: Path
) -> None:
    cases = working_days / "cases.yaml"
    cases.write_text(
        "cases:\n"
        "  - {name: 夜间噪声, problem: noise, at: jd.sq, with: {night: true},\n"
        "     expect: {respond_within: 3wd}}\n"
        "  - {name: 夜间噪声按分钟, problem: noise, at: jd.sq, with: {night: true},\n"
        "     expect: {respond_within: 30m}}\n",
        encoding="utf-8",
    )
    result = run_cli("test", str(working_days))
    assert result.code == 1
    assert "夜间噪声按分钟" in result.out and "3wd" in result.out
    assert "夜间噪声:" not in result.out  # the first case passes


def test_a_whistle_blown_before_a_weekend_is_due_when_the_calendar_says(
    working_days: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "w.db")
    desk = Desk(Dispatcher(working_days), store)
    friday = beijing(2026, 12, 4, 17, 0)
    blown = desk.blow(OPERATOR, "noise", "jd.sq", {"night": True}, at=friday.isoformat())
    shown = desk.view(OPERATOR, blown.whistle)
    due = {dt.datetime.fromisoformat(o["due_at"]) for o in shown["obligations"]}
    # Mon 7 Dec is the catalogue's day off: Tue 8, Wed 9, Thu 10 → midnight after the 10th
    assert due == {beijing(2026, 12, 11)}
    [step] = shown["escalation"]
    assert dt.datetime.fromisoformat(step["due_at"]) == beijing(2026, 12, 15)  # 5 days: Mon 14
    assert store.sweep(beijing(2026, 12, 14, 23, 59)) == []
    [escalated] = store.sweep(beijing(2026, 12, 15, 0, 0))
    assert escalated.data["to"] == "leaders"
    store.close()


def test_the_schema_takes_working_days_and_refuses_other_units(
    run_cli: Callable[..., Run], minimal: Path
) -> None:
    rules = minimal.parent / "rules" / "dispatch.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("respond_within: 30m", "respond_within: 3wk"),
        encoding="utf-8",
    )
    result = run_cli("check", str(minimal))
    assert result.code == 1
    assert "5wd" in result.out  # the message says what may be written
