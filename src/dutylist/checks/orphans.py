"""Orphans: departments and public units that no duty, rule or whistle ever reaches."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.checks.context import graph_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL307",)


def check(loaded: Loaded) -> Iterator[Finding]:
    from dutylist.graph import unreached_units  # networkx: imported only when checking

    catalog = loaded.catalog
    assert catalog is not None
    for unit_id in unreached_units(graph_of(loaded)):
        unit = catalog.units[unit_id]
        args = {"id": unit.id, "name": unit.name, "kind": unit.kind}
        yield finding("DL307", unit.loc, args=args, subjects=[unit.id])
