"""Dated lists: `effective: {from, to}` on duties, rules, units and whistles.

The differential tests hold dutylist to the contract's words on random dated catalogues:
on any day, the catalogue in force is the items whose period holds that day; the diff
between two days (and between two dated catalogues over every day) agrees with the
brute-force oracle case by case; gaps and overlaps are reported for the days they hold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.checker import check_folder
from dutylist.cli import main
from dutylist.dated import as_of, change_days, periods
from dutylist.diff.routing import dated_routing_changes, routing_changes
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from tests.randomcat import (
    ASKED,
    Oracle,
    RandomCatalog,
    all_cases,
    dated_catalogs,
    in_force_on,
)
from tests.test_diff import assert_regions_are_exact, edited

EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PANLONG = Path(__file__).parent.parent / "catalogs" / "panlong"
RULES = Path(__file__).parent.parent / "rules" / "panlong"


def _loaded(catalog: RandomCatalog, root: Path) -> Any:
    loaded = load_catalog(catalog.write(root))
    assert loaded.catalog is not None and not loaded.findings, [
        f.message("en") for f in loaded.findings
    ]
    return loaded.catalog


# -- the differential oracle, with dates ---------------------------------------------------
@PROPERTY
@given(catalog=dated_catalogs(), days=st.lists(st.sampled_from(ASKED), min_size=2, max_size=2))
def test_two_days_of_one_dated_catalogue_differ_exactly_as_the_oracle_says(
    catalog: RandomCatalog, days: list[dt.date]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        model = _loaded(catalog, Path(scratch))
    first, second = days
    regions = routing_changes(Compiled(as_of(model, first)), Compiled(as_of(model, second)))
    assert_regions_are_exact(in_force_on(catalog, first), in_force_on(catalog, second), regions)


@PROPERTY
@given(data=st.data(), catalog=dated_catalogs())
def test_two_dated_catalogues_differ_on_each_day_as_the_oracle_says(
    data: Any, catalog: RandomCatalog
) -> None:
    """Over every day at once: each region holds for a period, and on each day asked the
    regions holding then are exactly the oracle's."""
    changed = data.draw(edited(catalog))
    with tempfile.TemporaryDirectory() as scratch:
        old = _loaded(catalog, Path(scratch) / "old")
        new = _loaded(changed, Path(scratch) / "new")
    regions = dated_routing_changes(old, new)
    boundaries = sorted({*change_days(old), *change_days(new)})
    for day in ASKED:
        holding = [r for r in regions if _holds(r.period, day)]
        before, after = in_force_on(catalog, day), in_force_on(changed, day)
        assert_regions_are_exact(before, after, holding, whole=False)
        # a region's answers are those of its first period: check them on a day of it
        first = [r for r in holding if _first_period_holds(r.period, day, boundaries)]
        if len(first) == len(holding):
            assert_regions_are_exact(before, after, holding)


def _first_period_holds(period: Any, day: dt.date, boundaries: list[dt.date]) -> bool:
    """`day` lies in the first of the periods (between change days) a region spans."""
    start = period[0] if period is not None else None
    later = [b for b in boundaries if start is None or b > start]
    return (start is None or start <= day) and (not later or day < later[0])


def _holds(period: Any, day: dt.date) -> bool:
    if period is None:
        return True
    start, end = period
    return (start is None or start <= day) and (end is None or day <= end)


@PROPERTY
@given(catalog=dated_catalogs())
def test_gaps_and_overlaps_are_reported_for_the_days_they_hold(catalog: RandomCatalog) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = catalog.write(Path(scratch))
        _, findings = check_folder(folder)
    for day in ASKED:
        standing = in_force_on(catalog, day)
        oracle = Oracle(standing)
        for problem in standing.problems:
            statuses = {
                oracle._outcome(problem, place, values)[0]
                for place, values in all_cases(standing, problem)
            }
            for code, status in (("DL302", "gap"), ("DL301", "overlap")):
                reported = [
                    f
                    for f in findings
                    if f.code == code and f.args.get("problem") == problem and _holds(f.period, day)
                ]
                assert bool(reported) == (status in statuses), (day, problem, code, statuses)


