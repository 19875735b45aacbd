"""Loops of escalation (推诿): a chain that comes back to a unit already in it."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.checks.context import sweep_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL402",)


def check(loaded: Loaded) -> Iterator[Finding]:
    catalog = loaded.catalog
    assert catalog is not None
    for rule in catalog.rules:
        targets = [step.to for step in rule.escalate or ()]
        repeated = sorted({t for t in targets if targets.count(t) > 1})
        if repeated:
            path = " → ".join(targets)
            yield finding(
                "DL402",
                rule.at("escalate"),
                "DL402.rule",
                {"rule": rule.id, "path": path},
                [rule.id, *repeated],
            )
    for result in sweep_of(loaded).problems.values():
        for chain, (deciders, case) in result.escalation_loops.items():
            rules = [result.compiled_problem.rules[i].rule for i in deciders]
            if any(len({s.to for s in r.escalate or ()}) < len(r.escalate or ()) for r in rules):
                continue  # already reported at the rule itself
            where = rules[0].at("escalate") if rules else result.compiled_problem.problem.loc
            yield finding(
                "DL402",
                where,
                "DL402.lead",
                {
                    "lead": chain[0],
                    "path": " → ".join(chain),
                    "problem": result.compiled_problem.problem.id,
                },
                [*(r.id for r in rules), chain[0]],
                case,
            )
