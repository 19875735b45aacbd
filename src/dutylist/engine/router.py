"""Routing shared by every engine: full cases, left-out attributes, the answer.

An engine supplies only `match`: which of a problem's duties and rules match a case.
Everything else — precedence, the `undetermined` judgement, the answer — is here, so
two engines that match alike answer alike.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from dutylist.engine.answer import Answer, DecidedBy, Outcome, Verdict
from dutylist.semantics.cells import CellSpace, cell_space
from dutylist.semantics.compiled import Compiled, CompiledProblem
from dutylist.semantics.precedence import DutyDecision, RuleDecision, decide_duties, decide_rules

Values = Mapping[str, Any]
NO_VALUES: Mapping[str, Any] = {}


class Router(ABC):
    name = "base"

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        self.catalog = compiled.catalog

    # -- what an engine provides --------------------------------------------------
    @abstractmethod
    def match(
        self, compiled_problem: CompiledProblem, place: str, values: Values
    ) -> tuple[list[int], list[int]]:
        """Indices into its duties and rules of those that match the case."""

    # -- routing ------------------------------------------------------------------
    def route(self, problem: str, place: str | None = None, values: Values | None = None) -> Answer:
        """The answer to one case given by ids and typed values. Anything the catalogue
        does not have, or a value of the wrong type, is a `CaseError` (DL601–DL606)."""
        space = cell_space(self.compiled, problem)
        place = self.catalog.root if place is None else place
        given = NO_VALUES if values is None else values
        if space.locate(place, given) is not None:
            return self._full(space, place, given)
        return self._partial(space, place, given)

    def _full(self, space: CellSpace, place: str, values: Values) -> Answer:
        compiled_problem = space.compiled_problem
        duty_idx, rule_idx = self.match(compiled_problem, place, values)
        decision = decide_duties(compiled_problem, duty_idx)
        verdict = build_verdict(
            self.compiled, compiled_problem, decision.status, decision.lead, [decision], rule_idx
        )
        return Answer(verdict, place, self.blower(verdict.whistle, place))

    def _partial(self, space: CellSpace, place: str, given: Values) -> Answer:
        verdict = self.judge_partial(space, place, given)
        return Answer(verdict, place, self.blower(verdict.whistle, place))

    def judge_partial(self, space: CellSpace, place: str, given: Values) -> Verdict:
        """A case that leaves attributes out, judged over one completion per class of each:
        routed (or gap, overlap) when every completion agrees on status and lead, else
        undetermined with the first attribute whose value decides."""
        compiled_problem = space.compiled_problem
        completions: list[tuple[dict[str, Any], DutyDecision]] = []
        for values in space.completions(given):
            duty_idx, _ = self.match(compiled_problem, place, values)
            completions.append((values, decide_duties(compiled_problem, duty_idx)))
        outcomes = {Outcome(d.status, d.lead) for _, d in completions}
        _, rule_idx = self.match(compiled_problem, place, given)
        decisions = [d for _, d in completions]
        if len(outcomes) == 1:
            only = next(iter(outcomes))
            return build_verdict(
                self.compiled, compiled_problem, only.status, only.lead, decisions, rule_idx
            )
        decided = _decided_by(space, given, completions)
        return build_verdict(
            self.compiled, compiled_problem, "undetermined", None, decisions, rule_idx, decided
        )

    def blower(self, whistle_id: str | None, place: str) -> str | None:
        """Who blows the whistle for a case at `place`: a fixed unit, or the place itself
        or its nearest ancestor of the blower's kind (None where there is none)."""
        whistle = self.catalog.whistles.get(whistle_id) if whistle_id else None
        if whistle is None:
            return None
        if whistle.blower in self.catalog.units:
            return whistle.blower
        return self.compiled.nearest_of_kind.get((place, whistle.blower))