# -- the loader and the checker on the bundled catalogue -----------------------------------
def _copy(root: Path) -> Path:
    shutil.copytree(PANLONG, root / "catalogs" / "panlong")
    shutil.copytree(RULES, root / "rules" / "panlong")
    return root / "catalogs" / "panlong"


D021 = "  - id: D021\n    problem: noise\n    when: {source: 社会生活}\n    lead: ga\n"


def _hand_over(folder: Path, successor_from: str = "2027-01-01") -> None:
    """Social-life noise at gulou handed from the police to the street on a date: D021
    ends on 2026-12-31; from `successor_from` a D021 for elsewhere and D021G at gulou."""
    path = folder / "duties.yaml"
    text = path.read_text("utf-8")
    start = text.index(D021)
    end = text.index("\n\n", start)
    block = text[start:end]
    ended = block.replace("    lead: ga\n", "    lead: ga\n    effective: {to: 2026-12-31}\n")
    again = block.replace(
        "    lead: ga\n", f"    lead: ga\n    effective: {{from: {successor_from}}}\n"
    )
    gulou = (
        again.replace("id: D021", "id: D021G")
        .replace("{source: 社会生活}", "{source: 社会生活, at: gulou}")
        .replace("    lead: ga\n", "    lead: gulou\n")
    )
    path.write_text(text[:start] + "\n\n".join([ended, again, gulou]) + text[end:], "utf-8")


