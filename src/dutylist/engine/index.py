"""The default engine: a compiled index, microseconds per case.

Cases of one problem fall into cells — the anchors of `at` conditions the place lies
in, and for each attribute its value or, for numbers, its position among the
thresholds. Every case in a cell matches the same duties and rules, so the decision is
made once per cell and kept; a case costs a classification and a dictionary look-up.
The cache only grows by cells, never by places, and the index is rebuilt (not
patched) when the catalogue changes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from dutylist.conditions import Box
from dutylist.engine.answer import Answer
from dutylist.engine.compiled import Compiled, ProblemPlan
from dutylist.engine.router import Router, Values, thresholds

MISSING = object()


class _ProblemIndex:
    """One problem's cells, and for each class of each dimension the bitmasks of the
    duties and rules that admit it: a cell's matching set is the AND of its masks."""

    def __init__(self, plan: ProblemPlan, compiled: Compiled) -> None:
        self.plan = plan
        self.tree = compiled.tree
        self.duty_boxes = [d.box for d in plan.duties]
        self.rule_boxes = [r.box for r in plan.rules]
        anchors: set[str] = set()
        for box in self.duty_boxes + self.rule_boxes:
            if box.places is not None:
                anchors |= box.places.anchors
        self.anchors = frozenset(anchors)
        self.classifiers: list[tuple[str, Callable[[Any], Any]]] = [
            (name, _classifier(compiled, plan, name)) for name in plan.problem.attributes
        ]
        self.cache: dict[tuple[Any, ...], Answer] = {}  # by cell
        self.by_masks: dict[tuple[int, int], Answer] = {}  # cells that match alike share one
        self._masks: dict[tuple[Any, ...], tuple[int, int]] = {}

    def cell(self, place: str, values: Values) -> tuple[Any, ...]:
        anchors = self.anchors
        chain = tuple(a for a in self.tree.lineage[place] if a in anchors) if anchors else ()
        key: list[Any] = [chain]
        for name, classify in self.classifiers:
            value = values.get(name, MISSING)
            key.append(MISSING if value is MISSING else classify(value))
        return tuple(key)

    def matching(self, place: str, values: Values) -> tuple[list[int], list[int]]:
        duties, rules = self.masks(self.cell(place, values), values)
        return _bits(duties), _bits(rules)

    def masks(self, key: tuple[Any, ...], values: Values) -> tuple[int, int]:
        """The matching duties and rules of a cell, as bitmasks over the plan's lists."""
        duties, rules = self._mask(("at", key[0]), partial(_admits_place, chain=key[0]))
        for (name, _), cls in zip(self.classifiers, key[1:], strict=True):
            value = values.get(name, MISSING)
            if value is MISSING:
                d, r = self._mask((name, MISSING), partial(_leaves_open, name=name))
            else:
                d, r = self._mask((name, cls), partial(_admits_value, name=name, value=value))
            duties &= d
            rules &= r
        return duties, rules

    def _mask(self, key: tuple[Any, ...], admits: Callable[[Box], bool]) -> tuple[int, int]:
        masks = self._masks.get(key)
        if masks is None:
            duties = sum(1 << i for i, box in enumerate(self.duty_boxes) if admits(box))
            rules = sum(1 << i for i, box in enumerate(self.rule_boxes) if admits(box))
            masks = (duties, rules)
            self._masks[key] = masks
        return masks


def _admits_place(box: Box, chain: tuple[str, ...]) -> bool:
    return box.places is None or any(a in chain for a in box.places.anchors)


def _leaves_open(box: Box, name: str) -> bool:
    """A box admits a case that leaves `name` out only if it sets no condition on it."""
    return name not in box.values


def _admits_value(box: Box, name: str, value: Any) -> bool:
    return box.admits(name, value)


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _classifier(compiled: Compiled, plan: ProblemPlan, name: str) -> Callable[[Any], Any]:
    attribute = compiled.catalog.attributes.get(name)
    if attribute is None or attribute.type != "number":
        return _identity
    ends = thresholds(plan, name)
    points = frozenset(ends)

    def classify(value: Any) -> tuple[int, bool]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return (-1, False)
        return (bisect_left(ends, value), value in points)

    return classify


def _identity(value: Any) -> Any:
    return value if isinstance(value, (str, bool)) else ("other", repr(value))


class IndexEngine(Router):
    name = "index"

    def __init__(self, compiled: Compiled) -> None:
        super().__init__(compiled)
        self._indexes: dict[str, _ProblemIndex] = {}
        self._lineage = compiled.tree.lineage
        self._blowers: dict[tuple[str | None, str], Any] = {}  # (whistle, place) → blower

    def _decide(
        self, index: _ProblemIndex, key: tuple[Any, ...], place: str, given: Values
    ) -> Answer:
        if MISSING in key:
            return super().route(index.plan.problem.id, place, given)  # judged over completions
        masks = index.masks(key, given)
        core = index.by_masks.get(masks)
        if core is None:
            core = super().route(index.plan.problem.id, place, given)
            index.by_masks[masks] = core
        return core

    def prepare(self) -> IndexEngine:
        """Compile every problem now rather than on its first case: for a long-running
        dispatcher that wants every answer equally fast."""
        for problem in self.catalog.problems:
            self._index(problem)
        return self

    def _index(self, problem: str) -> _ProblemIndex | None:
        index = self._indexes.get(problem)
        if index is None and problem in self.catalog.problems:
            index = _ProblemIndex(self.compiled.plans[problem], self.compiled)
            self._indexes[problem] = index
        return index

    def match(self, plan: ProblemPlan, place: str, values: Values) -> tuple[list[int], list[int]]:
        index = self._index(plan.problem.id)
        assert index is not None
        return index.matching(place, values)

    def route(self, problem: str, place: str | None = None, values: Values | None = None) -> Answer:
        index = self._indexes.get(problem) or self._index(problem)
        place = self.catalog.root if place is None else place
        if index is None or place not in self._lineage:
            return super().route(problem, place, values)  # raises UnknownCase
        given: Mapping[str, Any] = values or {}
        key = index.cell(place, given)
        core = index.cache.get(key)
        if core is None:
            core = self._decide(index, key, place, given)
            index.cache[key] = core
        if core.place == place:
            return core
        whistle = core.verdict.whistle
        blower = self._blowers.get((whistle, place), MISSING)
        if blower is MISSING:
            blower = self._blower(whistle, place)
            self._blowers[(whistle, place)] = blower
        return Answer(core.verdict, place, blower)
