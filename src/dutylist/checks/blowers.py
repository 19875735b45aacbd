"""No blower: a whistle routed to places that have no unit of its blower kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dutylist.checks.context import compiled_of, sweep_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.semantics.cells import cell_space

CODES = ("DL308",)


def check(loaded: Loaded) -> Iterator[Finding]:
    compiled = compiled_of(loaded)
    catalog = compiled.catalog
    tree = compiled.tree
    for whistle in catalog.whistles.values():
        if whistle.blower in catalog.units:
            continue  # a fixed blower is there wherever the case is
        lacking = [p for p in tree.places if (p, whistle.blower) not in compiled.nearest_of_kind]
        if not lacking:
            continue
        first: dict[str, Any] | None = None
        problems: list[str] = []
        for problem, result in sweep_of(loaded).problems.items():
            routed = result.whistle_places.get(whistle.id)
            if not routed:
                continue
            space = cell_space(compiled, problem)
            for place in lacking:
                chain = space.places[space.place_class(place)].chain
                if chain in routed:
                    problems.append(problem)
                    if first is None:
                        first = {**routed[chain], "at": place}
                    break
        if first is not None:
            yield finding(
                "DL308",
                whistle.at("blower"),
                args={
                    "whistle": whistle.id,
                    "kind": whistle.blower,
                    "at": first["at"],
                    "count": len(problems),
                },
                subjects=[whistle.id, *problems],
                witness=first,
            )
