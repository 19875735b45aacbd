"""One problem as two catalogues cut it: the common refinement of their cells.

A diff must decide every case of both catalogues, exactly. A *joint* place class holds
the places that fall in one class on each side (a place one side lacks is in no class
there); a joint attribute class is a value that falls in one class on each side — the
representatives of the union of both sides' values and thresholds. Every case of a
joint cell therefore lies in a single cell of each side and gets a single answer there:
deciding the joint cell's witness on each side decides all of its cases.

A question may also leave an attribute out, as `who` allows; `LEFT_OUT` is one more
class of every attribute, so that a change from "routed" to "undetermined" is seen too.
Classes that every duty and rule of both sides treat alike are grouped (`Group`), as
the checker's sweep does, so the diff decides one case per distinct combination.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.errors import CaseError
from dutylist.semantics.cells import (
    CellSpace,
    Group,
    group_classes,
    number_representatives,
    place_classes,
)
from dutylist.semantics.conditions import PlaceTree


class _LeftOut:
    def __repr__(self) -> str:
        return "LEFT_OUT"


LEFT_OUT: Any = _LeftOut()
# what a joint class is on one side, besides the number of one of its classes
ABSENT = -1  # the side's problem has no such attribute: the value does not matter there
INVALID = -2  # the side's attribute cannot take the value (an enumeration value it lacks)
OPEN = -3  # the question leaves the attribute out
ALL = -1  # the bitmask of every duty and rule: what an absent attribute admits


@dataclass(frozen=True, slots=True)
class JointPlace:
    witness: str  # the place that stands for the class (an anchor when it is one's class)
    old: int | None  # the class on each side; None: that side has no such place
    new: int | None
    places: int  # how many places the class holds
    anchored: bool  # the places lie in some anchor of either side (else: "elsewhere")


@dataclass(frozen=True, slots=True)
class JointAxis:
    name: str
    kind: str  # number | boolean | enum (the new side's, when both have it)
    representatives: tuple[Any, ...]  # one value per joint class; LEFT_OUT last
    old: tuple[int, ...]  # per joint class: the old side's class, or ABSENT/INVALID/OPEN
    new: tuple[int, ...]
    groups: tuple[Group, ...]  # joint classes every duty and rule of both sides treat alike

    def given(self) -> list[int]:
        """The joint classes of given values (every one but LEFT_OUT)."""
        return list(range(len(self.representatives) - 1))

    def describe(self, classes: Sequence[int]) -> list[str]:
        """Joint classes as a person reads them: values ('在建', 'true'), or for numbers
        the stretches they make ('>=500,<1000', '=0', '<1000')."""
        chosen = sorted(c for c in classes if self.representatives[c] is not LEFT_OUT)
        numbers = [i for i in chosen if _is_number(self.representatives[i])]
        words = [_value_text(self.representatives[i]) for i in chosen if i not in numbers]
        runs: list[list[int]] = []
        for index in numbers:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        return [self._stretch(run[0], run[-1]) for run in runs] + words

    def _stretch(self, first: int, last: int) -> str:
        # number representatives alternate: open stretch, threshold, open stretch, …
        reps = [r for r in self.representatives if _is_number(r)]
        ends = reps[1::2]
        if first == last and first % 2:
            return f"={_number(reps[first])}"
        parts = []
        if first % 2:
            parts.append(f">={_number(reps[first])}")
        elif first:
            parts.append(f">{_number(ends[first // 2 - 1])}")
        if last % 2:
            parts.append(f"<={_number(reps[last])}")
        elif last // 2 < len(ends):
            parts.append(f"<{_number(ends[last // 2])}")
        return ",".join(parts) or "*"


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _value_text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True, slots=True)
class JointCell:
    """A combination of one joint place class and one group of each axis: every case in
    it gets the same answer on each side."""

    place: int  # index into JointSpace.places
    groups: tuple[int, ...]  # per axis, the index of its group
    size: int  # how many joint cells (place class × attribute classes) it stands for


class JointSpace:
    """The common refinement of one problem's cells on two sides (either may lack it)."""

    def __init__(self, old: CellSpace | None, new: CellSpace | None) -> None:
        assert old is not None or new is not None
        self.old = old
        self.new = new
        self.places = _joint_places(old, new)
        self.axes = _joint_axes(old, new)

    # -- what a joint cell is on one side --------------------------------------------
    def side_case(self, side: str, cell: JointCell) -> dict[str, Any] | None:
        """The values to ask one side, "old" or "new" (None when a value is not a value
        there); attributes the side does not have, or the question leaves out, are not
        asked."""
        values: dict[str, Any] = {}
        for axis, group_index in zip(self.axes, cell.groups, strict=True):
            first = axis.groups[group_index].first
            code = (axis.old if side == "old" else axis.new)[first]
            if code == INVALID:
                return None
            if code >= 0:
                values[axis.name] = axis.representatives[first]
        return values

    def cells(self) -> Iterator[JointCell]:
        """Every distinct combination, with how many joint cells it stands for."""
        for place_index in range(len(self.places)):
            for combo in itertools.product(*(range(len(axis.groups)) for axis in self.axes)):
                size = 1
                for axis, group_index in zip(self.axes, combo, strict=True):
                    size *= axis.groups[group_index].size
                yield JointCell(place_index, combo, size)

    def witness_values(self, cell: JointCell) -> dict[str, Any]:
        """The case standing for the cell, in `who`'s form (left-out attributes absent)."""
        values: dict[str, Any] = {}
        for axis, group_index in zip(self.axes, cell.groups, strict=True):
            value = axis.representatives[axis.groups[group_index].first]
            if value is not LEFT_OUT:
                values[axis.name] = value
        return values

    def left_out(self, cell: JointCell) -> tuple[str, ...]:
        return tuple(
            axis.name
            for axis, group_index in zip(self.axes, cell.groups, strict=True)
            if axis.representatives[axis.groups[group_index].first] is LEFT_OUT
        )

    # -- which joint cell a case falls in (for tests and replay) -------------------------
    def locate(self, place: str, values: dict[str, Any]) -> JointCell | None:
        """The combination holding a case (None: the place is on neither side, or a value
        falls in no joint class)."""
        place_index = self._place_index(place)
        if place_index is None:
            return None
        combo = []
        for axis in self.axes:
            value = values.get(axis.name, LEFT_OUT)
            index = self._class_of(axis, value)
            if index is None:
                return None
            combo.append(next(g for g, group in enumerate(axis.groups) if index in group.members))
        return JointCell(place_index, tuple(combo), 1)

    def _place_index(self, place: str) -> int | None:
        old_class = _class_or_none(self.old, place)
        new_class = _class_or_none(self.new, place)
        if old_class is None and new_class is None:
            return None
        for index, joint in enumerate(self.places):
            if (joint.old, joint.new) == (old_class, new_class):
                return index
        return None

    def _class_of(self, axis: JointAxis, value: Any) -> int | None:
        if value is LEFT_OUT:
            return len(axis.representatives) - 1
        codes = (_code(self.old, axis.name, value), _code(self.new, axis.name, value))
        for index, rep in enumerate(axis.representatives):
            if rep is not LEFT_OUT and (axis.old[index], axis.new[index]) == codes:
                return index
        return None


