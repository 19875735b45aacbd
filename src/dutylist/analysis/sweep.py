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

from dutylist.analysis.cells import Cells, admits_place, admits_value, cells_of, witness
from dutylist.conditions import Box
from dutylist.engine.compiled import Compiled, ProblemPlan
from dutylist.engine.precedence import RULE_FIELDS, decide_duties, most_specific

Witness = dict[str, Any]


@dataclass
class ProblemSweep:
    plan: ProblemPlan
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


def _masks(boxes: list[Box], cells: Cells) -> tuple[list[int], list[list[int]]]:
    """Per place class and per attribute class, the bitmask of boxes admitting it."""
    place_masks = [
        sum(1 << i for i, box in enumerate(boxes) if admits_place(box, pc)) for pc in cells.places
    ]
    value_masks = [
        [sum(1 << i for i, box in enumerate(boxes) if admits_value(box, name, v)) for v in reps]
        for name, reps in zip(cells.attributes, cells.values, strict=True)
    ]
    return place_masks, value_masks


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
    """Decisions per distinct matching set, remembered."""

    def __init__(self, plan: ProblemPlan) -> None:
        self.plan = plan
        self.position = {id(d): i for i, d in enumerate(plan.duties)}
        self.duties: dict[int, tuple[Any, tuple[int, ...]]] = {}
        self.rules: dict[int, tuple[dict[str, Any], dict[str, tuple[int, ...]], set[int]]] = {}

    def duty(self, mask: int) -> tuple[Any, tuple[int, ...]]:
        """The decision for a matching set, and the plan indices of its applicable duties."""
        if mask not in self.duties:
            decision = decide_duties(self.plan, _bits(mask))
            indices = tuple(sorted(self.position[id(d)] for d in decision.applicable))
            self.duties[mask] = (decision, indices)
        return self.duties[mask]

    def rule(self, mask: int) -> tuple[dict[str, Any], dict[str, tuple[int, ...]], set[int]]:
        if mask not in self.rules:
            self.rules[mask] = self._decide_rules(_bits(mask))
        return self.rules[mask]

    def _decide_rules(
        self, matching: list[int]
    ) -> tuple[dict[str, Any], dict[str, tuple[int, ...]], set[int]]:
        rules = self.plan.rules
        fields: dict[str, Any] = {}
        conflicts: dict[str, tuple[int, ...]] = {}
        effective = {i for i in matching if rules[i].rule.also_report}
        for name, read in RULE_FIELDS.items():
            setting = [i for i in matching if read(rules[i].rule) is not None]
            deciding = most_specific(setting, self.plan.rule_inside)
            effective |= set(deciding)
            values = {read(rules[i].rule) for i in deciding}
            fields[name] = next(iter(values)) if len(values) == 1 else None
            fields[f"{name}_by"] = tuple(deciding)
            if len(values) > 1:
                conflicts[name] = tuple(deciding)
        return fields, conflicts, effective


def sweep_problem(compiled: Compiled, plan: ProblemPlan) -> ProblemSweep:
    cells = cells_of(compiled, plan)
    result = ProblemSweep(plan)
    duty_places, duty_values = _masks([d.box for d in plan.duties], cells)
    rule_places, rule_values = _masks([r.box for r in plan.rules], cells)
    recorder = _Recorder(result, cells, _Decider(plan))
    dims = [_grouped(duty_values[dim], rule_values[dim]) for dim in range(len(cells.values))]
    for place_index, place_class in enumerate(cells.places):
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
            recorder.cell(
                place_index, place_class.witness, place_class.chain, combo, duty_mask, rule_mask
            )
    return result


@dataclass(frozen=True, slots=True)
class _Group:
    """Classes of one attribute that every duty and rule treats alike."""

    duty_mask: int
    rule_mask: int
    first: int  # the class whose value stands for the group in a witness
    size: int


def _grouped(duty_masks: list[int], rule_masks: list[int]) -> list[_Group]:
    groups: dict[tuple[int, int], list[int]] = {}
    for choice, masks in enumerate(zip(duty_masks, rule_masks, strict=True)):
        groups.setdefault(masks, []).append(choice)
    return [_Group(d, r, choices[0], len(choices)) for (d, r), choices in groups.items()]


class _Recorder:
    """Records each finding at the first cell that shows it.

    Duty findings depend on the matching duties only, rule findings on the matching
    rules only, and whistle placement on the rules and the place class; so each is
    worked out once per distinct key, and the witness case is built only then.
    """

    def __init__(self, result: ProblemSweep, cells: Cells, decider: _Decider) -> None:
        self.result = result
        self.cells = cells
        self.decider = decider
        self.duty_masks: set[int] = set()
        self.rule_masks: set[int] = set()
        self.placed: set[tuple[int, int]] = set()
        self.chains: set[tuple[str | None, int]] = set()

    def cell(
        self,
        place_index: int,
        place: str,
        chain: frozenset[str],
        combo: tuple[int, ...],
        duty_mask: int,
        rule_mask: int,
    ) -> None:
        def case() -> Witness:
            values = {
                name: self.cells.values[dim][choice]
                for dim, (name, choice) in enumerate(zip(self.cells.attributes, combo, strict=True))
            }
            return witness(self.cells.plan.problem.id, place, self.cells.attributes, values)

        if duty_mask not in self.duty_masks:
            self.duty_masks.add(duty_mask)
            self._duties(duty_mask, case)
        if rule_mask not in self.rule_masks:
            self.rule_masks.add(rule_mask)
            self._rules(rule_mask, case)
        if (rule_mask, place_index) not in self.placed:
            self.placed.add((rule_mask, place_index))
            whistle = self.decider.rule(rule_mask)[0]["whistle"]
            if whistle is not None:
                self.result.whistle_places.setdefault(whistle, {}).setdefault(chain, case())
        lead = self.decider.duty(duty_mask)[0].lead
        if (lead, rule_mask) not in self.chains:
            self.chains.add((lead, rule_mask))
            self._escalation(lead, rule_mask, case)

    def _duties(self, duty_mask: int, case: Callable[[], Witness]) -> None:
        result = self.result
        decision, indices = self.decider.duty(duty_mask)
        result.matched.update(_bits(duty_mask))
        result.applicable.update(indices)
        if decision.status == "gap" and result.gap is None:
            result.gap = case()
        elif decision.status == "overlap" and indices not in result.overlaps:
            result.overlaps[indices] = case()

    def _rules(self, rule_mask: int, case: Callable[[], Witness]) -> None:
        result = self.result
        fields, conflicts, effective = self.decider.rule(rule_mask)
        result.rules_matched.update(_bits(rule_mask))
        result.rules_effective |= effective
        for name, deciding in conflicts.items():
            result.rule_conflicts.setdefault((name, deciding), case())
        if fields["whistle"] is None and "whistle" not in conflicts and result.whistle_gap is None:
            result.whistle_gap = case()

    def _escalation(self, lead: str | None, rule_mask: int, case: Callable[[], Witness]) -> None:
        fields = self.decider.rule(rule_mask)[0]
        if lead is None or not fields["escalate"]:
            return
        chain_units = [lead, *(step.to for step in fields["escalate"])]
        if len(set(chain_units)) < len(chain_units):
            self.result.escalation_loops.setdefault(
                tuple(chain_units), (fields["escalate_by"], case())
            )


@dataclass
class Sweep:
    problems: dict[str, ProblemSweep]

    def cells(self) -> int:
        return sum(p.cells for p in self.problems.values())


def sweep(compiled: Compiled) -> Sweep:
    return Sweep({pid: sweep_problem(compiled, plan) for pid, plan in compiled.plans.items()})
