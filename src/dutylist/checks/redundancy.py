"""Redundancy: two duties, or two rules, with the same matching set that say the same thing."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from dutylist.checks.context import ItemMemo, compiled_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.model import Duty, Rule
from dutylist.semantics.compiled import Compiled, CompiledProblem

CODES = ("DL304",)


def check(loaded: Loaded) -> Iterator[Finding]:
    compiled = compiled_of(loaded)
    # duties repeat only within a problem: worked out once per compiled problem
    by_problem = ItemMemo(loaded, "repeated duties", ())
    for compiled_problem in compiled.problems.values():
        yield from by_problem.findings(
            compiled_problem, partial(_repeated_duties, compiled, compiled_problem)
        )
    # rules repeat across problems: worked out again only when some rule changed
    every_rule = ItemMemo(loaded, "repeated rules", tuple(compiled.rules))
    yield from every_rule.findings(ALL_RULES, partial(_repeated_rules, compiled))


ALL_RULES = "all rules"  # what the rules' findings are remembered under


def _repeated_rules(compiled: Compiled) -> Iterator[Finding]:
    first_rule: dict[tuple[Any, ...], Rule] = {}
    for compiled_rule in compiled.rules:
        rule = compiled_rule.rule
        if compiled_rule.box.is_empty() or not compiled_rule.problems:
            continue
        escalate = tuple((e.after_minutes, e.after_working_days, e.to) for e in rule.escalate or ())
        says = (rule.whistle, rule.respond_within_minutes, rule.respond_within_working_days,
                escalate)  # fmt: skip
        rule_key = (compiled_rule.problems, compiled.canonical(compiled_rule.box), says)
        earlier_rule = first_rule.setdefault(rule_key, rule)
        if earlier_rule is not rule:
            yield _repeat("rule", rule, earlier_rule)


def _repeated_duties(compiled: Compiled, compiled_problem: CompiledProblem) -> Iterator[Finding]:
    first_duty: dict[tuple[Any, ...], Duty] = {}
    for compiled_duty in compiled_problem.duties:
        duty = compiled_duty.duty
        if compiled_duty.box.is_empty():
            continue  # a duty that can never apply is a dead rule, not a repeat
        key = (duty.lead, compiled.canonical(compiled_duty.box))
        earlier = first_duty.setdefault(key, duty)
        if earlier is not duty:
            yield _repeat("duty", duty, earlier)


def _repeat(what: str, item: Duty | Rule, earlier: Duty | Rule) -> Finding:
    args = {"what": what, "id": item.id, "other": earlier.id, "where": str(earlier.loc)}
    return finding("DL304", item.loc, "DL304", args, subjects=[earlier.id, item.id])
