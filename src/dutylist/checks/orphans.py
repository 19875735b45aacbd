"""Orphans: departments and public units that no duty, rule or whistle ever reaches."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL307",)
ORPHAN_KINDS = ("department", "public-unit")


def check(loaded: Loaded) -> Iterator[Finding]:
    catalog = loaded.catalog
    assert catalog is not None
    reached: set[str] = set()
    for duty in catalog.duties:
        reached |= {duty.lead, *duty.support}
    for rule in catalog.rules:
        reached |= set(rule.also_report) | {step.to for step in rule.escalate or ()}
    summoned_kinds = {kind for w in catalog.whistles.values() for kind in w.reporters}
    reached |= {w.blower for w in catalog.whistles.values()}
    for unit in catalog.units.values():
        if unit.kind in ORPHAN_KINDS and unit.id not in reached and unit.kind not in summoned_kinds:
            yield finding(
                "DL307",
                unit.loc,
                args={"id": unit.id, "name": unit.name, "kind": unit.kind},
                subjects=[unit.id],
            )
