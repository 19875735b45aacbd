"""The answer to one case, and its JSON form (PRODUCT.md, `who --format json`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dutylist.model import Catalog, Escalation


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    lead: str | None


@dataclass(frozen=True, slots=True)
class DecidedBy:
    """The first left-out attribute whose value changes the answer, and what each gives."""

    attribute: str
    options: tuple[tuple[str, Outcome], ...]  # label ("在建", "<500") → outcome


@dataclass(frozen=True, slots=True)
class Answer:
    status: str  # routed | gap | overlap | undetermined
    problem: str
    place: str
    lead: str | None
    whistle: str | None = None
    blower: str | None = None
    support: tuple[str, ...] = ()
    respond_within_minutes: int | None = None
    escalate: tuple[Escalation, ...] = ()
    basis: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    decided_by: DecidedBy | None = None
    conflicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def comparable(self) -> tuple[Any, ...]:
        """Everything a user sees, for holding two engines to the same answers."""
        return (
            self.status,
            self.lead,
            self.whistle,
            self.blower,
            self.support,
            self.respond_within_minutes,
            tuple((e.after_minutes, e.to) for e in self.escalate),
            self.basis,
            self.duties,
            self.rules,
            self.decided_by,
            tuple(sorted(self.conflicts.items())),
        )


def _named(catalog: Catalog, table: str, item_id: str | None) -> dict[str, str] | None:
    if item_id is None:
        return None
    item = getattr(catalog, table).get(item_id)
    return {"id": item_id, "name": item.name if item is not None else item_id}


def answer_json(answer: Answer, catalog: Catalog) -> dict[str, Any]:
    whistle: dict[str, Any] | None = None
    if answer.whistle is not None:
        whistle = {**(_named(catalog, "whistles", answer.whistle) or {})}
        whistle["blower"] = _named(catalog, "units", answer.blower)
    result: dict[str, Any] = {
        "status": answer.status,
        "problem": _named(catalog, "problems", answer.problem),
        "place": _named(catalog, "units", answer.place),
        "whistle": whistle,
        "lead": _named(catalog, "units", answer.lead),
        "support": [_named(catalog, "units", u) for u in answer.support],
        "respond_within_minutes": answer.respond_within_minutes,
        "escalate": [
            {"after_minutes": e.after_minutes, "to": _named(catalog, "units", e.to)}
            for e in answer.escalate
        ],
        "basis": list(answer.basis),
        "duties": list(answer.duties),
        "rules": list(answer.rules),
    }
    if answer.decided_by is not None:
        result["decided_by"] = {
            "attribute": answer.decided_by.attribute,
            "options": {
                label: {"status": o.status, "lead": o.lead}
                for label, o in answer.decided_by.options
            },
        }
    if answer.conflicts:
        result["conflicts"] = {name: list(ids) for name, ids in answer.conflicts.items()}
    return result
