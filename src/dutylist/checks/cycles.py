"""Loops in the unit hierarchy: a unit that is its own ancestor."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.model import Unit

CODES = ("DL401",)


def check(loaded: Loaded) -> Iterator[Finding]:
    assert loaded.catalog is not None
    units = loaded.catalog.units
    reported: set[frozenset[str]] = set()
    for loop in unit_loops(units):
        members = frozenset(loop)
        if members in reported:
            continue
        reported.add(members)
        first = min(loop, key=lambda unit_id: (units[unit_id].loc.line, unit_id))
        start = loop.index(first)
        ordered = loop[start:] + loop[:start]
        path = " → ".join([*ordered, first])
        yield finding("DL401", units[first].at("parent"), args={"path": path}, subjects=ordered)


def unit_loops(units: Mapping[str, Unit]) -> Iterator[list[str]]:
    """Each loop of `parent` links, as the list of unit ids around it.

    >>> from dutylist.model import Unit
    >>> from dutylist.findings import Location
    >>> here = Location("units.yaml")
    >>> a = Unit(here, id="a", name="A", kind="street", parent="b")
    >>> b = Unit(here, id="b", name="B", kind="street", parent="a")
    >>> [sorted(loop) for loop in unit_loops({"a": a, "b": b})]
    [['a', 'b']]
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in units:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in units and node not in state:
            state[node] = 1
            path.append(node)
            node = units[node].parent
        if node is not None and state.get(node) == 1:
            yield path[path.index(node) :]
        for visited in path:
            state[visited] = 2
