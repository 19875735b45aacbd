"""Orphans: departments and public units that no duty, rule or whistle ever reaches."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.checks.context import compiled_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.semantics.compiled import Compiled

CODES = ("DL307",)
KINDS = ("department", "public-unit")  # a street or community is reached by its place


def check(loaded: Loaded) -> Iterator[Finding]:
    compiled = compiled_of(loaded)
    reached = summoned(compiled)
    for unit in compiled.catalog.units.values():
        if unit.kind in KINDS and unit.id not in reached:
            args = {"id": unit.id, "name": unit.name, "kind": unit.kind}
            yield finding("DL307", unit.loc, args=args, subjects=[unit.id])


def summoned(compiled: Compiled) -> set[str]:
    """The units something can call on: a duty's or task's lead or support, a rule's
    also-report or escalation (a rule that can be compiled), a whistle's reporters and
    blowers."""
    catalog = compiled.catalog
    units: set[str] = set()
    for duty in catalog.duties:
        units.add(duty.lead)
        units.update(duty.support)
    for task in catalog.tasks:
        units.add(task.lead)
        units.update(task.support)
    for compiled_rule in compiled.rules:
        units.update(compiled_rule.rule.also_report)
        units.update(step.to for step in compiled_rule.rule.escalate or ())
    for whistle in catalog.whistles.values():
        for unit in catalog.units.values():
            if unit.kind in whistle.reporters or whistle.blower in (unit.kind, unit.id):
                units.add(unit.id)
    return units
