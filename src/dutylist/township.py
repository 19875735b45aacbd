"""The three township lists counted per street: what each street does itself (basic),
supports (support), and has had taken back (returned) — and how many of the items it
leads lack the power they need (the funnel, 漏斗效应), list by list."""

from __future__ import annotations

from dataclasses import dataclass, field

from dutylist.model import Catalog, Duty

LIST_NAMES = ("basic", "support", "returned")
UNNAMED = ""  # items that name no street: the row of every street


@dataclass
class StreetCounts:
    lists: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIST_NAMES, 0))
    unlisted: int = 0  # duties that concern the street but carry no list
    funnel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIST_NAMES, 0))


def streets_of(duty: Duty, catalog: Catalog) -> list[str]:
    """The streets a duty concerns: its lead, its support, the places of its `at` (and
    the streets those lie in)."""
    named = [duty.lead, *duty.support]
    for condition in duty.when:
        if condition.attribute == "at":
            named += [str(v) for v in condition.equals or ()]
    found = []
    for unit_id in named:
        unit = catalog.units.get(unit_id)
        while unit is not None and unit.kind not in ("street", "district"):
            unit = catalog.units.get(unit.parent or "")
        if unit is not None and unit.kind == "street" and unit.id not in found:
            found.append(unit.id)
    return found


def count_lists(catalog: Catalog) -> dict[str, StreetCounts]:
    """Per street id (and UNNAMED), the counts; streets in the catalogue's order."""
    counts = {u.id: StreetCounts() for u in catalog.units.values() if u.kind == "street"}
    for duty in catalog.duties:
        lead = catalog.units.get(duty.lead)
        short = lead is not None and any(p not in lead.powers for p in duty.needs)
        for street in streets_of(duty, catalog) or [UNNAMED]:
            row = counts.setdefault(street, StreetCounts())
            if duty.list is None:
                row.unlisted += 1
                continue
            row.lists[duty.list] += 1
            if short and duty.lead == street:
                row.funnel[duty.list] += 1
    return counts
