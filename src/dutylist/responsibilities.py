"""The reverse query: everything one unit is responsible for."""

from __future__ import annotations

from dataclasses import dataclass, field

from dutylist.model import Catalog, Duty, Rule, Unit, Whistle


@dataclass(frozen=True)
class Responsibilities:
    unit: Unit
    leads: list[Duty] = field(default_factory=list)
    supports: list[Duty] = field(default_factory=list)
    reports_to: list[Whistle] = field(default_factory=list)  # whistles that summon its kind
    also_reports: list[Rule] = field(default_factory=list)  # rules that name it in also_report
    escalated_to: list[Rule] = field(default_factory=list)  # rules that escalate to it
    blows: list[Whistle] = field(default_factory=list)  # whistles it may blow
    task_leads: list[str] = field(default_factory=list)
    task_supports: list[str] = field(default_factory=list)


def responsibilities(catalog: Catalog, unit: Unit) -> Responsibilities:
    found = Responsibilities(unit)
    for duty in catalog.duties:
        if duty.lead == unit.id:
            found.leads.append(duty)
        elif unit.id in duty.support:
            found.supports.append(duty)
    for whistle in catalog.whistles.values():
        if unit.kind in whistle.reporters:
            found.reports_to.append(whistle)
        if whistle.blower in (unit.kind, unit.id):
            found.blows.append(whistle)
    for rule in catalog.rules:
        if unit.id in rule.also_report:
            found.also_reports.append(rule)
        if any(step.to == unit.id for step in rule.escalate or ()):
            found.escalated_to.append(rule)
    for task in catalog.tasks:
        if task.lead == unit.id:
            found.task_leads.append(task.id)
        elif unit.id in task.support:
            found.task_supports.append(task.id)
    return found
