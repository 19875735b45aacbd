"""Routing shared by every engine: full cases, left-out attributes, the answer.

An engine supplies only `match`: which of a problem's duties and rules match a case.
Everything else — precedence, the `undetermined` judgement, the answer — is here, so
two engines that match alike answer alike.
"""

from __future__ import annotations

import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from dutylist.conditions import NumberSet
from dutylist.engine.answer import Answer, DecidedBy, Outcome, Verdict
from dutylist.engine.compiled import Compiled, ProblemPlan
from dutylist.engine.precedence import DutyDecision, decide_duties, decide_rules

Values = Mapping[str, Any]


class UnknownCase(Exception):
    """The case names a problem or place the catalogue does not have."""


class Router(ABC):
    name = "base"

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        self.catalog = compiled.catalog
        self._representatives: dict[str, dict[str, list[Any]]] = {}

    # -- what an engine provides --------------------------------------------------
    @abstractmethod
    def match(self, plan: ProblemPlan, place: str, values: Values) -> tuple[list[int], list[int]]:
        """Indices into plan.duties and plan.rules of those that match the case."""

    # -- routing ------------------------------------------------------------------
    def route(self, problem: str, place: str | None = None, values: Values | None = None) -> Answer:
        plan = self.compiled.plans.get(problem)
        place = self.catalog.root if place is None else place
        if plan is None:
            raise UnknownCase(f"unknown problem {problem}")
        if place not in self.compiled.tree.lineage:
            raise UnknownCase(f"unknown place {place}")
        given = dict(values or {})
        missing = [a for a in plan.problem.attributes if a not in given]
        if not missing:
            return self._full(plan, place, given)
        return self._partial(plan, place, given, missing)

    def _full(self, plan: ProblemPlan, place: str, values: Values) -> Answer:
        duty_idx, rule_idx = self.match(plan, place, values)
        decision = decide_duties(plan, duty_idx)
        return self._answer(
            plan, place, values, decision.status, decision.lead, [decision], rule_idx
        )

    def _partial(self, plan: ProblemPlan, place: str, given: Values, missing: list[str]) -> Answer:
        reps = self.representatives(plan)
        completions: list[tuple[dict[str, Any], DutyDecision]] = []
        for combo in itertools.product(*(reps[a] for a in missing)):
            values = {**given, **dict(zip(missing, combo, strict=True))}
            duty_idx, _ = self.match(plan, place, values)
            completions.append((values, decide_duties(plan, duty_idx)))
        outcomes = {Outcome(d.status, d.lead) for _, d in completions}
        _, rule_idx = self.match(plan, place, given)
        decisions = [d for _, d in completions]
        if len(outcomes) == 1:
            only = next(iter(outcomes))
            return self._answer(plan, place, given, only.status, only.lead, decisions, rule_idx)
        decided = _decided_by(plan, missing, completions, reps)
        return self._answer(plan, place, given, "undetermined", None, decisions, rule_idx, decided)

    def _answer(
        self,
        plan: ProblemPlan,
        place: str,
        values: Values,
        status: str,
        lead: str | None,
        decisions: Sequence[DutyDecision],
        rule_idx: list[int],
        decided_by: DecidedBy | None = None,
    ) -> Answer:
        applicable = sorted({d.order: d for dec in decisions for d in dec.applicable}.items())
        duties = [d for _, d in applicable]
        rules = decide_rules(plan, rule_idx)
        support = [u for d in duties for u in d.duty.support] + list(rules.also_report)
        if status != "routed":
            support = list(rules.also_report)
        whistle = rules.fields["whistle"]
        respond = rules.fields["respond_within"]
        if respond is None and "respond_within" not in rules.conflicts:
            respond = self.catalog.default_respond_minutes
        verdict = Verdict(
            status=status if status != "routed" or not rules.conflicts else "overlap",
            problem=plan.problem.id,
            lead=lead,
            whistle=whistle,
            support=tuple(dict.fromkeys(u for u in support if u != lead)),
            respond_within_minutes=respond,
            escalate=tuple(rules.fields["escalate"] or ()),
            basis=tuple(dict.fromkeys(d.duty.basis for d in duties if d.duty.basis)),
            duties=tuple(d.duty.id for d in duties),
            rules=tuple(r.rule.id for r in rules.matching),
            decided_by=decided_by,
            conflicts=rules.conflicts,
        )
        return Answer(verdict, place, self._blower(whistle, place))

    def _blower(self, whistle_id: str | None, place: str) -> str | None:
        whistle = self.catalog.whistles.get(whistle_id) if whistle_id else None
        if whistle is None:
            return None
        if whistle.blower in self.catalog.units:
            return whistle.blower
        return self.compiled.nearest_of_kind.get((place, whistle.blower))

    # -- the values worth trying for a left-out attribute ---------------------------
    def representatives(self, plan: ProblemPlan) -> dict[str, list[Any]]:
        """One value per class of each attribute: the classes the duties distinguish."""
        cached = self._representatives.get(plan.problem.id)
        if cached is not None:
            return cached
        reps: dict[str, list[Any]] = {}
        for name in plan.problem.attributes:
            attribute = self.catalog.attributes.get(name)
            if attribute is None:
                reps[name] = []
            elif attribute.type == "number":
                reps[name] = number_representatives(thresholds(plan, name))
            elif attribute.type == "boolean":
                reps[name] = [True, False]
            else:
                reps[name] = list(attribute.values)
        self._representatives[plan.problem.id] = reps
        return reps


def thresholds(plan: ProblemPlan, attribute: str) -> list[float]:
    """Every finite end of an interval that a duty or rule of the plan sets on `attribute`."""
    ends: set[float] = set()
    for box in [d.box for d in plan.duties] + [r.box for r in plan.rules]:
        admitted = box.values.get(attribute)
        if isinstance(admitted, NumberSet):
            ends |= admitted.thresholds()
    return sorted(ends)


def number_representatives(ends: Sequence[float]) -> list[float]:
    """A value below, at, between and above the thresholds: one per class."""
    if not ends:
        return [0.0]
    reps: list[float] = [ends[0] - 1]
    for low, high in itertools.pairwise(ends):
        reps += [low, (low + high) / 2]
    reps += [ends[-1], ends[-1] + 1]
    return reps


def _decided_by(
    plan: ProblemPlan,
    missing: list[str],
    completions: list[tuple[dict[str, Any], DutyDecision]],
    reps: Mapping[str, list[Any]],
) -> DecidedBy:
    """The first left-out attribute (in the problem's order) whose value changes the answer."""
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
