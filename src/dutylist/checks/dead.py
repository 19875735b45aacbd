"""Dead duties and rules: those that can never apply, or are overridden wherever they match."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.checks.context import compiled_of, sweep_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL305",)


def check(loaded: Loaded) -> Iterator[Finding]:
    compiled = compiled_of(loaded)
    sweeps = sweep_of(loaded).problems
    for problem, result in sweeps.items():
        for index, compiled_duty in enumerate(result.compiled_problem.duties):
            duty = compiled_duty.duty
            if index not in result.matched:
                yield finding(
                    "DL305",
                    duty.loc,
                    "DL305.never",
                    {"what": "duty", "id": duty.id},
                    [duty.id, problem],
                )
            elif index not in result.applicable:
                yield finding(
                    "DL305",
                    duty.loc,
                    "DL305.overridden",
                    {"what": "duty", "id": duty.id},
                    [duty.id, problem],
                )
    matched: set[int] = set()
    effective: set[int] = set()
    for result in sweeps.values():
        matched |= {result.compiled_problem.rules[i].order for i in result.rules_matched}
        effective |= {result.compiled_problem.rules[i].order for i in result.rules_effective}
    for compiled_rule in compiled.rules:
        rule = compiled_rule.rule
        does_something = (
            rule.whistle
            or rule.respond_within_minutes
            or rule.respond_within_working_days
            or rule.escalate
            or rule.also_report
        )
        if compiled_rule.order not in matched:
            yield finding(
                "DL305", rule.loc, "DL305.never", {"what": "rule", "id": rule.id}, [rule.id]
            )
        elif not does_something:
            yield finding("DL305", rule.loc, "DL305.noop", {"id": rule.id}, [rule.id])
        elif compiled_rule.order not in effective:
            yield finding(
                "DL305", rule.loc, "DL305.overridden", {"what": "rule", "id": rule.id}, [rule.id]
            )
