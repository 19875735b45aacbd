"""Every id resolves, every value is declared, `at` names places, blowers make sense.

Ids of entries that were left out for schema problems count as known, so one typo
gives one finding, not a cascade.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence, Set
from functools import partial
from typing import Any

from dutylist.checks.context import ItemMemo
from dutylist.codes import finding
from dutylist.findings import Finding, Location
from dutylist.load.build import Loaded
from dutylist.lookup import Lookup, did_you_mean
from dutylist.model import (
    PLACE_KINDS,
    UNIT_KINDS,
    Attribute,
    Catalog,
    Condition,
    Duty,
    Located,
    Problem,
    Rule,
)

CODES = ("DL201", "DL203", "DL204", "DL205", "DL206", "DL208", "DL108")
RULE_ONLY_KEYS = ("problem", "category")


class _Everything(frozenset[str]):
    """Stands for all ids of a file that could not be read: nothing there is 'unknown'."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()
_KEYS_OF_FILE = {
    "units": ("units",),
    "problems": ("problems", "attributes", "categories"),
    "whistles": ("whistles",),
    "tasks": ("phases",),
}


class _Resolver:
    """Looks ids up, and words each miss as a finding with a suggestion."""

    def __init__(self, loaded: Loaded) -> None:
        catalog = loaded.catalog
        assert catalog is not None
        self.catalog = catalog
        self.broken: dict[str, Set[str]] = dict(loaded.broken_ids)
        unreadable = loaded.unusable_kinds
        for kind, keys in _KEYS_OF_FILE.items():
            if kind in unreadable:
                for key in keys:
                    self.broken[key] = _EVERYTHING
        self.units = Lookup(catalog.units)
        self.problems = Lookup(catalog.problems)
        self.categories = {p.category for p in catalog.problems.values() if p.category}
        self.broken.setdefault("categories", set())

    def unit(self, unit_id: str, where: Location, subject: str) -> Iterator[Finding]:
        if unit_id in self.catalog.units or unit_id in self.broken.get("units", ()):
            return
        yield self._unknown("unit", unit_id, where, subject, self.units.suggest(unit_id))

    def units_of(
        self, ids: Sequence[str], item: Located, field: str, subject: str
    ) -> Iterator[Finding]:
        for index, unit_id in enumerate(ids):
            yield from self.unit(unit_id, item.at(f"{field}[{index}]"), subject)

    def known(
        self, what: str, key: str, table: Iterable[str], item_id: str, where: Location, subject: str
    ) -> Iterator[Finding]:
        pool = set(table)
        if item_id in pool or item_id in self.broken.get(key, ()):
            return
        close = difflib.get_close_matches(item_id, sorted(pool), n=2, cutoff=0.6)
        yield self._unknown(what, item_id, where, subject, close)

    def problem(self, problem_id: str, where: Location, subject: str) -> Iterator[Finding]:
        if problem_id in self.catalog.problems or problem_id in self.broken.get("problems", ()):
            return
        suggestions = self.problems.suggest(problem_id)
        yield self._unknown("problem", problem_id, where, subject, suggestions)

    @staticmethod
    def _unknown(
        what: str, item_id: str, where: Location, subject: str, close: Sequence[str]
    ) -> Finding:
        args: dict[str, Any] = {"what": what, "id": item_id}
        hint = did_you_mean(close)
        if hint:
            args["hint"] = hint
        subjects = [s for s in (subject, item_id) if s]
        return finding("DL201", where, args=args, subjects=subjects)


def check(loaded: Loaded) -> Iterator[Finding]:
    resolve = _Resolver(loaded)
    catalog = resolve.catalog
    yield from _root(catalog, resolve)
    yield from _units(catalog, resolve)
    yield from _problems(catalog, resolve)
    # what a duty's or a rule's references resolve against (a city has ten thousand
    # duties: after an edit, only the entries read again are looked at)
    frame = (catalog.units, catalog.problems, catalog.attributes, catalog.whistles,
             resolve.broken)  # fmt: skip
    duties = ItemMemo(loaded, "references of duties", frame)
    for duty in catalog.duties:
        yield from duties.findings(duty, partial(_duty, duty, catalog, resolve))
    rules = ItemMemo(loaded, "references of rules", frame)
    for rule in catalog.rules:
        yield from rules.findings(rule, partial(_rule, rule, catalog, resolve))
    yield from _whistles(catalog, resolve)
    yield from _tasks(catalog, resolve)
    yield from _cases(catalog, resolve)


