"""The `when` language: what a condition means, and the algebra on matching sets.

A `when` compiles, for one problem, to a `Box`: a product of one set per dimension —
the place (a `PlaceSet`: anchor units and everything inside them) and each attribute
(a frozenset of values for enumerations and booleans, a `NumberSet` of intervals for
numbers). Dimensions a `when` does not name are unconstrained. Intersection,
containment, emptiness and equality of boxes are exact, which is what precedence and
the checker's proofs stand on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dutylist.model import Attribute, Condition, Unit

INF = math.inf


# -- places ---------------------------------------------------------------------------
class PlaceTree:
    """The territorial units and, for each, its chain of territorial ancestors."""

    def __init__(self, units: Mapping[str, Unit]) -> None:
        self.places = [u.id for u in units.values() if u.is_place]
        place_ids = set(self.places)
        self.lineage: dict[str, tuple[str, ...]] = {}
        for place in self.places:
            chain = [place]
            seen = {place}
            parent = units[place].parent
            while parent in place_ids and parent not in seen:
                chain.append(parent)
                seen.add(parent)
                parent = units[parent].parent
            self.lineage[place] = tuple(chain)
        self.by_depth = sorted(self.places, key=lambda p: len(self.lineage[p]))
        self.top = [p for p in self.places if len(self.lineage[p]) == 1]
        self.everywhere = PlaceSet(frozenset(self.top))


@dataclass(frozen=True, slots=True)
class PlaceSet:
    """Places that are one of `anchors` or inside one; anchors kept normalised."""

    anchors: frozenset[str]

    @staticmethod
    def of(anchors: Iterable[str], tree: PlaceTree) -> PlaceSet:
        wanted = set(anchors)
        kept = {a for a in wanted if not any(b in wanted for b in tree.lineage.get(a, (a,))[1:])}
        return PlaceSet(frozenset(kept))

    def contains(self, place: str, tree: PlaceTree) -> bool:
        return not self.anchors.isdisjoint(tree.lineage.get(place, ()))

    def issubset(self, other: PlaceSet, tree: PlaceTree) -> bool:
        lineage, anchors = tree.lineage, other.anchors
        return all(not anchors.isdisjoint(lineage.get(a, ())) for a in self.anchors)

    def is_everywhere(self, tree: PlaceTree) -> bool:
        """`tree.everywhere.issubset(self)`: a top place lies inside no other, so the set
        holds every place exactly when every top place is one of its anchors."""
        return tree.everywhere.anchors <= self.anchors

    def intersect(self, other: PlaceSet, tree: PlaceTree) -> PlaceSet:
        kept = {a for a in self.anchors if other.contains(a, tree)}
        kept |= {b for b in other.anchors if self.contains(b, tree)}
        return PlaceSet.of(kept, tree)


# -- numbers --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, order=True)
class Interval:
    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False

    def is_empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def contains(self, x: float) -> bool:
        above = x > self.lo or (self.lo_closed and x == self.lo)
        below = x < self.hi or (self.hi_closed and x == self.hi)
        return above and below

    def intersect(self, other: Interval) -> Interval:
        lo, lo_closed = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_closed = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return Interval(lo, hi, not lo_closed, hi_closed)


ALL_REALS = Interval(-INF, INF)


@dataclass(frozen=True, slots=True)
class NumberSet:
    """A finite union of disjoint intervals, sorted."""

    intervals: tuple[Interval, ...]

    @staticmethod
    def of(intervals: Iterable[Interval]) -> NumberSet:
        """Sorted, with overlapping or touching pieces merged: one set, one spelling."""
        merged: list[Interval] = []
        for piece in sorted(i for i in intervals if not i.is_empty()):
            if merged and _joins(merged[-1], piece):
                last = merged.pop()
                hi, hi_closed = max((last.hi, last.hi_closed), (piece.hi, piece.hi_closed))
                piece = Interval(last.lo, hi, last.lo_closed, hi_closed)
            merged.append(piece)
        return NumberSet(tuple(merged))

    def contains(self, x: float) -> bool:
        return any(i.contains(x) for i in self.intervals)

    def is_empty(self) -> bool:
        return not self.intervals

    def intersect(self, other: NumberSet) -> NumberSet:
        return NumberSet.of(a.intersect(b) for a in self.intervals for b in other.intervals)

    def issubset(self, other: NumberSet) -> bool:
        """Exact: every piece of self lies inside other (points and open ends included)."""
        return all(_interval_within(piece, other) for piece in self.intervals)

    def thresholds(self) -> set[float]:
        ends = {i.lo for i in self.intervals} | {i.hi for i in self.intervals}
        return {t for t in ends if math.isfinite(t)}


def _joins(left: Interval, right: Interval) -> bool:
    """Do two pieces, `left` starting first, overlap or touch without a gap?"""
    return right.lo < left.hi or (right.lo == left.hi and (left.hi_closed or right.lo_closed))


def _interval_within(piece: Interval, whole: NumberSet) -> bool:
    """Is `piece` covered by `whole`, whose parts are disjoint but may touch ([0,1), [1,2))?"""
    parts = iter(whole.intervals)
    for part in parts:
        if _covers_start(part, piece):
            reach = (part.hi, part.hi_closed)
            break
    else:
        return False
    for part in parts:
        if not (part.lo < reach[0] or (part.lo == reach[0] and (part.lo_closed or reach[1]))):
            break
        reach = max(reach, (part.hi, part.hi_closed))
    return piece.hi < reach[0] or (piece.hi == reach[0] and (reach[1] or not piece.hi_closed))


def _covers_start(part: Interval, piece: Interval) -> bool:
    if piece.lo_closed:
        return part.contains(piece.lo)
    return part.lo <= piece.lo and part.hi > piece.lo


def number_set(condition: Condition) -> NumberSet:
    """The numbers a condition on a number attribute admits."""
    if condition.equals is not None:
        points = [float(v) for v in condition.equals if _is_number(v)]
        return NumberSet.of(Interval(p, p, True, True) for p in points)
    interval = ALL_REALS
    for bound, value in (condition.bounds or {}).items():
        interval = interval.intersect(_half_line(bound, float(value)))
    result = NumberSet.of([interval])
    for value in condition.excludes or ():
        if _is_number(value):
            point = float(value)
            below = NumberSet.of([Interval(-INF, point), Interval(point, INF)])
            result = result.intersect(below)
    return result


def _half_line(bound: str, value: float) -> Interval:
    return {
        "gt": Interval(value, INF, False, False),
        "gte": Interval(value, INF, True, False),
        "lt": Interval(-INF, value, False, False),
        "lte": Interval(-INF, value, False, True),
    }[bound]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


ValueSet = frozenset | NumberSet


def domain(attribute: Attribute) -> ValueSet:
    if attribute.type == "number":
        return NumberSet.of([ALL_REALS])
    if attribute.type == "boolean":
        return frozenset({True, False})
    return frozenset(attribute.values)


def value_set(condition: Condition, attribute: Attribute) -> ValueSet:
    if attribute.type == "number":
        return number_set(condition)
    full = domain(attribute)
    assert isinstance(full, frozenset)
    if condition.equals is not None:
        return frozenset(v for v in condition.equals if v in full)
    return full - frozenset(condition.excludes or ())


# -- boxes ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Box:
    """One problem's matching set: places × attribute values; None means unconstrained."""

    places: PlaceSet | None = None
    values: Mapping[str, ValueSet] = field(default_factory=dict)

    def is_empty(self) -> bool:
        if self.places is not None and not self.places.anchors:
            return True
        return any(_empty(v) for v in self.values.values())

    def matches(self, place: str, values: Mapping[str, Any], tree: PlaceTree) -> bool:
        """Does a case match? An attribute the case leaves out fails its condition."""
        if self.places is not None and not self.places.contains(place, tree):
            return False
        return all(name in values and self.admits(name, values[name]) for name in self.values)

    def admits(self, name: str, value: Any) -> bool:
        """Does the condition on one attribute (if any) hold for this value?"""
        admitted = self.values.get(name)
        if admitted is None:
            return True
        if isinstance(admitted, NumberSet):
            return _is_number(value) and admitted.contains(float(value))
        return value in admitted

    def intersect(self, other: Box, tree: PlaceTree) -> Box:
        places = _meet_places(self.places, other.places, tree)
        values = dict(self.values)
        for name, admitted in other.values.items():
            values[name] = _meet(values[name], admitted) if name in values else admitted
        return Box(places, values)

    def issubset(self, other: Box, tree: PlaceTree, domains: Mapping[str, ValueSet]) -> bool:
        """Exact containment of matching sets (an empty box is inside everything)."""
        if self.is_empty():
            return True
        mine = self.places or tree.everywhere
        if other.places is not None and not mine.issubset(other.places, tree):
            return False
        for name, admitted in other.values.items():
            if not _subset(self.values.get(name, domains[name]), admitted):
                return False
        return True

    def narrowed(self, tree: PlaceTree, domains: Mapping[str, ValueSet]) -> frozenset[str]:
        """The dimensions (`at` and attribute names) on which the box admits less than
        everything. A non-empty box can lie inside another only if it is narrowed on
        every dimension the other is: a cheap test that rules most pairs out."""
        names = {name for name, admitted in self.values.items() if admitted != domains.get(name)}
        if self.places is not None and not self.places.is_everywhere(tree):
            names.add("at")
        return frozenset(names)

    def canonical(self, tree: PlaceTree, domains: Mapping[str, ValueSet]) -> tuple[Any, ...]:
        """A hashable spelling that two boxes share exactly when they match the same cases."""
        if self.is_empty():
            return ("empty",)
        places = self.places
        if places is not None and places.is_everywhere(tree):
            places = None
        values = tuple(
            sorted(
                (name, _spelling(admitted))
                for name, admitted in self.values.items()
                if admitted != domains.get(name)
            )
        )
        return (places.anchors if places is not None else None, values)


def _meet_places(a: PlaceSet | None, b: PlaceSet | None, tree: PlaceTree) -> PlaceSet | None:
    if a is None:
        return b
    if b is None:
        return a
    return a.intersect(b, tree)


def _meet(a: ValueSet, b: ValueSet) -> ValueSet:
    if isinstance(a, NumberSet) and isinstance(b, NumberSet):
        return a.intersect(b)
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return a & b
    return frozenset()


def _subset(a: ValueSet, b: ValueSet) -> bool:
    if isinstance(a, NumberSet) and isinstance(b, NumberSet):
        return a.issubset(b)
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return a <= b
    return False


def _spelling(admitted: ValueSet) -> Any:
    if isinstance(admitted, NumberSet):
        return admitted.intervals
    return tuple(sorted(admitted, key=repr))


def _empty(v: ValueSet) -> bool:
    return v.is_empty() if isinstance(v, NumberSet) else not v
