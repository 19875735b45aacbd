"""A case as people write it — problem and place by id, name or alias, `KEY=VALUE`
settings — checked against the catalogue and turned into ids and typed values."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.errors import UsageError
from dutylist.lookup import Lookup
from dutylist.model import Attribute, Catalog, Problem, Unit

TRUE_WORDS = {"true", "是", "yes", "y", "1"}
FALSE_WORDS = {"false", "否", "no", "n", "0"}


class CaseError(UsageError):
    """A case that names something the catalogue lacks or a value it does not allow."""


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
        found = self.problems.find(text)
        if found is None:
            hint = _suggestion(self.problems.suggest(text), "dutylist matrix")
            raise CaseError(f"unknown problem '{text}'", hint)
        return found

    def place(self, text: str | None) -> Unit:
        if text is None:
            return self.catalog.units[self.catalog.root]
        found = self.units.find(text)
        if found is None:
            if self._places is None:
                places = {u.id: u for u in self.catalog.units.values() if u.is_place}
                self._places = Lookup(places)
            raise CaseError(
                f"unknown place '{text}'", _suggestion(self._places.suggest(text), None)
            )
        if not found.is_place:
            raise CaseError(
                f"'{text}' is a {found.kind} ({found.id}), not a place",
                "--at names a district, street or community",
            )
        return found

    def read(self, problem: str, place: str | None, raw: Mapping[str, Any]) -> Case:
        found = self.problem(problem)
        return Case(found, self.place(place), typed_values(self.catalog, found, raw))


def _suggestion(options: Sequence[str], fallback: str | None) -> str | None:
    if options:
        return "did you mean " + " or ".join(options) + "?"
    return f"list them with: {fallback}" if fallback else None


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CaseError(f"--set {pair}: expected KEY=VALUE", "for example: --set stage=在建")
        settings[key.strip()] = value.strip()
    return settings


def typed_values(catalog: Catalog, problem: Problem, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check each setting against the problem's declared attributes and their values."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in problem.attributes:
            declared = ", ".join(problem.attributes) or "none"
            raise CaseError(
                f"problem {problem.id} ({problem.name}) has no attribute '{key}'",
                f"its attributes: {declared}",
            )
        values[key] = coerce(catalog.attributes[key], value)
    return values


def coerce(attribute: Attribute, value: Any) -> Any:
    if attribute.type == "number":
        return _number(attribute, value)
    if attribute.type == "boolean":
        return _boolean(attribute, value)
    text = value if isinstance(value, str) else str(value)
    if text not in attribute.values:
        raise CaseError(
            f"'{text}' is not a value of {attribute.id}",
            f"allowed: {', '.join(attribute.values)}",
        )
    return text


def _number(attribute: Attribute, value: Any) -> float:
    if isinstance(value, bool):
        raise CaseError(
            f"{attribute.id} takes a number, not {value}", f"for example: {attribute.id}=500"
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CaseError(
            f"{attribute.id} takes a number, not '{value}'", f"for example: {attribute.id}=500"
        ) from None
    if not math.isfinite(number):
        raise CaseError(f"{attribute.id} takes a finite number, not '{value}'", None)
    return number


def _boolean(attribute: Attribute, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CaseError(
        f"{attribute.id} takes true or false, not '{value}'", f"for example: {attribute.id}=true"
    )


def read_case(catalog: Catalog, problem: str, place: str | None, raw: Mapping[str, Any]) -> Case:
    """One case; for many, keep a CaseReader."""
    return CaseReader(catalog).read(problem, place, raw)
