"""The JSON form of an answer (PRODUCT.md, `who --format json`), one at a time or as
fast JSON lines for `who --batch`."""

from __future__ import annotations

import json
from typing import Any

from dutylist.engine.answer import Answer, Verdict
from dutylist.model import Catalog, Escalation


def _named(catalog: Catalog, table: str, item_id: str | None) -> dict[str, str] | None:
    if item_id is None:
        return None
    item = getattr(catalog, table).get(item_id)
    return {"id": item_id, "name": item.name if item is not None else item_id}


def _step(catalog: Catalog, step: Escalation) -> dict[str, Any]:
    shown: dict[str, Any] = {"after_minutes": step.after_minutes}
    if step.after_working_days is not None:
        shown["after_working_days"] = step.after_working_days
    shown["to"] = _named(catalog, "units", step.to)
    return shown


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
        "escalate": [_step(catalog, e) for e in answer.escalate],
        "basis": list(answer.basis),
        "duties": list(answer.duties),
        "rules": list(answer.rules),
    }
    if answer.respond_within_working_days is not None:  # `5wd`: the calendar says when
        result["respond_within_working_days"] = answer.respond_within_working_days
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
        verdict = answer.verdict
        parts = self._parts.get(id(verdict))
        if parts is None or parts[0] is not verdict:
            parts = (verdict, *self._split(answer))
            self._parts[id(verdict)] = parts
        _, head, whistle, tail = parts
        units = self._units
        place = units.get(answer.place) or self._unit(answer.place)
        if not whistle:
            return f"{head}{place}{tail}"
        blower = units.get(answer.blower) or self._unit(answer.blower)
        return f"{head}{place}{whistle}{blower}{tail}"

    def _split(self, core: Answer) -> tuple[str, str, str]:
        """The answer's JSON around its place and its blower, from one serialisation
        with both null: a key written `, "place": null` cannot occur inside a string,
        whose quotes JSON escapes, and the place comes before every other such key."""
        document = answer_json(core, self.catalog)
        document["place"] = None
        if document["whistle"] is not None:
            document["whistle"]["blower"] = None
        text = json.dumps(document, ensure_ascii=False)
        at = text.index(_PLACE)
        head, rest = text[:at] + _PLACE[:-4], text[at + len(_PLACE) :]
        if document["whistle"] is None:
            return head, "", rest
        at = rest.index(_BLOWER)
        return head, rest[:at] + _BLOWER[:-4], rest[at + len(_BLOWER) :]


_PLACE = ', "place": null'
_BLOWER = '"blower": null'
