"""Overlaps (职责交叉): a case whose applicable duties name two or more leads, or whose
most specific rules disagree on a field. Each finding carries a witness case."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from dutylist.analysis.sweep import ProblemSweep
from dutylist.checks.context import ItemMemo, sweep_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL301", "DL309")


def check(loaded: Loaded) -> Iterator[Finding]:
    by_problem = ItemMemo(loaded, "overlaps", ())  # each problem's, from its sweep
    for result in sweep_of(loaded).problems.values():
        yield from by_problem.findings(result, partial(_overlaps, result))


def _overlaps(result: ProblemSweep) -> Iterator[Finding]:
    compiled_problem = result.compiled_problem
    for indices, case in result.overlaps.items():
        duties = [compiled_problem.duties[i].duty for i in indices]
        last = max(duties, key=lambda d: (d.loc.file, d.loc.line))
        leads = ", ".join(f"{d.id} → {d.lead}" for d in duties)
        yield finding(
            "DL301",
            last.at("lead"),
            args={"problem": compiled_problem.problem.id, "leads": leads},
            subjects=[d.id for d in duties],
            witness=case,
        )
    for (field, indices), case in result.rule_conflicts.items():
        rules = [compiled_problem.rules[i].rule for i in indices]
        last_rule = max(rules, key=lambda r: (r.loc.file, r.loc.line))
        yield finding(
            "DL309",
            last_rule.loc,
            args={
                "field": field,
                "rules": [r.id for r in rules],
                "problem": compiled_problem.problem.id,
            },
            subjects=[r.id for r in rules],
            witness=case,
        )
