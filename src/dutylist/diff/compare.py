"""Two catalogues compared: routing regions, findings new and fixed, items changed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from dutylist.dated import Period, as_of, is_dated
from dutylist.diff.inventory import ItemChanges, item_changes
from dutylist.diff.routing import Region, dated_routing_changes, routing_changes
from dutylist.diff.sides import Side
from dutylist.findings import Finding
from dutylist.model import Catalog
from dutylist.semantics.compiled import Compiled


@dataclass
class Diff:
    old: str
    new: str
    regions: list[Region]
    items: list[ItemChanges]
    new_findings: list[Finding]
    fixed_findings: list[Finding]
    # sides whose errors keep their routing from being compared
    unsound: list[str] = field(default_factory=list)
    new_catalog: Catalog | None = None
    old_catalog: Catalog | None = None
    days: tuple[dt.date | None, dt.date | None] = (None, None)  # --on: each side's day

    @property
    def routing_changed(self) -> bool:
        return bool(self.regions)

    def cells(self) -> int:
        return sum(r.cells for r in self.regions)


def compare(
    old: Side, new: Side, days: tuple[dt.date | None, dt.date | None] = (None, None)
) -> Diff:
    """Both sides compared; with `days`, each as in force on its day (a dated list)."""
    old, new = _on(old, days[0]), _on(new, days[1])
    unsound = [side.label for side in (old, new) if not side.sound]
    regions: list[Region] = []
    if not unsound:
        assert old.catalog is not None and new.catalog is not None
        over_time = days == (None, None) and (is_dated(old.catalog) or is_dated(new.catalog))
        if over_time:  # both sides as of every day, period by period
            regions = dated_routing_changes(old.catalog, new.catalog)
        else:
            regions = routing_changes(Compiled(old.catalog), Compiled(new.catalog))
    items = item_changes(old.catalog, new.catalog) if new.catalog else []
    came, went = findings_changed(old.findings, new.findings)
    return Diff(
        old.label,
        new.label,
        regions,
        items,
        came,
        went,
        unsound,
        new.catalog,
        old.catalog,
        days,
    )


def _on(side: Side, day: dt.date | None) -> Side:
    """The side as in force on `day`: its catalogue, and the findings that hold then."""
    if day is None:
        return side
    catalog = as_of(side.catalog, day) if side.catalog is not None else None
    holding = [f for f in side.findings if f.period is None or Period(*f.period).holds_on(day)]
    return Side(f"{side.label}@{day.isoformat()}", catalog, holding)


def findings_changed(
    old: Sequence[Finding], new: Sequence[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """Findings of `new` that `old` lacks, and those of `old` that `new` lacks. A finding
    is the same when its code and the ids it names are (it may have moved lines); one
    naming no ids is the same when its message is."""
    before = Counter(_identity(f) for f in old)
    after = Counter(_identity(f) for f in new)
    came = _beyond(new, before)
    went = _beyond(old, after)
    return came, went


def _identity(finding: Finding) -> tuple[str, ...]:
    if finding.subjects:
        return (finding.code, *finding.subjects)
    return (finding.code, finding.message("en"))


def _beyond(findings: Sequence[Finding], other: Counter[tuple[str, ...]]) -> list[Finding]:
    left = Counter(other)
    kept = []
    for f in findings:
        key = _identity(f)
        if left[key]:
            left[key] -= 1
        else:
            kept.append(f)
    return kept