def _root(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    root = catalog.units.get(catalog.root)
    if root is None:
        yield from resolve.unit(catalog.root, catalog.at("root"), catalog.id)
    elif root.kind != "district":
        yield finding(
            "DL208", catalog.at("root"), args={"id": root.id, "kind": root.kind}, subjects=[root.id]
        )
    for result, unit_id in catalog.results_leads.items():
        yield from resolve.unit(unit_id, catalog.at(f"results_leads.{result}"), catalog.id)


def _units(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for unit in catalog.units.values():
        if unit.parent is not None:
            yield from resolve.unit(unit.parent, unit.at("parent"), unit.id)


def _problems(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for problem in catalog.problems.values():
        for index, name in enumerate(problem.attributes):
            yield from resolve.known(
                "attribute",
                "attributes",
                catalog.attributes,
                name,
                problem.at(f"attributes[{index}]"),
                problem.id,
            )


def _duty(duty: Duty, catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    yield from resolve.problem(duty.problem, duty.at("problem"), duty.id)
    yield from resolve.unit(duty.lead, duty.at("lead"), duty.id)
    yield from resolve.units_of(duty.support, duty, "support", duty.id)
    problem = catalog.problems.get(duty.problem)
    for condition in duty.when:
        if condition.attribute == "at":
            yield from _places(condition, catalog, resolve, duty.id)
        elif problem is not None and condition.attribute not in problem.attributes:
            if condition.attribute not in resolve.broken.get("attributes", ()):
                yield _undeclared(duty.id, condition, problem)
        elif condition.attribute in catalog.attributes:
            yield from _values(condition, catalog.attributes[condition.attribute], duty.id)


def _undeclared(duty_id: str, condition: Condition, problem: Problem) -> Finding:
    args = {
        "duty": duty_id,
        "attribute": condition.attribute,
        "problem": problem.id,
        "declared": list(problem.attributes) or "—",
    }
    return finding("DL204", condition.loc, args=args, subjects=[duty_id, problem.id])


def _rule(rule: Rule, catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for condition in rule.when:
        yield from _rule_condition(condition, catalog, resolve, rule.id)
    if rule.whistle is not None:
        yield from resolve.known(
            "whistle", "whistles", catalog.whistles, rule.whistle, rule.at("whistle"), rule.id
        )
    for step in rule.escalate or ():
        yield from resolve.unit(step.to, step.loc, rule.id)
    yield from resolve.units_of(rule.also_report, rule, "also_report", rule.id)


def _rule_condition(
    condition: Condition, catalog: Catalog, resolve: _Resolver, rule_id: str
) -> Iterator[Finding]:
    values = condition.equals or ()
    if condition.attribute == "at":
        yield from _places(condition, catalog, resolve, rule_id)
    elif condition.attribute == "problem":
        for value, where in zip(values, condition.value_locs, strict=False):
            yield from resolve.problem(str(value), where, rule_id)
    elif condition.attribute == "category":
        for value, where in zip(values, condition.value_locs, strict=False):
            yield from resolve.known(
                "category", "categories", resolve.categories, str(value), where, rule_id
            )
    elif condition.attribute not in catalog.attributes:
        yield from resolve.known(
            "attribute",
            "attributes",
            catalog.attributes,
            condition.attribute,
            condition.loc,
            rule_id,
        )
    else:
        yield from _values(condition, catalog.attributes[condition.attribute], rule_id)


def _places(
    condition: Condition, catalog: Catalog, resolve: _Resolver, subject: str
) -> Iterator[Finding]:
    for value, where in zip(condition.equals or (), condition.value_locs, strict=False):
        unit = catalog.units.get(str(value))
        if unit is None:
            yield from resolve.unit(str(value), where, subject)
        elif unit.kind not in PLACE_KINDS:
            yield finding(
                "DL205", where, args={"id": unit.id, "kind": unit.kind}, subjects=[subject, unit.id]
            )


def _values(condition: Condition, attribute: Attribute, subject: str) -> Iterator[Finding]:
    """Values of a condition against the attribute's declared values or type."""
    if condition.bounds and attribute.type != "number":
        bound = ", ".join(condition.bounds)
        yield finding(
            "DL108",
            condition.loc,
            "DL108.range",
            {"attribute": attribute.id, "bound": bound},
            [subject, attribute.id],
        )
    written = [*(condition.equals or ()), *(condition.excludes or ())]
    for value, where in zip(
        written, condition.value_locs or (condition.loc,) * len(written), strict=False
    ):
        yield from _value(value, where, attribute, subject)


def _value(value: Any, where: Location, attribute: Attribute, subject: str) -> Iterator[Finding]:
    subjects = [subject, attribute.id]
    if attribute.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield finding(
                "DL108",
                where,
                args={"attribute": attribute.id, "value": value, "expect": _NUMBER},
                subjects=subjects,
            )
    elif attribute.type == "boolean":
        if not isinstance(value, bool):
            yield finding(
                "DL108",
                where,
                args={"attribute": attribute.id, "value": value, "expect": _BOOLEAN},
                subjects=subjects,
            )
    elif str(value) not in attribute.values or not isinstance(value, str):
        args: dict[str, Any] = {
            "value": value,
            "attribute": attribute.id,
            "allowed": list(attribute.values),
        }
        close = difflib.get_close_matches(str(value), list(attribute.values), n=2, cutoff=0.3)
        hint = did_you_mean(close)
        if hint:
            args["hint"] = hint
        yield finding("DL203", where, args=args, subjects=subjects)


_NUMBER = {"en": "a number", "zh": "数字"}
_BOOLEAN = {"en": "true or false", "zh": "true 或 false"}


def _whistles(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for whistle in catalog.whistles.values():
        blower = whistle.blower
        if (
            blower in UNIT_KINDS
            or blower in catalog.units
            or blower in resolve.broken.get("units", ())
        ):
            continue
        args: dict[str, Any] = {"blower": blower, "kinds": list(UNIT_KINDS)}
        kinds = difflib.get_close_matches(blower, UNIT_KINDS, n=1)
        hint = did_you_mean([*kinds, *resolve.units.suggest(blower, 1)])
        if hint:
            args["hint"] = hint
        yield finding("DL206", whistle.at("blower"), args=args, subjects=[whistle.id])


def _tasks(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for task in catalog.tasks:
        yield from resolve.unit(task.lead, task.at("lead"), task.id)
        yield from resolve.units_of(task.support, task, "support", task.id)
        yield from resolve.known(
            "phase", "phases", catalog.phases, task.phase, task.at("phase"), task.id
        )


def _cases(catalog: Catalog, resolve: _Resolver) -> Iterator[Finding]:
    for case in catalog.cases:
        problem = resolve.problems.find(case.problem)
        if problem is None:
            yield from resolve.problem(case.problem, case.at("problem"), case.name)
        if case.place is not None and resolve.units.find(case.place) is None:
            yield from resolve.unit(case.place, case.at("at"), case.name)
        for key, value in case.with_.items():
            attribute = catalog.attributes.get(key)
            where = case.at(f"with.{key}")
            if problem is not None and key not in problem.attributes:
                yield from resolve.known(
                    "attribute", "attributes", problem.attributes, key, where, case.name
                )
            elif attribute is not None:
                yield from _value(value, where, attribute, case.name)
        expect = case.expect
        if isinstance(expect.get("lead"), str):
            yield from resolve.unit(expect["lead"], case.at("expect.lead"), case.name)
        if isinstance(expect.get("whistle"), str):
            yield from resolve.known(
                "whistle",
                "whistles",
                catalog.whistles,
                expect["whistle"],
                case.at("expect.whistle"),
                case.name,
            )
        for unit_id in [*expect.get("support", ()), *expect.get("support_includes", ())]:
            yield from resolve.unit(unit_id, case.at("expect"), case.name)