def _class_or_none(space: CellSpace | None, place: str) -> int | None:
    if space is None or place not in space.tree.lineage:
        return None
    return space.place_class(place)


def _code(space: CellSpace | None, name: str, value: Any) -> int:
    axis = space.by_name.get(name) if space is not None else None
    if axis is None:
        return ABSENT
    try:
        return axis.classify(value)
    except CaseError:
        return INVALID


# -- places ------------------------------------------------------------------------------
def _joint_places(old: CellSpace | None, new: CellSpace | None) -> list[JointPlace]:
    sides = [s for s in (old, new) if s is not None]
    anchors = frozenset().union(*(s.anchors for s in sides))
    if len(sides) == 1 or old.tree.lineage == new.tree.lineage:  # type: ignore[union-attr]
        tree = sides[-1].tree
        counts = _class_sizes(tree, anchors)
        return [
            JointPlace(
                pc.witness,
                old.place_class(pc.witness) if old is not None else None,
                new.place_class(pc.witness) if new is not None else None,
                counts[pc.witness if pc.chain else None],
                bool(pc.chain),
            )
            for pc in place_classes(tree, anchors)
        ]
    # the places differ between the sides: group every place of either by its pair
    assert old is not None and new is not None
    grouped: dict[tuple[int | None, int | None], list[str]] = {}
    seen: set[str] = set()
    for tree in (new.tree, old.tree):
        for place in tree.by_depth:
            if place not in seen:
                seen.add(place)
                key = (_class_or_none(old, place), _class_or_none(new, place))
                grouped.setdefault(key, []).append(place)
    joint = []
    for (old_class, new_class), members in grouped.items():
        witness = next((m for m in members if m in anchors), members[0])
        joint.append(JointPlace(witness, old_class, new_class, len(members), witness in anchors))
    return joint


