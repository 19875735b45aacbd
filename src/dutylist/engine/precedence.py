"""Precedence, shared by every engine: from the matching duties and rules to a decision.

The most specific matching duties decide the lead: a matching duty with another
matching duty strictly inside it gives way to that one. Rules work field by field
(whistle, respond_within, escalate): among the matching rules that set the field, the
most specific decide, and if they disagree the field is an overlap and left empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.engine.compiled import CompiledDuty, CompiledRule, ProblemPlan

RULE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "whistle": lambda rule: rule.whistle,
    "respond_within": lambda rule: rule.respond_within_minutes,
    "escalate": lambda rule: rule.escalate,
}


@dataclass(frozen=True, slots=True)
class DutyDecision:
    status: str  # routed | gap | overlap
    lead: str | None
    applicable: tuple[CompiledDuty, ...]


@dataclass(frozen=True, slots=True)
class RuleDecision:
    matching: tuple[CompiledRule, ...]
    fields: dict[str, Any]  # field → value (None when unset or in conflict)
    conflicts: dict[str, tuple[str, ...]]  # field → the disagreeing rules' ids
    also_report: tuple[str, ...]


def most_specific(indices: Sequence[int], inside: set[tuple[int, int]]) -> list[int]:
    """Those of `indices` with no other of `indices` strictly inside them."""
    chosen = set(indices)
    return [i for i in indices if not any((j, i) in inside for j in chosen if j != i)]


def decide_duties(plan: ProblemPlan, matching: Sequence[int]) -> DutyDecision:
    if not matching:
        return DutyDecision("gap", None, ())
    applicable = tuple(plan.duties[i] for i in most_specific(sorted(matching), plan.duty_inside))
    leads = {d.duty.lead for d in applicable}
    if len(leads) == 1:
        return DutyDecision("routed", next(iter(leads)), applicable)
    return DutyDecision("overlap", None, applicable)


def decide_rules(plan: ProblemPlan, matching: Sequence[int]) -> RuleDecision:
    ordered = sorted(matching)
    fields: dict[str, Any] = {}
    conflicts: dict[str, tuple[str, ...]] = {}
    for name, read in RULE_FIELDS.items():
        setting = [i for i in ordered if read(plan.rules[i].rule) is not None]
        deciding = most_specific(setting, plan.rule_inside)
        values = {read(plan.rules[i].rule) for i in deciding}
        if len(values) == 1:
            fields[name] = next(iter(values))
        else:
            fields[name] = None
            if len(values) > 1:
                conflicts[name] = tuple(plan.rules[i].rule.id for i in deciding)
    also = tuple(u for i in ordered for u in plan.rules[i].rule.also_report)
    return RuleDecision(tuple(plan.rules[i] for i in ordered), fields, conflicts, also)
