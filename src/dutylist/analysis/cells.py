"""A problem's case space as finitely many cells.

Places fall into classes by the `at` anchors (of this problem's duties and rules) they
lie in: the places inside anchor `a` and no deeper anchor share `a`'s chain of anchors,
and `a` itself is one of them; the places outside every anchor form one more class.
Each attribute falls into classes by its values (enumerations, booleans) or by its
position among the thresholds (numbers: below, at, between, above). Every case in a
cell matches exactly the same duties and rules, so deciding one case per cell decides
the whole space — exactly, not by sampling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dutylist.conditions import Box, NumberSet, PlaceTree
from dutylist.engine.compiled import Compiled, ProblemPlan
from dutylist.engine.router import number_representatives, thresholds


@dataclass(frozen=True, slots=True)
class PlaceClass:
    chain: frozenset[str]  # the anchors its places lie in
    witness: str  # one place of the class


@dataclass(frozen=True)
class Cells:
    plan: ProblemPlan
    places: list[PlaceClass]
    attributes: list[str]
    values: list[list[Any]]  # per attribute, one representative per class


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


def anchors_of(boxes: list[Box]) -> frozenset[str]:
    return frozenset(a for box in boxes if box.places is not None for a in box.places.anchors)


def cells_of(compiled: Compiled, plan: ProblemPlan) -> Cells:
    boxes = [d.box for d in plan.duties] + [r.box for r in plan.rules]
    attributes = [a for a in plan.problem.attributes if a in compiled.catalog.attributes]
    values = [_representatives(compiled, plan, name) for name in attributes]
    return Cells(plan, place_classes(compiled.tree, anchors_of(boxes)), attributes, values)


def _representatives(compiled: Compiled, plan: ProblemPlan, name: str) -> list[Any]:
    attribute = compiled.catalog.attributes[name]
    if attribute.type == "number":
        return number_representatives(thresholds(plan, name))
    if attribute.type == "boolean":
        return [True, False]
    return list(attribute.values)


def admits_place(box: Box, place_class: PlaceClass) -> bool:
    return box.places is None or any(a in place_class.chain for a in box.places.anchors)


def admits_value(box: Box, name: str, value: Any) -> bool:
    admitted = box.values.get(name)
    if admitted is None:
        return True
    if isinstance(admitted, NumberSet):
        return admitted.contains(float(value))
    return value in admitted


def witness(
    problem: str, place: str, attributes: list[str], values: Mapping[str, Any]
) -> dict[str, Any]:
    """A case in the form `dutylist who` takes, with every attribute of the problem set."""
    return {"problem": problem, "at": place, "with": {a: _plain(values[a]) for a in attributes}}


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
