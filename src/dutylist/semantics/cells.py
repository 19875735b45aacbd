"""A problem's case space as finitely many cells, and which cell a case falls in.

Places fall into classes by the `at` anchors (of this problem's duties and rules) they
lie in: the places inside anchor `a` and no deeper anchor share `a`'s chain of anchors,
and `a` itself is one of them; the places outside every anchor form one more class.
Each attribute falls into classes by its values (enumerations, booleans) or by its
position among the thresholds (numbers: below, at, between, above). Every case in a
cell matches exactly the same duties and rules, so deciding one case per cell decides
the whole space — exactly, not by sampling.

This module is the only place that says how the space is cut, which case stands for a
cell (its witness), and which cell a given case falls in. Locating a case checks it:
an unknown place or attribute, a value outside the declared ones, a value of the wrong
type or a number that is not finite is a `CaseError`, whoever asks (the command line,
either engine, the Python API).
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.errors import CaseError
from dutylist.model import Attribute, Catalog, Problem
from dutylist.semantics.compiled import Compiled, CompiledProblem
from dutylist.semantics.conditions import Box, NumberSet, PlaceTree

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PlaceClass:
    chain: frozenset[str]  # the anchors its places lie in
    witness: str  # one place of the class


def place_classes(tree: PlaceTree, anchors: frozenset[str]) -> list[PlaceClass]:
    classes = [
        PlaceClass(frozenset(a for a in tree.lineage[anchor] if a in anchors), anchor)
        for anchor in sorted(anchors)
        if anchor in tree.lineage
    ]
    outside = _place_outside(tree, anchors)
    if outside is not None:
        classes.append(PlaceClass(frozenset(), outside))
    return classes


def _place_outside(tree: PlaceTree, anchors: frozenset[str]) -> str | None:
    """A place inside no anchor, looking at the top of the tree first."""
    for place in tree.by_depth:
        if not any(a in anchors for a in tree.lineage[place]):
            return place
    return None


def anchors_of(boxes: Sequence[Box]) -> frozenset[str]:
    return frozenset(a for box in boxes if box.places is not None for a in box.places.anchors)


def thresholds(compiled_problem: CompiledProblem, attribute: str) -> list[float]:
    """Every finite end of an interval that a duty or rule of the problem sets on `attribute`."""
    ends: set[float] = set()
    for box in compiled_problem.boxes():
        admitted = box.values.get(attribute)
        if isinstance(admitted, NumberSet):
            ends |= admitted.thresholds()
    return sorted(ends)


def number_representatives(ends: Sequence[float]) -> list[float]:
    """A value below, at, between and above the thresholds: one per class, in order."""
    if not ends:
        return [0.0]
    reps: list[float] = [ends[0] - 1]
    for low, high in itertools.pairwise(ends):
        reps += [low, (low + high) / 2]
    reps += [ends[-1], ends[-1] + 1]
    return reps


# -- one attribute's classes ---------------------------------------------------------------
class Axis:
    """One attribute of a problem cut into classes; `classify` checks a value and returns
    its class (0-based), raising `CaseError` for a value the attribute cannot take."""

    def __init__(
        self, attribute: Attribute, compiled_problem: CompiledProblem, stride: int = 1
    ) -> None:
        self.name = attribute.id
        self.attribute = attribute
        self.kind = attribute.type
        self.stride = stride
        self.ends: list[float] = []
        self.codes: dict[Any, int] = {}
        if self.kind == "number":
            self.ends = thresholds(compiled_problem, attribute.id)
            self.representatives: list[Any] = number_representatives(self.ends)
        elif self.kind == "boolean":
            self.representatives = [True, False]
            self.codes = {True: 0, False: 1}
        else:
            self.representatives = list(attribute.values)
            self.codes = {value: code for code, value in enumerate(attribute.values)}
        self.points = frozenset(self.ends)
        self.offsets = {value: code * stride for value, code in self.codes.items()}
        self.offset = {"number": self._number_offset, "boolean": self._boolean_offset}.get(
            self.kind, self._enum_offset
        )

    @property
    def size(self) -> int:
        return len(self.representatives)

    def classify(self, value: Any) -> int:
        return self.offset(value) // self.stride

    # `offset` (set in __init__ to one of these) is the class times the stride: what the
    # value adds to its cell's number. One per kind, so the hot path has no branching.
    def _number_offset(self, value: Any) -> int:
        kind = type(value)
        if kind is not float and kind is not int and not _number_like(value):
            raise self._wrong_type(value)
        if not math.isfinite(value):
            raise CaseError("DL606", {"attribute": self.name, "value": _shown(value)})
        ends = self.ends
        position = bisect_left(ends, value)
        if position < len(ends) and ends[position] == value:
            return (2 * position + 1) * self.stride
        return 2 * position * self.stride

    def _boolean_offset(self, value: Any) -> int:
        if type(value) is not bool:
            raise self._wrong_type(value)
        return 0 if value else self.stride

    def _enum_offset(self, value: Any) -> int:
        try:
            return self.offsets[value]  # keys are text: only text finds one
        except (KeyError, TypeError):
            raise self._not_a_value(value) from None

    def _not_a_value(self, value: Any) -> CaseError:
        if type(value) is not str:
            return self._wrong_type(value)
        return CaseError(
            "DL604",
            {"attribute": self.name, "value": value},
            {
                "en": "allowed: " + ", ".join(self.attribute.values),
                "zh": "可填：" + "、".join(self.attribute.values),
            },
        )

    def _wrong_type(self, value: Any) -> CaseError:
        variant = {"number": None, "boolean": "boolean"}.get(self.kind, "enum")
        example = {"number": "500", "boolean": "true"}.get(self.kind)
        if example is None:
            example = self.attribute.values[0] if self.attribute.values else "…"
        hint = {"en": f"for example: {self.name}={example}", "zh": f"例如：{self.name}={example}"}
        return CaseError("DL605", {"attribute": self.name, "value": _shown(value)}, hint, variant)


def _number_like(value: Any) -> bool:
    """Subclasses of int and float (numpy's float64) are numbers; booleans are not."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """A wrong value as the user would recognise it: text quoted, the rest as JSON has it."""
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# -- the whole space of one problem ---------------------------------------------------------
class CellSpace:
    """The cells of one problem: place classes × the classes of each attribute, numbered
    in mixed radix (place class first, then the attributes in the problem's order)."""

    def __init__(self, compiled: Compiled, compiled_problem: CompiledProblem) -> None:
        self.compiled = compiled
        self.compiled_problem = compiled_problem
        self.tree = compiled.tree
        self.anchors = anchors_of(compiled_problem.boxes())
        self.places = place_classes(self.tree, self.anchors)
        # the class of a place is that of the first anchor in its lineage (its deepest);
        # a place inside no anchor is in the last class
        self.class_of_anchor = {pc.witness: i for i, pc in enumerate(self.places) if pc.chain}
        self.outside = len(self.places) - 1 if self.places and not self.places[-1].chain else -1
        self._lineage = self.tree.lineage
        declared = compiled.catalog.attributes
        names = [a for a in compiled_problem.problem.attributes if a in declared]
        self.axes: list[Axis] = []
        stride = 1
        for name in reversed(names):
            axis = Axis(declared[name], compiled_problem, stride)
            stride *= axis.size
            self.axes.append(axis)
        self.axes.reverse()
        self.place_stride = stride
        self.by_name = {axis.name: axis for axis in self.axes}
        self.size = len(self.places) * stride
        self._duty_place_masks = _place_masks(compiled_problem.duty_boxes(), self.places)
        self._rule_place_masks = _place_masks(compiled_problem.rule_boxes(), self.places)
        self._duty_value_masks = [
            _axis_masks(compiled_problem.duty_boxes(), axis) for axis in self.axes
        ]
        self._rule_value_masks = [
            _axis_masks(compiled_problem.rule_boxes(), axis) for axis in self.axes
        ]
        self._open_masks = [
            (
                _mask(compiled_problem.duty_boxes(), _leaves_open(a.name)),
                _mask(compiled_problem.rule_boxes(), _leaves_open(a.name)),
            )
            for a in self.axes
        ]

    @property
    def attributes(self) -> list[str]:
        return [axis.name for axis in self.axes]

    # -- where a case falls --------------------------------------------------------------
    def place_class(self, place: Any) -> int:
        """The class of a place; `CaseError` DL602 if it is not one of the catalogue's."""
        lineage = self.tree.lineage.get(place) if type(place) is str else None
        if lineage is None:
            raise unknown_place(place, self.compiled)
        for anchor in lineage:
            found = self.class_of_anchor.get(anchor)
            if found is not None:
                return found
        return self.outside

    def locate(self, place: Any, values: Values) -> int | None:
        """The number of the cell a case falls in, every value checked; None when the
        case leaves an attribute out (then it spans several cells).

        This is the routing hot path (a few hundred nanoseconds): `place_class` is
        written out here, and exact dicts skip the Mapping check."""
        lineage = self._lineage.get(place) if type(place) is str else None
        if lineage is None:
            raise unknown_place(place, self.compiled)
        index = self.outside
        classes = self.class_of_anchor
        if classes:
            for anchor in lineage:
                found = classes.get(anchor)
                if found is not None:
                    index = found
                    break
        index *= self.place_stride
        if type(values) is not dict and not isinstance(values, Mapping):
            raise CaseError("DL603", {"value": _shown(values)}, variant="type")
        by_name = self.by_name
        for name, value in values.items():
            axis = by_name.get(name)
            if axis is None:
                raise unknown_attribute(name, self.compiled_problem, self.compiled)
            index += axis.offset(value)
        if len(values) < len(by_name):
            return None
        return index

    def classes_given(self, values: Values) -> list[int | None]:
        """Each attribute's class, None for the ones a case leaves out (values checked)."""
        return [
            axis.classify(values[axis.name]) if axis.name in values else None for axis in self.axes
        ]

    # -- what matches a cell -------------------------------------------------------------
    def masks(self, place_class: int, classes: Sequence[int | None]) -> tuple[int, int]:
        """The duties and rules matching the cases of a place class with these attribute
        classes, as bitmasks over the compiled_problem's lists; a class left out (None) admits only
        the items that set no condition on that attribute."""
        duties = self._duty_place_masks[place_class]
        rules = self._rule_place_masks[place_class]
        for dim, chosen in enumerate(classes):
            if chosen is None:
                d, r = self._open_masks[dim]
            else:
                d, r = self._duty_value_masks[dim][chosen], self._rule_value_masks[dim][chosen]
            duties &= d
            rules &= r
        return duties, rules

    def cell_masks(self, index: int) -> tuple[int, int]:
        place_class, classes = self.split(index)
        return self.masks(place_class, classes)

    def split(self, index: int) -> tuple[int, list[int]]:
        """A cell's number → its place class and attribute classes."""
        place_class, rest = divmod(index, self.place_stride)
        classes = []
        for axis in self.axes:
            chosen, rest = divmod(rest, axis.stride)
            classes.append(chosen)
        return place_class, classes

    def axis_masks(self, name: str, chosen: int | None) -> tuple[int, int]:
        """The duties and rules admitting one class of an attribute (None: left out)."""
        dim = self.attributes.index(name)
        if chosen is None:
            return self._open_masks[dim]
        return self._duty_value_masks[dim][chosen], self._rule_value_masks[dim][chosen]

    def place_masks(self) -> tuple[list[int], list[int]]:
        """Per place class, the duties and the rules admitting it."""
        return self._duty_place_masks, self._rule_place_masks

    def value_masks(self) -> tuple[list[list[int]], list[list[int]]]:
        """Per attribute and class, the duties and the rules admitting it."""
        return self._duty_value_masks, self._rule_value_masks

    # -- the case that stands for a cell -------------------------------------------------
    def witness(self, place_class: int, classes: Sequence[int]) -> dict[str, Any]:
        """A case in the form `dutylist who` takes, with every attribute of the problem set."""
        return witness_case(
            self.compiled_problem.problem.id,
            self.places[place_class].witness,
            {
                axis.name: axis.representatives[c]
                for axis, c in zip(self.axes, classes, strict=True)
            },
        )

    def completions(self, values: Values) -> Iterator[dict[str, Any]]:
        """The given values completed with one value per class of each left-out attribute."""
        missing = [axis for axis in self.axes if axis.name not in values]
        for combo in itertools.product(*(axis.representatives for axis in missing)):
            yield {**values, **{axis.name: v for axis, v in zip(missing, combo, strict=True)}}


@dataclass(frozen=True, slots=True)
class Group:
    """Classes of one attribute that every duty and rule treats alike (same `key`): one
    of them decides for all."""

    key: Hashable
    members: tuple[int, ...]

    @property
    def first(self) -> int:  # the class whose value stands for the group in a witness
        return self.members[0]

    @property
    def size(self) -> int:
        return len(self.members)


def group_classes(keys: Sequence[Hashable]) -> tuple[Group, ...]:
    """The classes (by position) grouped by what admits them, in order of first sight."""
    groups: dict[Hashable, list[int]] = {}
    for choice, key in enumerate(keys):
        groups.setdefault(key, []).append(choice)
    return tuple(Group(key, tuple(members)) for key, members in groups.items())


def witness_case(problem: str, place: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"problem": problem, "at": place, "with": {a: _plain(v) for a, v in values.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _mask(boxes: Sequence[Box], test: Any) -> int:
    mask = 0
    for i, box in enumerate(boxes):
        if test(box):
            mask |= 1 << i
    return mask


def _place_masks(boxes: Sequence[Box], places: Sequence[PlaceClass]) -> list[int]:
    """Per place class, the boxes admitting it: those with no `at`, and those with an
    anchor in the class's chain (worked out from the anchors, not box by class)."""
    classes_of: dict[str, list[int]] = {}
    for number, place_class in enumerate(places):
        for anchor in place_class.chain:
            classes_of.setdefault(anchor, []).append(number)
    masks = [0] * len(places)
    everywhere = 0
    for i, box in enumerate(boxes):
        bit = 1 << i
        if box.places is None:
            everywhere |= bit
            continue
        for anchor in box.places.anchors:
            for number in classes_of.get(anchor, ()):
                masks[number] |= bit
    return [mask | everywhere for mask in masks]


def _leaves_open(name: str) -> Any:
    """A box admits a case that leaves `name` out only if it sets no condition on it."""
    return lambda box: name not in box.values


def _axis_masks(boxes: Sequence[Box], axis: Axis) -> list[int]:
    """Per class of the axis, the boxes admitting it."""
    if axis.kind == "number":
        return [
            _mask(boxes, lambda box, v=v: box.admits(axis.name, v)) for v in axis.representatives
        ]
    masks = [0] * axis.size
    unconstrained = 0
    for i, box in enumerate(boxes):
        admitted = box.values.get(axis.name)
        if admitted is None:
            unconstrained |= 1 << i
            continue
        assert isinstance(admitted, frozenset)  # enumerations and booleans: sets of values
        for value in admitted:  # a set of values: the class of each is its code
            code = axis.codes.get(value)
            if code is not None:
                masks[code] |= 1 << i
    return [mask | unconstrained for mask in masks]


# -- errors about what a case names -----------------------------------------------------------
def unknown_place(place: Any, compiled: Compiled) -> CaseError:
    if type(place) is not str:
        return CaseError("DL602", {"value": _shown(place)}, variant="type")
    unit = compiled.catalog.units.get(place)
    if unit is not None:
        return not_a_place(place, unit.kind, unit.id)
    return CaseError("DL602", {"value": place})


def not_a_place(written: str, kind: str, unit_id: str) -> CaseError:
    """DL602 for a unit that is not a district, street or community."""
    return CaseError(
        "DL602",
        {"value": written, "kind": kind, "id": unit_id},
        {"en": "--at names a district, street or community", "zh": "--at 要写区、街道或社区"},
        variant="not_place",
    )


def unknown_attribute(
    name: Any, compiled_problem: CompiledProblem, compiled: Compiled
) -> CaseError:
    return unknown_attribute_of(name, compiled_problem.problem, compiled.catalog)


def unknown_attribute_of(name: Any, problem: Problem, catalog: Catalog) -> CaseError:
    declared = [a for a in problem.attributes if a in catalog.attributes]
    hint = {
        "en": "its attributes: " + (", ".join(declared) or "none"),
        "zh": "它的属性：" + ("、".join(declared) or "无"),
    }
    return CaseError(
        "DL603", {"problem": problem.id, "name": problem.name, "attribute": name}, hint
    )


def unknown_problem(problem: Any) -> CaseError:
    if type(problem) is not str:
        return CaseError("DL601", {"value": _shown(problem)}, variant="type")
    return CaseError(
        "DL601",
        {"value": problem},
        {"en": "list them with: dutylist matrix", "zh": "查看全部：dutylist matrix"},
    )


def cell_space(compiled: Compiled, problem: Any) -> CellSpace:
    """The cells of a problem, built on first use and kept with the compiled catalogue;
    `CaseError` DL601 for a problem the catalogue does not have."""
    space: CellSpace | None = compiled.spaces.get(problem) if type(problem) is str else None
    if space is None:
        if type(problem) is not str or problem not in compiled.catalog.problems:
            raise unknown_problem(problem)
        compiled_problem = compiled.problems[problem]
        before = compiled.earlier.spaces.get(problem) if compiled.earlier else None
        if before is not None and before.compiled_problem is compiled_problem:
            space = before
        else:
            space = CellSpace(compiled, compiled_problem)
        compiled.spaces[problem] = space
    return space