def test_who_on_a_day_answers_with_what_is_in_force_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(tmp_path)
    _hand_over(folder)
    case = ["who", "noise", "--at", "gulou.taoyuan", "--set", "source=社会生活", "--set",
            "night=true", "--catalog", str(folder), "--format", "json"]  # fmt: skip
    leads = {}
    for day in ("2026-12-31", "2027-01-01"):
        assert main([*case, "--on", day]) == 0
        answer = json.loads(capsys.readouterr().out)
        leads[day] = (answer["lead"]["id"], answer["duties"], answer["on"])
    assert leads == {
        "2026-12-31": ("ga", ["D021"], "2026-12-31"),
        "2027-01-01": ("gulou", ["D021G"], "2027-01-01"),
    }
    # elsewhere the police keep it, under the later D021
    assert main([*case[:3], "tuodong", *case[4:], "--on", "2027-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["lead"]["id"] == "ga"
    assert main([*case, "--on", "2027-13-01"]) == 2
    assert "--on '2027-13-01' is not a date" in capsys.readouterr().err


def test_a_late_successor_is_a_gap_from_the_day_after_the_end(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _hand_over(folder, successor_from="2027-01-05")
    _, findings = check_folder(folder, dt.date(2019, 8, 15))
    ended = [f for f in findings if f.code == "DL311"]
    assert len(ended) == 1 and ended[0].subjects == ("D021", "noise")
    assert ended[0].args["day"] == "2027-01-01"
    assert ended[0].location.line == _line_of(folder, "effective: {to: 2026-12-31}")
    assert ended[0].witness is not None and ended[0].witness["with"]["source"] == "社会生活"
    gaps = [f for f in findings if f.code == "DL302" and "noise" in f.subjects]
    assert [g.period for g in gaps] == [(dt.date(2027, 1, 1), dt.date(2027, 1, 4))]
    # on time, no gap at all
    folder_on_time = _copy(tmp_path / "b")
    _hand_over(folder_on_time)
    _, findings = check_folder(folder_on_time, dt.date(2019, 8, 15))
    assert not [f for f in findings if f.code in ("DL311", "DL302") and "noise" in f.subjects]


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / "duties.yaml").read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_unit_named_after_it_ends_and_periods_that_overlap(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    units = folder / "units.yaml"
    text = units.read_text("utf-8")
    start = text.index("  - id: ga\n") if "  - id: ga\n" in text else text.index("{id: ga,")
    line_end = text.index("\n", start)
    if text[start:].startswith("  - id: ga\n"):
        text = text[:line_end] + "\n    effective: {to: 2027-06-30}" + text[line_end:]
    else:
        text = (
            text[:start]
            + text[start:line_end].replace("{id: ga,", "{id: ga, effective: {to: 2027-06-30},")
            + text[line_end:]
        )
    units.write_text(text, "utf-8")
    _, findings = check_folder(folder, dt.date(2019, 8, 15))
    out_of_force = [f for f in findings if f.code == "DL209"]
    assert out_of_force, "ga ends, and duties still name it"
    lead = next(f for f in out_of_force if "D021" in f.subjects and f.args["field"] == "lead")
    assert lead.period == (dt.date(2027, 7, 1), None)
    assert "from 2027-07-01" in lead.message("en")
    # one id written twice with overlapping periods
    folder2 = _copy(tmp_path / "b")
    _hand_over(folder2)
    path = folder2 / "duties.yaml"
    path.write_text(path.read_text("utf-8").replace("effective: {to: 2026-12-31}",
                                                    "effective: {to: 2027-01-31}"), "utf-8")  # fmt: skip
    loaded = load_catalog(folder2)
    clash = [f for f in loaded.findings if f.code == "DL210"]
    assert len(clash) == 1 and clash[0].subjects == ("D021",)


def test_an_effective_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "duties.yaml"
    text = path.read_text("utf-8").replace(
        "    lead: ga\n", "    lead: ga\n    effective: {from: 2027-01-01, to: 2026-12-31}\n", 1
    )
    path.write_text(text, "utf-8")
    loaded = load_catalog(folder)
    assert [f.code for f in loaded.findings] == ["DL109"]


def test_an_undated_catalogue_is_one_period_and_its_own_catalogue_on_any_day() -> None:
    catalog = load_catalog(PANLONG).catalog
    assert catalog is not None
    assert len(periods(catalog)) == 1
    assert as_of(catalog, dt.date(2030, 1, 1)) is catalog


def test_the_desk_routes_a_whistle_by_the_day_it_is_blown(tmp_path: Path) -> None:
    from dutylist.dispatcher import Dispatcher
    from dutylist.service.access import Caller
    from dutylist.service.desk import Desk
    from dutylist.store.log import Store

    folder = _copy(tmp_path)
    _hand_over(folder)
    store = Store(str(tmp_path / "w.db"))
    try:
        desk = Desk(Dispatcher(folder, prepare=False), store)
        caller = Caller(unit="panlong", operator=True)
        values = {"source": "社会生活", "night": True}
        before = desk.blow(caller, "noise", "gulou.taoyuan", values, at="2026-12-31T12:00:00+00:00")
        after = desk.blow(caller, "noise", "gulou.taoyuan", values, at="2027-01-01T12:00:00+00:00")
        leads = [store.events(w.whistle)[0].data for w in (before, after)]
        assert [(d["lead"], d["in_force_on"]) for d in leads] == [
            ("ga", "2026-12-31"),
            ("gulou", "2027-01-01"),
        ]
    finally:
        store.close()


def test_diff_and_replay_compare_two_days_of_one_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(tmp_path)
    _hand_over(folder)
    code = main(["diff", str(folder), "--on", "2026-12-31", "--on", "2027-01-01",
                 "--format", "json", "--exit-code"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {(r["old"]["lead"], r["new"]["lead"]) for r in report["routing"]["regions"]} == {
        ("ga", "gulou")
    }
    assert all(r["where"]["at"] == ["gulou"] for r in report["routing"]["regions"])
    # the same catalogue against the bundled one, over every day: the change from 2027
    main(["diff", str(PANLONG), str(folder), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert {r["period"]["from"] for r in report["routing"]["regions"]} == {"2027-01-01"}
    assert report["items"]["duty"]["added"] == ["D021@2027-01-01", "D021G"]
    main(["replay", str(PANLONG / "cases.yaml"), "--old", str(folder), "--new", str(folder),
          "--on", "2026-12-31", "--on", "2027-01-01", "--format", "json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    moved = [c for c in report["changed"] if c["kind"] == "changed-hands"]
    assert moved and all(c["street"] == "gulou" for c in moved)
    assert all((c["old"]["lead"], c["new"]["lead"]) == ("ga", "gulou") for c in moved)
