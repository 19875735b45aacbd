"""推诿扯皮 found in the whistle log, pointing at the catalogue (DL310).

A whistle whose case was rejected (退单) or reassigned two or more times, or that went
back to a unit it had already left, shows that the responsibility list did not settle
who owns the case. The finding is put where a policy officer must change something: at
the duty that decided the routing (its file:line), naming the units, the reasons they
gave and the whistles that prove it; the first whistle's case is the witness.

This check reads plain histories (what `dutylist check --store` takes from the store);
it knows nothing of databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.model import Catalog

CODES = ("DL310",)
BOUNCES_TO_REPORT = 2  # rejections and reassignments of one whistle


@dataclass(frozen=True)
class History:
    """One whistle as the log has it: how it was blown and what happened after."""

    whistle: str
    blown: Mapping[str, Any]  # the blow event's data: problem, place, values, lead, answer
    events: Sequence[tuple[str, str | None, Mapping[str, Any]]]  # (kind, unit, data)


def passed_around(history: History) -> tuple[list[str], list[str]] | None:
    """The units a whistle went between and the reasons given, when it was passed back
    and forth (two or more rejections or reassignments, or back to a unit it had left);
    None otherwise."""
    leads = [history.blown.get("lead")]
    reasons: list[str] = []
    moves = 0
    for kind, unit, data in history.events:
        if kind == "reject":
            moves += 1
            reasons.append(f"{unit}: {data.get('reason')}")
        elif kind == "reassign":
            moves += 1
            leads.append(data.get("to"))
    units = [u for u in leads if u]
    units += [r.split(":")[0] for r in reasons if r.split(":")[0] not in units]
    returned = len(set(leads)) < len([u for u in leads if u])
    if moves >= BOUNCES_TO_REPORT or returned:
        return list(dict.fromkeys(units)), reasons
    return None


def check(catalog: Catalog, histories: Iterable[History]) -> Iterator[Finding]:
    by_duty: dict[str, list[tuple[History, list[str], list[str]]]] = {}
    for history in histories:
        if history.blown.get("catalog") not in (None, catalog.id):
            continue
        found = passed_around(history)
        if found is None:
            continue
        duties = (history.blown.get("answer") or {}).get("duties") or ["?"]
        by_duty.setdefault(duties[0], []).append((history, *found))
    duties_by_id = {d.id: d for d in catalog.duties}
    for duty_id, cases in sorted(by_duty.items()):
        duty = duties_by_id.get(duty_id)
        location = duty.loc if duty is not None else catalog.at("id")
        units = list(dict.fromkeys(u for _, found_units, _ in cases for u in found_units))
        reasons = list(dict.fromkeys(r for _, _, given in cases for r in given))
        first = cases[0][0].blown
        yield finding(
            "DL310",
            location,
            args={
                "duty": duty_id,
                "whistles": ", ".join(h.whistle for h, _, _ in cases),
                "count": len(cases),
                "units": " → ".join(units),
                "reasons": "; ".join(reasons) or "—",
            },
            subjects=[duty_id, *units],
            witness={
                "problem": first.get("problem"),
                "at": first.get("place"),
                "with": dict(first.get("values") or {}),
            },
        )
