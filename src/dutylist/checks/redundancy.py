"""Redundancy: two duties, or two rules, with the same matching set that say the same thing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dutylist.checks.context import compiled_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.model import Duty, Rule

CODES = ("DL304",)


def check(loaded: Loaded) -> Iterator[Finding]:
    compiled = compiled_of(loaded)
    tree, domains = compiled.tree, compiled.domains
    first_duty: dict[tuple[Any, ...], Duty] = {}
    for compiled_duty in compiled.duties:
        duty = compiled_duty.duty
        if compiled_duty.box.is_empty():
            continue  # a duty that can never apply is a dead rule, not a repeat
        key = (duty.problem, duty.lead, compiled_duty.box.canonical(tree, domains))
        earlier = first_duty.setdefault(key, duty)
        if earlier is not duty:
            yield _repeat("duty", duty, earlier)
    first_rule: dict[tuple[Any, ...], Rule] = {}
    for compiled_rule in compiled.rules:
        rule = compiled_rule.rule
        if compiled_rule.box.is_empty() or not compiled_rule.problems:
            continue
        escalate = tuple((e.after_minutes, e.after_working_days, e.to) for e in rule.escalate or ())
        says = (rule.whistle, rule.respond_within_minutes, rule.respond_within_working_days,
                escalate)  # fmt: skip
        rule_key = (compiled_rule.problems, compiled_rule.box.canonical(tree, domains), says)
        earlier_rule = first_rule.setdefault(rule_key, rule)
        if earlier_rule is not rule:
            yield _repeat("rule", rule, earlier_rule)


def _repeat(what: str, item: Duty | Rule, earlier: Duty | Rule) -> Finding:
    args = {"what": what, "id": item.id, "other": earlier.id, "where": str(earlier.loc)}
    return finding("DL304", item.loc, "DL304", args, subjects=[earlier.id, item.id])
