"""A case as people write it — problem and place by id, name or alias, `KEY=VALUE`
settings — turned into ids and typed values.

Only the reading of words is here: `stage=在建`, `area_m2=300`, `night=是` become the
text, the number and the boolean they mean. Whether the problem has that attribute and
whether the value is one it can take is checked where every entry point checks it,
`semantics.cells` (the same DL601–DL606 errors as the Python API).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.errors import CaseError, UsageError
from dutylist.lookup import Lookup
from dutylist.model import Attribute, Catalog, Problem, Unit
from dutylist.semantics.cells import not_a_place, unknown_attribute_of

TRUE_WORDS = {"true", "是", "yes", "y", "1"}
FALSE_WORDS = {"false", "否", "no", "n", "0"}

__all__ = ["Case", "CaseError", "CaseReader", "parse_settings", "read_case", "typed_values"]


@dataclass(frozen=True)
class Case:
    problem: Problem
    place: Unit
    values: dict[str, Any]


class CaseReader:
    """Reads cases against one catalogue; the name look-ups are built once, not per case."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.problems = Lookup(catalog.problems)
        self.units = Lookup(catalog.units)
        self._places: Lookup[Unit] | None = None

    def problem(self, text: str) -> Problem:
        found = self.problems.find(text) if isinstance(text, str) else None
        if found is None:
            if not isinstance(text, str):
                raise CaseError("DL601", {"value": repr(text)}, variant="type")
            hint = _did_you_mean(self.problems.suggest(text)) or {
                "en": "list them with: dutylist matrix",
                "zh": "查看全部：dutylist matrix",
            }
            raise CaseError("DL601", {"value": text}, hint)
        return found

    def place(self, text: str | None) -> Unit:
        if text is None:
            return self.catalog.units[self.catalog.root]
        found = self.units.find(text)
        if found is None:
            if self._places is None:
                places = {u.id: u for u in self.catalog.units.values() if u.is_place}
                self._places = Lookup(places)
            raise CaseError("DL602", {"value": text}, _did_you_mean(self._places.suggest(text)))
        if not found.is_place:
            raise not_a_place(text, found.kind, found.id)
        return found

    def read(self, problem: str, place: str | None, raw: Mapping[str, Any]) -> Case:
        found = self.problem(problem)
        return Case(found, self.place(place), typed_values(self.catalog, found, raw))


def _did_you_mean(options: Sequence[str]) -> dict[str, str] | None:
    if not options:
        return None
    return {
        "en": f"did you mean {' or '.join(options)}?",
        "zh": f"是不是要写 {' 或 '.join(options)}？",
    }


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {pair}: expected KEY=VALUE", "for example: --set stage=在建")
        settings[key.strip()] = value.strip()
    return settings


def typed_values(catalog: Catalog, problem: Problem, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Each setting read as its attribute's type (text stays text for enumerations)."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        attribute = catalog.attributes.get(key)
        if key not in problem.attributes or attribute is None:
            raise unknown_attribute_of(key, problem, catalog)
        values[key] = read_word(attribute, value)
    return values


def read_word(attribute: Attribute, value: Any) -> Any:
    """What a value written as text means for this attribute: `300` → 300.0, `是` → True.
    Anything else is returned as it is, for the one validator to judge."""
    if not isinstance(value, str):
        return value
    if attribute.type == "number":
        try:
            number = float(value)
        except ValueError:
            return value  # text where a number is due: DL605 from the validator
        if not math.isfinite(number):
            raise CaseError("DL606", {"attribute": attribute.id, "value": f"'{value}'"})
        return number
    if attribute.type == "boolean":
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return value


def read_case(catalog: Catalog, problem: str, place: str | None, raw: Mapping[str, Any]) -> Case:
    """One case; for many, keep a CaseReader."""
    return CaseReader(catalog).read(problem, place, raw)
