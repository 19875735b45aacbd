"""The funnel effect (漏斗效应, 责大权小): a duty pushed onto a unit that lacks the power
it needs, with no whistle that unit may blow to summon someone who holds it."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.model import Catalog, Unit

CODES = ("DL306",)


def summonable_powers(catalog: Catalog, unit: Unit) -> set[str]:
    """Powers held by some unit of a kind that a whistle this unit may blow summons."""
    kinds = {
        kind
        for whistle in catalog.whistles.values()
        if whistle.blower in (unit.kind, unit.id)
        for kind in whistle.reporters
    }
    return {
        power for other in catalog.units.values() if other.kind in kinds for power in other.powers
    }


def check(loaded: Loaded) -> Iterator[Finding]:
    catalog = loaded.catalog
    assert catalog is not None
    reachable: dict[str, set[str]] = {}
    for duty in catalog.duties:
        lead = catalog.units.get(duty.lead)
        if lead is None:
            continue
        missing = [p for p in duty.needs if p not in lead.powers]
        if not missing:
            continue
        if lead.id not in reachable:
            reachable[lead.id] = summonable_powers(catalog, lead)
        for index, power in enumerate(duty.needs):
            if power in missing and power not in reachable[lead.id]:
                yield finding(
                    "DL306",
                    duty.at(f"needs[{index}]"),
                    args={
                        "duty": duty.id,
                        "lead": lead.id,
                        "name": lead.name,
                        "kind": lead.kind,
                        "power": power,
                    },
                    subjects=[duty.id],
                )
