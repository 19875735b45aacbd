"""Dated catalogues: references to units out of force, and duties that end into a gap.

Both are judged period by period (`dutylist.dated`): on the days an item holds, every
unit it names must hold too (DL209); on the day after a duty ends, every case it led
must have a lead again (DL311) — found exactly, over the common refinement of the cells
of the day before and the day after.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from dutylist.codes import finding
from dutylist.dated import ONE_DAY, as_of, is_dated, joined, periods, runs
from dutylist.findings import Finding, Location
from dutylist.load.build import Loaded
from dutylist.model import Catalog, Duty, in_force
from dutylist.semantics.cells import cell_space
from dutylist.semantics.compiled import Compiled
from dutylist.semantics.joint import LEFT_OUT, JointSpace

CODES = ("DL209", "DL311")


def check(loaded: Loaded) -> Iterator[Finding]:
    catalog = loaded.catalog
    if catalog is None or not is_dated(catalog):
        return
    yield from _out_of_force(catalog)
    yield from _ends_into_gap(catalog)


# -- DL209 ---------------------------------------------------------------------------------
def _references(catalog: Catalog) -> Iterator[tuple[Any, str, str, str, Location]]:
    """(item, what it is, the field, the unit named, where) for every unit an item names."""
    for duty in catalog.duties:
        yield duty, "duty", "lead", duty.lead, duty.at("lead")
        for i, supporter in enumerate(duty.support):
            yield duty, "duty", "support", supporter, duty.at(f"support[{i}]")
    for rule in catalog.rules:
        for i, reporter in enumerate(rule.also_report):
            yield rule, "rule", "also_report", reporter, rule.at(f"also_report[{i}]")
        for step in rule.escalate or ():
            yield rule, "rule", "escalate", step.to, step.loc if step.loc.file else rule.loc
    for whistle in catalog.whistles.values():
        yield whistle, "whistle", "blower", whistle.blower, whistle.at("blower")
    for unit in catalog.units.values():
        if unit.parent is not None:
            yield unit, "unit", "parent", unit.parent, unit.at("parent")


def _out_of_force(catalog: Catalog) -> Iterator[Finding]:
    spans = periods(catalog)
    for item, what, field, unit_id, location in _references(catalog):
        unit = catalog.units.get(unit_id)
        if unit is None:  # a kind of unit (a blower), or unknown: DL201 says so
            continue
        missing = [
            n
            for n, p in enumerate(spans)
            if in_force(item, p.a_day()) and not in_force(unit, p.a_day())
        ]
        for run in (joined(spans, numbers) for numbers in runs(missing)):
            yield finding(
                "DL209",
                location,
                args={"what": what, "item": item.id, "field": field, "unit": unit_id,
                      "period": run.as_text()},
                subjects=[item.id, unit_id],
                period=(run.start, run.end),
            )  # fmt: skip


# -- DL311 ---------------------------------------------------------------------------------
def _ends_into_gap(catalog: Catalog) -> Iterator[Finding]:
    compiled: dict[dt.date, Compiled] = {}

    def on(day: dt.date) -> Compiled:
        found = compiled.get(day)
        if found is None:
            found = compiled[day] = Compiled(as_of(catalog, day))
        return found

    for duty in catalog.duties:
        end = duty.effective.end if duty.effective is not None else None
        if end is None or duty.problem not in catalog.problems:
            continue
        found = _gap_left(duty, on(end), on(end + ONE_DAY))
        if found is None:
            continue
        cells, witness = found
        yield finding(
            "DL311",
            duty.at("effective"),
            args={"duty": duty.id, "end": end.isoformat(), "day": (end + ONE_DAY).isoformat(),
                  "cells": cells, "problem": duty.problem},
            subjects=[duty.id, duty.problem],
            witness=witness,  # the message names the day: who … --on DAY shows the gap
        )  # fmt: skip


def _gap_left(duty: Duty, before: Compiled, after: Compiled) -> tuple[int, Any] | None:
    """The cells the duty matched on its last day that no duty matches the next day, and
    a case of one of them; None when every one of them is led."""
    problem = duty.problem
    old, new = cell_space(before, problem), cell_space(after, problem)
    position = next(
        (i for i, d in enumerate(before.problems[problem].duties) if d.duty is duty), None
    )
    if position is None:
        return None
    bit = 1 << position
    space = JointSpace(old, new)
    old_places, _ = old.place_masks()
    new_places, _ = new.place_masks()
    given = [
        [g for g in axis.groups if axis.representatives[g.first] is not LEFT_OUT]
        for axis in space.axes
    ]
    cells, witness = 0, None
    for joint in space.places:
        if joint.old is None or joint.new is None:
            continue
        for combo in itertools.product(*given):
            old_mask, new_mask, size = old_places[joint.old], new_places[joint.new], 1
            for group in combo:
                key: Any = group.key  # (old side's masks, new side's, left out)
                (old_duties, _), (new_duties, _), _ = key
                old_mask &= old_duties
                new_mask &= new_duties
                size *= group.size
            if old_mask & bit and not new_mask:
                cells += size
                if witness is None:
                    values = {
                        axis.name: axis.representatives[g.first]
                        for axis, g in zip(space.axes, combo, strict=True)
                    }
                    witness = {"problem": problem, "at": joint.witness, "with": values}
    return (cells, witness) if cells else None
