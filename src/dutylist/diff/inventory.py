"""Which items were added, removed, renamed or changed between two catalogues.

Items are matched by id. An item whose id is gone while a new id says exactly the same
(a duty with the same problem, conditions, lead and support) is *renamed*, not removed
and added. A changed item lists the fields that differ, old value first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dutylist.model import (
    Catalog,
    Condition,
    Duty,
    Effective,
    Problem,
    Rule,
    Unit,
    Whistle,
)
from dutylist.report.conditions_text import condition_text


@dataclass
class ItemChanges:
    kind: str  # unit | problem | duty | rule | whistle
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed or self.changed)


def item_changes(old: Catalog | None, new: Catalog) -> list[ItemChanges]:
    """Units, problems, duties, rules and whistles, in that order."""
    return [
        _compare(kind, _items(old, kind), _items(new, kind), describe)
        for kind, describe in DESCRIBERS.items()
    ]


def _items(catalog: Catalog | None, kind: str) -> Mapping[str, Any]:
    if catalog is None:
        return {}
    found: Mapping[str, Any] | Sequence[Any]
    if kind in ("duty", "rule"):
        found = catalog.duties if kind == "duty" else catalog.rules
    else:
        found = {"unit": catalog.units, "problem": catalog.problems}.get(kind, catalog.whistles)
    if isinstance(found, Mapping):
        return found
    # a duty or rule written once per period: its first entry keeps the id, each later
    # one is an item of its own (id@first day), so a handover reads as a change and an add
    keyed: dict[str, Any] = {}
    for item in found:
        keyed[item.id if item.id not in keyed else f"{item.id}@{_start(item)}"] = item
    return keyed


def _start(item: Any) -> str:
    effective = item.effective
    return effective.start.isoformat() if effective and effective.start else "…"


def _compare(
    kind: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    describe: Callable[[Any], dict[str, Any]],
) -> ItemChanges:
    changes = ItemChanges(kind)
    gone = [i for i in old if i not in new]
    came = [i for i in new if i not in old]
    # an id that went while another with the same content came: renamed
    waiting: dict[str, list[str]] = {}
    for item_id in came:
        waiting.setdefault(repr(describe(new[item_id])), []).append(item_id)
    for item_id in gone:
        twins = waiting.get(repr(describe(old[item_id])))
        if twins:
            changes.renamed.append((item_id, twins.pop(0)))
        else:
            changes.removed.append(item_id)
    renamed_to = {n for _, n in changes.renamed}
    changes.added = [i for i in came if i not in renamed_to]
    for item_id in new:
        if item_id in old:
            before, after = describe(old[item_id]), describe(new[item_id])
            fields = {k: (before.get(k), after.get(k)) for k in {**before, **after}}
            differ = {k: v for k, v in fields.items() if v[0] != v[1]}
            if differ:
                changes.changed[item_id] = differ
    return changes


# -- what each kind of item says (what a reviewer would compare) --------------------------
def when_text(conditions: Sequence[Condition]) -> str:
    """A `when` as it is written: 'stage: 已建成; area_m2: {gte: 1000}'."""
    return "; ".join(condition_text(c) for c in conditions) or "(always)"


def _unit(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "kind": unit.kind, "parent": unit.parent, "powers": unit.powers,
            "effective": _effective(unit.effective)}  # fmt: skip


def _problem(problem: Problem) -> dict[str, Any]:
    return {"name": problem.name, "category": problem.category, "attributes": problem.attributes}


def _duty(duty: Duty) -> dict[str, Any]:
    return {
        "problem": duty.problem,
        "when": when_text(duty.when),
        "lead": duty.lead,
        "support": duty.support,
        "needs": duty.needs,
        "basis": duty.basis,
        "effective": _effective(duty.effective),
    }


def _rule(rule: Rule) -> dict[str, Any]:
    steps = [
        f"{e.after_minutes}m→{e.to}"
        if e.after_minutes is not None
        else f"{e.after_working_days}wd→{e.to}"
        for e in rule.escalate or ()
    ]
    return {
        "when": when_text(rule.when),
        "whistle": rule.whistle,
        "respond_within": rule.respond_within_minutes or rule.respond_within_working_days,
        "escalate": steps or None,
        "also_report": rule.also_report,
        "effective": _effective(rule.effective),
    }


def _whistle(whistle: Whistle) -> dict[str, Any]:
    return {"name": whistle.name, "blower": whistle.blower, "reporters": whistle.reporters,
            "effective": _effective(whistle.effective)}  # fmt: skip


def _effective(effective: Effective | None) -> str | None:
    return str(effective) if effective is not None else None


DESCRIBERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "unit": _unit,
    "problem": _problem,
    "duty": _duty,
    "rule": _rule,
    "whistle": _whistle,
}
