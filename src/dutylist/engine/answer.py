"""The answer to one case, and its JSON form (PRODUCT.md, `who --format json`)."""

from __future__ import annotations

import json
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
class Verdict:
    """What a case gets that is the same for every case of its cell, wherever it is."""

    status: str  # routed | gap | overlap | undetermined
    problem: str
    lead: str | None
    whistle: str | None = None
    support: tuple[str, ...] = ()
    respond_within_minutes: int | None = None
    escalate: tuple[Escalation, ...] = ()
    basis: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    decided_by: DecidedBy | None = None
    conflicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one case: its cell's verdict, the place, and who blows the whistle
    there. Kept apart so that routing a case of a known cell builds three fields."""

    verdict: Verdict
    place: str
    blower: str | None = None

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def problem(self) -> str:
        return self.verdict.problem

    @property
    def lead(self) -> str | None:
        return self.verdict.lead

    @property
    def whistle(self) -> str | None:
        return self.verdict.whistle

    @property
    def support(self) -> tuple[str, ...]:
        return self.verdict.support

    @property
    def respond_within_minutes(self) -> int | None:
        return self.verdict.respond_within_minutes

    @property
    def escalate(self) -> tuple[Escalation, ...]:
        return self.verdict.escalate

    @property
    def basis(self) -> tuple[str, ...]:
        return self.verdict.basis

    @property
    def duties(self) -> tuple[str, ...]:
        return self.verdict.duties

    @property
    def rules(self) -> tuple[str, ...]:
        return self.verdict.rules

    @property
    def decided_by(self) -> DecidedBy | None:
        return self.verdict.decided_by

    @property
    def conflicts(self) -> Mapping[str, tuple[str, ...]]:
        return self.verdict.conflicts

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


class AnswerLines:
    """Answers as JSON lines, fast: everything but the place and the blower is the same
    for every case of a cell, so it is serialised once per distinct answer and only those
    two are filled in per case. A line is exactly json.dumps(answer_json(...))."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._parts: dict[int, tuple[Verdict, str, str, str]] = {}
        self._units: dict[str | None, str] = {}

    def _unit(self, unit_id: str | None) -> str:
        text = self._units.get(unit_id)
        if text is None:
            text = json.dumps(_named(self.catalog, "units", unit_id), ensure_ascii=False)
            self._units[unit_id] = text
        return text

    def line(self, answer: Answer) -> str:
        # Answers of one cell share their verdict; keying on its identity is cheap, and
        # exact because each entry keeps its verdict (and so the id) alive.
        key = id(answer.verdict)
        parts = self._parts.get(key)
        if parts is None or parts[0] is not answer.verdict:
            parts = (answer.verdict, *self._split(answer))
            self._parts[key] = parts
        _, head, whistle, tail = parts
        if answer.whistle is None:
            return f'{head}{self._unit(answer.place)}, "whistle": null{tail}'
        return f"{head}{self._unit(answer.place)}{whistle}{self._unit(answer.blower)}}}{tail}"

    def _split(self, core: Answer) -> tuple[str, str, str]:
        document = answer_json(core, self.catalog)
        head = json.dumps({k: document[k] for k in ("status", "problem")}, ensure_ascii=False)
        head = head[:-1] + ', "place": '
        whistle = ""
        if document["whistle"] is not None:
            named = json.dumps(
                {k: document["whistle"][k] for k in ("id", "name")}, ensure_ascii=False
            )
            whistle = ', "whistle": ' + named[:-1] + ', "blower": '
        rest = {
            k: v for k, v in document.items() if k not in ("status", "problem", "place", "whistle")
        }
        tail = ", " + json.dumps(rest, ensure_ascii=False)[1:] if rest else "}"
        return head, whistle, tail
