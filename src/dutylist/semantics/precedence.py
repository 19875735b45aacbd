"""Precedence: from the duties and rules that match a case to a decision.

The most specific matching duties decide the lead: a matching duty with another
matching duty strictly inside it gives way to that one. Rules work field by field
(whistle, respond_within, escalate): among the matching rules that set the field, the
most specific decide, and if they disagree the field is an overlap and left empty.

Every engine, the checker's sweep and the diff decide through these two functions, on
indices into one problem's `CompiledProblem`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.semantics.compiled import CompiledProblem

RULE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "whistle": lambda rule: rule.whistle,
    # (minutes, working days): a rule sets one of the two
    "respond_within": lambda rule: (
        None
        if rule.respond_within_minutes is None and rule.respond_within_working_days is None
        else (rule.respond_within_minutes, rule.respond_within_working_days)
    ),
    "escalate": lambda rule: rule.escalate,
}


@dataclass(frozen=True, slots=True)
class DutyDecision:
    status: str  # routed | gap | overlap
    lead: str | None
    applicable: tuple[int, ...]  # indices into compiled_problem.duties, in list order


@dataclass(frozen=True, slots=True)
class RuleDecision:
    matching: tuple[int, ...]  # indices into compiled_problem.rules, in list order
    fields: Mapping[str, Any]  # field → value (None when unset or in conflict)
    deciding: Mapping[str, tuple[int, ...]]  # field → the most specific rules setting it
    conflicts: Mapping[str, tuple[int, ...]]  # field → the deciding rules, when they disagree
    also_report: tuple[str, ...]

    def effective(self, compiled_problem: CompiledProblem) -> set[int]:
        """The rules that change the answer: a deciding rule or one adding reporters."""
        used = {i for i in self.matching if compiled_problem.rules[i].rule.also_report}
        for indices in self.deciding.values():
            used.update(indices)
        return used


def most_specific(indices: Iterable[int], inside: set[tuple[int, int]]) -> list[int]:
    """Those of `indices` with no other of `indices` strictly inside them."""
    chosen = list(indices)
    members = set(chosen)
    return [i for i in chosen if not any((j, i) in inside for j in members if j != i)]


def decide_duties(compiled_problem: CompiledProblem, matching: Sequence[int]) -> DutyDecision:
    if not matching:
        return DutyDecision("gap", None, ())
    applicable = tuple(most_specific(sorted(matching), compiled_problem.duty_inside))
    leads = {compiled_problem.duties[i].duty.lead for i in applicable}
    if len(leads) == 1:
        return DutyDecision("routed", next(iter(leads)), applicable)
    return DutyDecision("overlap", None, applicable)


def decide_rules(compiled_problem: CompiledProblem, matching: Sequence[int]) -> RuleDecision:
    ordered = tuple(sorted(matching))
    fields: dict[str, Any] = {}
    deciding: dict[str, tuple[int, ...]] = {}
    conflicts: dict[str, tuple[int, ...]] = {}
    for name, read in RULE_FIELDS.items():
        setting = [i for i in ordered if read(compiled_problem.rules[i].rule) is not None]
        chosen = tuple(most_specific(setting, compiled_problem.rule_inside))
        values = {read(compiled_problem.rules[i].rule) for i in chosen}
        deciding[name] = chosen
        fields[name] = next(iter(values)) if len(values) == 1 else None
        if len(values) > 1:
            conflicts[name] = chosen
    also = tuple(u for i in ordered for u in compiled_problem.rules[i].rule.also_report)
    return RuleDecision(ordered, fields, deciding, conflicts, also)
