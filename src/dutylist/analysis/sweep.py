"""One pass over every cell of every problem, recording what the checks report.

For speed, each dimension class carries a bitmask of the duties (and rules) that admit
it; a cell's matching set is the AND of its classes' masks, and each distinct matching
set is decided once. Nothing is compared across problems.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dutylist.semantics.cells import CellSpace, cell_space, group_classes
from dutylist.semantics.compiled import Compiled, CompiledProblem
from dutylist.semantics.precedence import DutyDecision, RuleDecision, decide_duties, decide_rules

Witness = dict[str, Any]


@dataclass
class ProblemSweep:
    compiled_problem: CompiledProblem
    overlaps: dict[tuple[int, ...], Witness] = field(default_factory=dict)  # duty indices
    gap: Witness | None = None
    gap_cells: int = 0
    whistle_gap: Witness | None = None
    rule_conflicts: dict[tuple[str, tuple[int, ...]], Witness] = field(default_factory=dict)
    applicable: set[int] = field(default_factory=set)  # duties that decide somewhere
    matched: set[int] = field(default_factory=set)  # duties that match somewhere
    rules_matched: set[int] = field(default_factory=set)
    rules_effective: set[int] = field(default_factory=set)
    whistle_places: dict[str, dict[frozenset[str], Witness]] = field(default_factory=dict)
    escalation_loops: dict[tuple[str, ...], tuple[tuple[int, ...], Witness]] = field(
        default_factory=dict
    )
    cells: int = 0


def _bits(mask: int) -> list[int]:
    out = []
    index = 0
    while mask:
        if mask & 1:
            out.append(index)
        mask >>= 1
        index += 1
    return out


class _Decider:
    """The precedence decision per distinct matching set, remembered."""

    def __init__(self, compiled_problem: CompiledProblem) -> None:
        self.compiled_problem = compiled_problem
        self.duties: dict[int, DutyDecision] = {}
        self.rules: dict[int, RuleDecision] = {}

    def duty(self, mask: int) -> DutyDecision:
        decision = self.duties.get(mask)
        if decision is None:
            decision = decide_duties(self.compiled_problem, _bits(mask))
            self.duties[mask] = decision
        return decision

    def rule(self, mask: int) -> RuleDecision:
        decision = self.rules.get(mask)
        if decision is None:
            decision = decide_rules(self.compiled_problem, _bits(mask))
            self.rules[mask] = decision
        return decision


def sweep_problem(compiled: Compiled, compiled_problem: CompiledProblem) -> ProblemSweep:
    space = cell_space(compiled, compiled_problem.problem.id)
    result = ProblemSweep(compiled_problem)
    duty_places, rule_places = space.place_masks()
    duty_values, rule_values = space.value_masks()
    recorder = _Recorder(result, space, _Decider(compiled_problem))
    dims = [_grouped(duty_values[dim], rule_values[dim]) for dim in range(len(space.axes))]
    for place_index, place_class in enumerate(space.places):
        for groups in itertools.product(*dims):
            duty_mask = duty_places[place_index]
            rule_mask = rule_places[place_index]
            size = 1
            for group in groups:
                duty_mask &= group.duty_mask
                rule_mask &= group.rule_mask
                size *= group.size
            result.cells += size
            if not duty_mask:
                result.gap_cells += size
            combo = tuple(group.first for group in groups)
            recorder.cell(place_index, place_class.chain, combo, duty_mask, rule_mask)
    return result


def _grouped(duty_masks: list[int], rule_masks: list[int]) -> list[_Group]:
    groups = group_classes(list(zip(duty_masks, rule_masks, strict=True)))
    return [_Group(*_masks(group.key), group.first, group.size) for group in groups]


def _masks(key: Any) -> tuple[int, int]:
    duty_mask, rule_mask = key
    return duty_mask, rule_mask


@dataclass(frozen=True, slots=True)
class _Group:
    duty_mask: int
    rule_mask: int
    first: int  # the class whose value stands for the group in a witness
    size: int


class _Recorder:
    """Records each finding at the first cell that shows it.

    Duty findings depend on the matching duties only, rule findings on the matching
    rules only, and whistle placement on the rules and the place class; so each is
    worked out once per distinct key, and the witness case is built only then.
    """

    def __init__(self, result: ProblemSweep, space: CellSpace, decider: _Decider) -> None:
        self.result = result
        self.space = space
        self.decider = decider
        self.duty_masks: set[int] = set()
        self.rule_masks: set[int] = set()
        self.placed: set[tuple[int, int]] = set()
        self.chains: set[tuple[str | None, int]] = set()

    def cell(
        self,
        place_index: int,
        chain: frozenset[str],
        combo: tuple[int, ...],
        duty_mask: int,
        rule_mask: int,
    ) -> None:
        def case() -> Witness:
            return self.space.witness(place_index, combo)

        if duty_mask not in self.duty_masks:
            self.duty_masks.add(duty_mask)
            self._duties(duty_mask, case)
        if rule_mask not in self.rule_masks:
            self.rule_masks.add(rule_mask)
            self._rules(rule_mask, case)
        if (rule_mask, place_index) not in self.placed:
            self.placed.add((rule_mask, place_index))
            whistle = self.decider.rule(rule_mask).fields["whistle"]
            if whistle is not None:
                self.result.whistle_places.setdefault(whistle, {}).setdefault(chain, case())
        lead = self.decider.duty(duty_mask).lead
        if (lead, rule_mask) not in self.chains:
            self.chains.add((lead, rule_mask))
            self._escalation(lead, rule_mask, case)

    def _duties(self, duty_mask: int, case: Callable[[], Witness]) -> None:
        result = self.result
        decision = self.decider.duty(duty_mask)
        result.matched.update(_bits(duty_mask))
        result.applicable.update(decision.applicable)
        if decision.status == "gap" and result.gap is None:
            result.gap = case()
        elif decision.status == "overlap" and decision.applicable not in result.overlaps:
            result.overlaps[decision.applicable] = case()

    def _rules(self, rule_mask: int, case: Callable[[], Witness]) -> None:
        result = self.result
        decision = self.decider.rule(rule_mask)
        result.rules_matched.update(decision.matching)
        result.rules_effective |= decision.effective(self.space.compiled_problem)
        for name, deciding in decision.conflicts.items():
            result.rule_conflicts.setdefault((name, deciding), case())
        if (
            decision.fields["whistle"] is None
            and "whistle" not in decision.conflicts
            and result.whistle_gap is None
        ):
            result.whistle_gap = case()

    def _escalation(self, lead: str | None, rule_mask: int, case: Callable[[], Witness]) -> None:
        decision = self.decider.rule(rule_mask)
        steps = decision.fields["escalate"]
        if lead is None or not steps:
            return
        chain_units = [lead, *(step.to for step in steps)]
        if len(set(chain_units)) < len(chain_units):
            self.result.escalation_loops.setdefault(
                tuple(chain_units), (decision.deciding["escalate"], case())
            )


@dataclass
class Sweep:
    problems: dict[str, ProblemSweep]

    def cells(self) -> int:
        return sum(p.cells for p in self.problems.values())


def sweep(compiled: Compiled, earlier: Sweep | None = None) -> Sweep:
    """Every problem swept; `earlier`: the sweep of an earlier compilation whose result
    for a problem is kept when the problem's compilation was reused (`Compiled`)."""
    before = earlier.problems if earlier is not None else {}
    return Sweep(
        {
            pid: _kept(before.get(pid), compiled_problem)
            or sweep_problem(compiled, compiled_problem)
            for pid, compiled_problem in compiled.problems.items()
        }
    )


def _kept(before: ProblemSweep | None, compiled_problem: CompiledProblem) -> ProblemSweep | None:
    return before if before is not None and before.compiled_problem is compiled_problem else None
