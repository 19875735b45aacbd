"""A catalogue compiled for routing and analysis: each duty's and rule's matching set,
which problems a rule can match at all, and which items are strictly inside which (the
precedence order)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from dutylist.model import Catalog, Condition, Duty, Problem, Rule
from dutylist.semantics.conditions import Box, PlaceSet, PlaceTree, ValueSet, domain, value_set

RULE_KEYS = ("problem", "category")


@dataclass(frozen=True, slots=True)
class CompiledDuty:
    duty: Duty
    box: Box
    order: int  # position in the responsibility list, for stable output


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    problems: frozenset[str]  # the problems it can match at all
    box: Box
    order: int


@dataclass
class CompiledProblem:
    """Everything that can decide a case of one problem."""

    problem: Problem
    duties: list[CompiledDuty] = field(default_factory=list)
    rules: list[CompiledRule] = field(default_factory=list)
    duty_inside: set[tuple[int, int]] = field(default_factory=set)  # (i, j): duty i ⊊ duty j
    rule_inside: set[tuple[int, int]] = field(default_factory=set)  # over `rules`

    def duty_boxes(self) -> list[Box]:
        return [d.box for d in self.duties]

    def rule_boxes(self) -> list[Box]:
        return [r.box for r in self.rules]

    def boxes(self) -> list[Box]:
        return self.duty_boxes() + self.rule_boxes()


class CompiledProblems(Mapping[str, CompiledProblem]):
    """Each problem compiled the first time it is asked for: answering one case
    of a city catalogue compiles one problem, not a thousand."""

    def __init__(self, compiled: Compiled) -> None:
        self._compiled = compiled
        self._compiled_problems: dict[str, CompiledProblem] = {}
        self._duties: dict[str, list[tuple[int, Duty]]] = {}
        for order, duty in enumerate(compiled.catalog.duties):
            self._duties.setdefault(duty.problem, []).append((order, duty))

    def __getitem__(self, problem: str) -> CompiledProblem:
        compiled_problem = self._compiled_problems.get(problem)
        if compiled_problem is None:
            compiled_problem = self._reused(problem) or self._build(
                self._compiled.catalog.problems[problem]
            )
            self._compiled_problems[problem] = compiled_problem
        return compiled_problem

    def _reused(self, problem: str) -> CompiledProblem | None:
        """The earlier compilation of the problem, when nothing it is made of changed:
        the problem, its duties (at their places in the list) and the rules that may
        match it (items read again are new objects; unchanged ones compare at once)."""
        earlier = self._compiled.earlier
        if earlier is None:
            return None
        before = earlier.problems._compiled_problems.get(problem)
        if before is None or not same_item(
            before.problem, self._compiled.catalog.problems[problem]
        ):
            return None
        if not _same_placed(
            earlier.problems._duties.get(problem, []), self._duties.get(problem, [])
        ):
            return None
        if not _same_placed(
            earlier.candidate_rules(problem), self._compiled.candidate_rules(problem)
        ):
            return None
        return before

    def __iter__(self) -> Iterator[str]:
        return iter(self._compiled.catalog.problems)

    def __len__(self) -> int:
        return len(self._compiled.catalog.problems)

    def _build(self, problem: Problem) -> CompiledProblem:
        compiled = self._compiled
        compiled_problem = CompiledProblem(problem)
        for order, duty in self._duties.get(problem.id, ()):
            box = compiled.duty_box(duty)
            if box is not None:
                compiled_problem.duties.append(CompiledDuty(duty, box, order))
        compiled_problem.rules = compiled.rules_of(problem.id)
        compiled_problem.duty_inside = compiled.strictly_inside_pairs(
            [d.box for d in compiled_problem.duties]
        )
        compiled_problem.rule_inside = compiled.rules_inside(compiled_problem.rules)
        return compiled_problem


class Compiled:
    """The compiled catalogue. Immutable once built; build a new one after an edit."""

    def __init__(self, catalog: Catalog, earlier: Compiled | None = None) -> None:
        """`earlier`: a compilation of an earlier version of the catalogue whose work
        is reused where nothing it depends on changed (`dutylist lsp` after an edit).
        Reuse needs the same places, attributes and problems; call `forget_earlier`
        once every problem has been compiled."""
        self.catalog = catalog
        self.earlier = earlier if earlier is not None and _same_frame(earlier, catalog) else None
        self.tree: PlaceTree
        self.domains: dict[str, ValueSet]
        if self.earlier is not None:
            self.tree = self.earlier.tree
            self.domains = self.earlier.domains
            if "nearest_of_kind" in vars(self.earlier):  # it rests on the places alone
                vars(self)["nearest_of_kind"] = self.earlier.nearest_of_kind
        else:
            self.tree = PlaceTree(catalog.units)
            self.domains = {
                name: domain(attribute) for name, attribute in catalog.attributes.items()
            }
        # Rules are compiled when a problem they may match is first asked for: `who` on
        # a city catalogue compiles the few rules of one problem, not two thousand. The
        # index says which rules a problem could meet at all (by their `problem` or
        # `category` conditions, or every problem when they name neither).
        self._compiled_rules: dict[int, CompiledRule | None] = {}
        self._rules_of: dict[str, list[CompiledRule]] = {}
        self._rules_naming: dict[str, list[int]] = {}
        self._rules_of_category: dict[str | None, list[int]] = {}
        self._rules_everywhere: list[int] = []
        for order, rule in enumerate(catalog.rules):
            scope = {c.attribute: c for c in rule.when if c.attribute in RULE_KEYS}
            if "problem" in scope:
                for value in scope["problem"].equals or ():
                    self._rules_naming.setdefault(str(value), []).append(order)
            elif "category" in scope:
                for value in scope["category"].equals or ():
                    self._rules_of_category.setdefault(str(value), []).append(order)
            else:
                self._rules_everywhere.append(order)
        # each box's canonical spelling (box → what it matches), and the earlier one's
        self._canonical: dict[int, tuple[Box, tuple[Any, ...]]] = {}
        self._canonical_before = self.earlier._canonical if self.earlier is not None else {}
        self._rule_order: dict[tuple[int, int], bool] = {}
        self._rule_narrowed: dict[int, frozenset[str]] = {}
        self.problems = CompiledProblems(self)
        self.spaces: dict[str, Any] = {}  # problem → its CellSpace (semantics.cells), on first use

    @cached_property
    def rules(self) -> list[CompiledRule]:
        """Every rule that could be compiled, in list order."""
        every = (self._compiled_rule(order) for order in range(len(self.catalog.rules)))
        return [rule for rule in every if rule is not None]

    def rule_candidates(self, problem: str) -> list[int]:
        """The positions of the rules that might match cases of `problem` (by what they
        say of problem and category), without compiling any: a superset of `rules_of`."""
        category = self.catalog.problems[problem].category
        orders = {
            *self._rules_naming.get(problem, ()),
            *self._rules_of_category.get(category, ()),
            *self._rules_everywhere,
        }
        return sorted(orders)

    def candidate_rules(self, problem: str) -> list[tuple[int, Rule]]:
        """The rules that might match cases of `problem`, with their places in the list."""
        return [(order, self.catalog.rules[order]) for order in self.rule_candidates(problem)]

    def forget_earlier(self) -> None:
        """Drop the earlier compilation (what it gave is kept): versions must not chain."""
        self.earlier = None
        self._canonical_before = {}
        for space in self.spaces.values():
            space.compiled = self

    def rules_of(self, problem: str) -> list[CompiledRule]:
        """The rules that can match cases of `problem`, in list order."""
        found = self._rules_of.get(problem)
        if found is None:
            found = [
                rule
                for order in self.rule_candidates(problem)
                if (rule := self._compiled_rule(order)) is not None and problem in rule.problems
            ]
            self._rules_of[problem] = found
        return found

    def _compiled_rule(self, order: int) -> CompiledRule | None:
        if order not in self._compiled_rules:
            rule = self.catalog.rules[order]
            earlier = self.earlier
            if (
                earlier is not None
                and order < len(earlier.catalog.rules)
                and same_item(earlier.catalog.rules[order], rule)
            ):
                self._compiled_rules[order] = earlier._compiled_rule(order)
                return self._compiled_rules[order]
            matched = self.rule_match(rule)
            self._compiled_rules[order] = (
                None if matched is None else CompiledRule(rule, matched[0], matched[1], order)
            )
        return self._compiled_rules[order]

    @property
    def duties(self) -> list[CompiledDuty]:
        """Every duty that could be compiled, in list order (compiles every problem)."""
        every = [d for compiled_problem in self.problems.values() for d in compiled_problem.duties]
        return sorted(every, key=lambda d: d.order)

    # -- matching sets ------------------------------------------------------------
    def box(
        self, conditions: tuple[Condition, ...], allowed: frozenset[str] | None = None
    ) -> Box | None:
        """The box of a `when`, or None if it names something unknown (reported elsewhere)."""
        places: PlaceSet | None = None
        values: dict[str, ValueSet] = {}
        for condition in conditions:
            if condition.attribute in RULE_KEYS:
                continue
            if condition.attribute == "at":
                anchors = [str(v) for v in condition.equals or () if str(v) in self.tree.lineage]
                found = PlaceSet.of(anchors, self.tree)
                places = found if places is None else places.intersect(found, self.tree)
                continue
            attribute = self.catalog.attributes.get(condition.attribute)
            if attribute is None or (allowed is not None and condition.attribute not in allowed):
                return None
            admitted = value_set(condition, attribute)
            values[condition.attribute] = admitted
        return Box(places, values)

    def duty_box(self, duty: Duty) -> Box | None:
        problem = self.catalog.problems.get(duty.problem)
        if problem is None:
            return None
        return self.box(duty.when, frozenset(problem.attributes))

    def rule_match(self, rule: Rule) -> tuple[frozenset[str], Box] | None:
        box = self.box(rule.when)
        if box is None:
            return None
        problems = set(self.catalog.problems)
        for condition in rule.when:
            if condition.attribute == "problem":
                problems &= {str(v) for v in condition.equals or ()}
            elif condition.attribute == "category":
                wanted = {str(v) for v in condition.equals or ()}
                problems = {p for p in problems if self.catalog.problems[p].category in wanted}
        named = set(box.values)
        problems = {p for p in problems if named <= set(self.catalog.problems[p].attributes)}
        return frozenset(problems), box

    def first_failing(
        self,
        when: tuple[Condition, ...],
        problem: Problem,
        place: str,
        values: Mapping[str, Any],
    ) -> tuple[Condition, str] | None:
        """The first condition of a `when` that a case fails, and why: `undeclared` (it
        names an attribute the problem does not have), or `value` (the case's problem,
        category, place or value is not among those admitted, or the case leaves the
        attribute out). None when every condition holds."""
        for condition in when:
            name = condition.attribute
            if name in RULE_KEYS:
                wanted = {str(v) for v in condition.equals or ()}
                actual = problem.id if name == "problem" else problem.category
                if actual not in wanted:
                    return condition, "value"
            elif name != "at" and name not in problem.attributes:
                return condition, "undeclared"
            else:
                box = self.box((condition,))
                if box is None or not box.matches(place, values, self.tree):
                    return condition, "value"
        return None

    def canonical(self, box: Box) -> tuple[Any, ...]:
        """`box.canonical`, remembered: the same box asks again after every edit."""
        known = self._canonical.get(id(box)) or self._canonical_before.get(id(box))
        if known is None or known[0] is not box:
            known = (box, box.canonical(self.tree, self.domains))
        self._canonical[id(box)] = known
        return known[1]

    # -- precedence order ---------------------------------------------------------
    def inside(self, a: Box, b: Box) -> bool:
        return a.issubset(b, self.tree, self.domains)

    def strictly_inside(self, a: Box, b: Box) -> bool:
        return self.inside(a, b) and not self.inside(b, a)

    def strictly_inside_pairs(self, boxes: list[Box]) -> set[tuple[int, int]]:
        narrowed = [(box.narrowed(self.tree, self.domains), box.is_empty()) for box in boxes]
        pairs = set()
        for i, a in enumerate(boxes):
            a_narrowed, a_empty = narrowed[i]
            for j, b in enumerate(boxes):
                if i == j or not (a_empty or narrowed[j][0] <= a_narrowed):
                    continue  # b is narrower than a somewhere: a cannot lie inside b
                if self.strictly_inside(a, b):
                    pairs.add((i, j))
        return pairs

    def rules_inside(self, rules: list[CompiledRule]) -> set[tuple[int, int]]:
        pairs = set()
        for i, a in enumerate(rules):
            for j, b in enumerate(rules):
                if i != j and self.rule_strictly_inside(a, b):
                    pairs.add((i, j))
        return pairs

    def rule_strictly_inside(self, a: CompiledRule, b: CompiledRule) -> bool:
        """Whether rule a's matching set lies strictly inside b's (remembered: a rule
        by category meets the same others again in each of its problems)."""
        key = (a.order, b.order)
        known = self._rule_order.get(key)
        if known is None:
            a_in_b = a.problems <= b.problems and self._may_lie_inside(a, b)
            a_in_b = a_in_b and self.inside(a.box, b.box)
            b_in_a = a_in_b and b.problems <= a.problems and self.inside(b.box, a.box)
            known = a_in_b and not b_in_a
            self._rule_order[key] = known
        return known

    def _may_lie_inside(self, a: CompiledRule, b: CompiledRule) -> bool:
        if a.box.is_empty():
            return True
        return self._narrowed(b) <= self._narrowed(a)

    def _narrowed(self, rule: CompiledRule) -> frozenset[str]:
        found = self._rule_narrowed.get(rule.order)
        if found is None:
            found = self._rule_narrowed[rule.order] = rule.box.narrowed(self.tree, self.domains)
        return found

    @cached_property
    def nearest_of_kind(self) -> Mapping[tuple[str, str], str]:
        """(place, unit kind) → the place itself or its nearest ancestor of that kind."""
        table: dict[tuple[str, str], str] = {}
        units = self.catalog.units
        for place, chain in self.tree.lineage.items():
            for unit_id in chain:
                table.setdefault((place, units[unit_id].kind), unit_id)
        return table


def _same_frame(earlier: Compiled, catalog: Catalog) -> bool:
    """Whether what every problem's compilation rests on is the same in both versions:
    the units (places), the attributes and the problems (rules match by category)."""
    before = earlier.catalog
    return (
        before.units == catalog.units
        and before.attributes == catalog.attributes
        and before.problems == catalog.problems
    )


def same_item(a: Any, b: Any) -> bool:
    """The same item, down to where each of its fields is written (items' equality leaves
    those positions out, but findings point at them)."""
    return a is b or (a == b and a.spots == b.spots)


def _same_placed(a: list[tuple[int, Any]], b: list[tuple[int, Any]]) -> bool:
    """The same items at the same places in their lists."""
    return len(a) == len(b) and all(
        i == j and same_item(x, y) for (i, x), (j, y) in zip(a, b, strict=True)
    )