def build_verdict(
    compiled: Compiled,
    compiled_problem: CompiledProblem,
    status: str,
    lead: str | None,
    decisions: Sequence[DutyDecision],
    rules: RuleDecision | Sequence[int],
    decided_by: DecidedBy | None = None,
) -> Verdict:
    """What every case of a cell gets: the duties' decision(s) and the rules' fields
    (`rules`: the rules' decision, or the matching rules to decide it from)."""
    applicable = sorted({i for decision in decisions for i in decision.applicable})
    duties = [compiled_problem.duties[i].duty for i in applicable]
    if not isinstance(rules, RuleDecision):
        rules = decide_rules(compiled_problem, rules)
    # PRODUCT.md: the union of the applicable duties' support and every matching rule's
    # also_report, without the lead — whatever the status (an overlap's competing duties
    # bring their support; a gap has only the rules')
    support = [u for d in duties for u in d.support] + list(rules.also_report)
    respond, respond_days = rules.fields["respond_within"] or (None, None)
    if rules.fields["respond_within"] is None and "respond_within" not in rules.conflicts:
        respond = compiled.catalog.default_respond_minutes
        respond_days = compiled.catalog.default_respond_working_days
    conflicts = {
        name: tuple(compiled_problem.rules[i].rule.id for i in indices)
        for name, indices in rules.conflicts.items()
    }
    return Verdict(
        status=status if status != "routed" or not conflicts else "overlap",
        problem=compiled_problem.problem.id,
        lead=lead,
        whistle=rules.fields["whistle"],
        support=tuple(dict.fromkeys(u for u in support if u != lead)),
        respond_within_minutes=respond,
        respond_within_working_days=respond_days,
        escalate=tuple(rules.fields["escalate"] or ()),
        basis=tuple(dict.fromkeys(d.basis for d in duties if d.basis)),
        duties=tuple(d.id for d in duties),
        rules=tuple(compiled_problem.rules[i].rule.id for i in rules.matching),
        decided_by=decided_by,
        conflicts=conflicts,
    )


def _decided_by(
    space: CellSpace, given: Values, completions: list[tuple[dict[str, Any], DutyDecision]]
) -> DecidedBy:
    """The first left-out attribute (in the problem's order) whose value changes the answer."""
    missing = [axis.name for axis in space.axes if axis.name not in given]
    reps = {axis.name: axis.representatives for axis in space.axes}
    for name in missing:
        groups: dict[tuple[Any, ...], set[Outcome]] = {}
        for values, decision in completions:
            rest = tuple(values[m] for m in missing if m != name)
            groups.setdefault(rest, set()).add(Outcome(decision.status, decision.lead))
        if any(len(outcomes) > 1 for outcomes in groups.values()):
            return DecidedBy(name, _options(name, completions, reps[name]))
    raise AssertionError("an undetermined case has a deciding attribute")


def _options(
    name: str, completions: list[tuple[dict[str, Any], DutyDecision]], reps: list[Any]
) -> tuple[tuple[str, Outcome], ...]:
    by_value: dict[Any, set[Outcome]] = {}
    for values, decision in completions:
        by_value.setdefault(values[name], set()).add(Outcome(decision.status, decision.lead))
    outcome_of = {
        value: next(iter(found)) if len(found) == 1 else Outcome("undetermined", None)
        for value, found in by_value.items()
    }
    if reps and isinstance(reps[0], float):
        return _number_options(reps, outcome_of)
    return tuple((_label(v), outcome_of[v]) for v in reps)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number_options(
    reps: list[float], outcome_of: Mapping[Any, Outcome]
) -> tuple[tuple[str, Outcome], ...]:
    """Merge neighbouring classes with the same outcome and label each stretch ('<500')."""
    # reps alternate: open stretch, threshold point, open stretch, ... open stretch
    ends = reps[1::2]
    pieces: list[tuple[float, bool, float, bool, Outcome]] = []
    for index, value in enumerate(reps):
        if index % 2:  # a threshold point
            piece = (value, True, value, True, outcome_of[value])
        else:
            low = ends[index // 2 - 1] if index else -math.inf
            high = ends[index // 2] if index // 2 < len(ends) else math.inf
            piece = (low, False, high, False, outcome_of[value])
        if pieces and pieces[-1][4] == piece[4]:
            first = pieces.pop()
            piece = (first[0], first[1], piece[2], piece[3], piece[4])
        pieces.append(piece)
    return tuple(
        (_range_label(lo, lo_c, hi, hi_c), outcome) for lo, lo_c, hi, hi_c, outcome in pieces
    )


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _range_label(lo: float, lo_closed: bool, hi: float, hi_closed: bool) -> str:
    if lo == hi:
        return f"={_number(lo)}"
    parts = []
    if lo != -math.inf:
        parts.append(f"{'>=' if lo_closed else '>'}{_number(lo)}")
    if hi != math.inf:
        parts.append(f"{'<=' if hi_closed else '<'}{_number(hi)}")
    return ",".join(parts) or "*"
