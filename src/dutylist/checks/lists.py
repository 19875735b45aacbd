"""The three lists of the township-duty reform (乡镇（街道）履职事项清单): what a street
does itself (`basic`), where it supports a department that leads (`support`), and what
the county departments take back (`returned`). Each list says who must lead."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL312", "DL313", "DL314")
STREETS = ("street",)
DEPARTMENTS = ("department", "public-unit")


def check(loaded: Loaded) -> Iterator[Finding]:
    catalog = loaded.catalog
    assert catalog is not None
    for duty in catalog.duties:
        lead = catalog.units.get(duty.lead)
        if duty.list is None or lead is None:
            continue
        args = {"duty": duty.id, "lead": lead.id, "name": lead.name, "kind": lead.kind}
        if duty.list == "basic" and lead.kind not in STREETS:
            yield finding("DL312", duty.at("lead"), args=args, subjects=[duty.id, lead.id])
        elif duty.list == "support" and lead.kind not in DEPARTMENTS:
            yield finding("DL313", duty.at("lead"), args=args, subjects=[duty.id, lead.id])
        elif duty.list == "returned" and lead.kind in (*STREETS, "community"):
            yield finding("DL314", duty.at("lead"), args=args, subjects=[duty.id, lead.id])