def _class_sizes(tree: PlaceTree, anchors: frozenset[str]) -> dict[str | None, int]:
    """How many places each class holds: an anchor's class is its places less those of
    the anchors inside it; None is the class of places inside no anchor."""
    inside: dict[str, int] = {}
    for lineage in tree.lineage.values():
        for place in lineage:
            if place in anchors:
                inside[place] = inside.get(place, 0) + 1
    sizes: dict[str | None, int] = {a: inside.get(a, 0) for a in anchors if a in tree.lineage}
    sizes[None] = len(tree.lineage)
    for anchor in sizes.copy():
        if anchor is None:
            continue
        holder = next((a for a in tree.lineage[anchor][1:] if a in anchors), None)
        sizes[holder] -= inside.get(anchor, 0)
    return sizes


# -- attributes --------------------------------------------------------------------------
def _joint_axes(old: CellSpace | None, new: CellSpace | None) -> list[JointAxis]:
    names = list(new.attributes if new is not None else [])
    names += [n for n in (old.attributes if old is not None else []) if n not in names]
    return [_joint_axis(name, old, new) for name in names]


def _joint_axis(name: str, old: CellSpace | None, new: CellSpace | None) -> JointAxis:
    side_axes = [s.by_name[name] for s in (new, old) if s is not None and name in s.by_name]
    kind = side_axes[0].kind
    reps: list[Any] = []
    ends = sorted({e for axis in side_axes if axis.kind == "number" for e in axis.ends})
    if any(axis.kind == "number" for axis in side_axes):
        reps += number_representatives(ends)
    for axis in side_axes:
        if axis.kind != "number":
            reps += [r for r in axis.representatives if r not in reps or type(r) is bool]
    reps = list(dict.fromkeys((type(r), r) for r in reps))  # True and 1 are different values
    values = [r for _, r in reps]
    old_codes = (*(_code(old, name, v) for v in values), _open(old, name))
    new_codes = (*(_code(new, name, v) for v in values), _open(new, name))
    values.append(LEFT_OUT)
    last = len(values) - 1
    # a left-out value never shares a group with a given one: its answers come from
    # every completion, not from one cell
    keys = [
        (_side_masks(old, name, o), _side_masks(new, name, n), i == last)
        for i, (o, n) in enumerate(zip(old_codes, new_codes, strict=True))
    ]
    return JointAxis(name, kind, tuple(values), old_codes, new_codes, group_classes(keys))


def _open(space: CellSpace | None, name: str) -> int:
    return OPEN if space is not None and name in space.by_name else ABSENT


def _side_masks(space: CellSpace | None, name: str, code: int) -> tuple[int, int] | str:
    """What one side's duties and rules admit of a joint class, by its code there."""
    if space is None or code == ABSENT:
        return (ALL, ALL)
    if code == INVALID:
        return "invalid"
    return space.axis_masks(name, None if code == OPEN else code)
