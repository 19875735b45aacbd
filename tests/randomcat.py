"""Small random catalogues for property tests, written as YAML like a person would.

Places: a district, two streets, two communities each. Attributes: an enumeration `e`,
a boolean `b`, a number `n` whose thresholds are whole numbers 1..9, so the values
SPACE below (whole and half numbers 0..10) meet every class of every condition.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

PLACES = {"d": None, "s1": "d", "s2": "d", "c11": "s1", "c12": "s1", "c21": "s2", "c22": "s2"}
LEADS = ["u1", "u2", "u3"]
ENUM = ["x", "y", "z"]
NUMBERS = [k / 2 for k in range(0, 21)]  # 0, 0.5, ..., 10
SPACE = {"e": ENUM, "b": [True, False], "n": NUMBERS}
ORDER = ["e", "b", "n"]


@dataclass
class RandomCatalog:
    problems: dict[str, list[str]]  # problem → its attributes, in order
    categories: dict[str, str]
    duties: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)

    def write(self, root: Path) -> Path:
        folder = root / "catalog"
        folder.mkdir(parents=True)
        (root / "rules").mkdir()
        units = [{"id": "d", "name": "区", "kind": "district"}]
        units += [
            {
                "id": p,
                "name": p,
                "kind": "street" if p.startswith("s") else "community",
                "parent": parent,
            }
            for p, parent in PLACES.items()
            if parent
        ]
        units += [
            {"id": u, "name": u, "kind": "department", "parent": "d", "powers": ["执法"]}
            for u in LEADS
        ]
        units.append({"id": "boss", "name": "领导", "kind": "leadership", "parent": "d"})
        files = {
            "catalog.yaml": {
                "id": "r",
                "name": "随机",
                "root": "d",
                "rules": "../rules",
                "defaults": {"respond_within": "30m"},
            },
            "units.yaml": {"units": units},
            "problems.yaml": {
                "attributes": {
                    "e": {"values": ENUM},
                    "b": {"type": "boolean"},
                    "n": {"type": "number"},
                },
                "problems": [
                    {"id": p, "name": p, "category": self.categories[p], "attributes": attrs}
                    for p, attrs in self.problems.items()
                ],
            },
            "duties.yaml": {"duties": self.duties},
            "whistles.yaml": {
                "whistles": [
                    {"id": "w1", "name": "街道哨", "blower": "street", "reporters": ["department"]},
                    {
                        "id": "w2",
                        "name": "社区哨",
                        "blower": "community",
                        "reporters": ["department"],
                    },
                ]
            },
        }
        for name, content in files.items():
            (folder / name).write_text(
                yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8"
            )
        (root / "rules" / "r.yaml").write_text(
            yaml.safe_dump({"rules": self.rules}, allow_unicode=True, sort_keys=False), "utf-8"
        )
        return folder


def _condition(draw: Any, attribute: str) -> Any:
    if attribute == "e":
        values = draw(st.lists(st.sampled_from(ENUM), min_size=1, max_size=2, unique=True))
        return draw(st.sampled_from([values[0], values, {"not": values}]))
    if attribute == "b":
        return draw(st.booleans())
    low = draw(st.integers(1, 9))
    high = draw(st.integers(low, 9))
    shapes = [
        {"gte": low},
        {"gt": low},
        {"lt": high},
        {"lte": high},
        {"gte": low, "lt": high},
        {"gt": low, "lte": high},
        low,
    ]
    return draw(st.sampled_from(shapes))


def _when(draw: Any, attributes: list[str], allow_place: bool = True) -> dict[str, Any]:
    when: dict[str, Any] = {}
    if allow_place and draw(st.booleans()):
        when["at"] = draw(
            st.lists(st.sampled_from(list(PLACES)), min_size=1, max_size=2, unique=True)
        )
    for attribute in attributes:
        if draw(st.integers(0, 2)) == 0:
            when[attribute] = _condition(draw, attribute)
    return when


@st.composite
def catalogs(draw: Any) -> RandomCatalog:
    count = draw(st.integers(1, 3))
    problems = {f"p{i}": [a for a in ORDER if draw(st.booleans())] for i in range(count)}
    categories = {p: draw(st.sampled_from(["c1", "c2"])) for p in problems}
    catalog = RandomCatalog(problems, categories)
    number = itertools.count(1)
    for problem, attributes in problems.items():
        for _ in range(draw(st.integers(0, 4))):
            duty: dict[str, Any] = {
                "id": f"D{next(number)}",
                "problem": problem,
                "lead": draw(st.sampled_from(LEADS)),
            }
            when = _when(draw, attributes)
            if when:
                duty["when"] = when
            catalog.duties.append(duty)
    for index in range(draw(st.integers(0, 4))):
        rule: dict[str, Any] = {"id": f"R{index}"}
        when = _when(draw, [a for a in ORDER if draw(st.integers(0, 3)) == 0])
        scope = draw(st.sampled_from(["none", "problem", "category"]))
        if scope == "problem":
            when["problem"] = draw(st.sampled_from(list(problems)))
        elif scope == "category":
            when["category"] = draw(st.sampled_from(sorted(set(categories.values()))))
        if when:
            rule["when"] = when
        if draw(st.booleans()):
            rule["whistle"] = draw(st.sampled_from(["w1", "w2"]))
        if draw(st.booleans()):
            rule["respond_within"] = draw(st.sampled_from(["10m", "1h"]))
        if draw(st.integers(0, 3)) == 0:
            rule["also_report"] = [draw(st.sampled_from(LEADS))]
        catalog.rules.append(rule)
    return catalog


# -- the plain oracle: the contract's words, evaluated case by case --------------------
def inside(place: str, anchor: str) -> bool:
    while place is not None:
        if place == anchor:
            return True
        place = PLACES[place]
    return False


def holds(
    key: str,
    condition: Any,
    place: str,
    values: dict[str, Any],
    problem: str,
    catalog: RandomCatalog,
) -> bool:
    if key == "at":
        return any(
            inside(place, a) for a in (condition if isinstance(condition, list) else [condition])
        )
    if key == "problem":
        return problem == condition
    if key == "category":
        return catalog.categories[problem] == condition
    if key not in catalog.problems[problem] or key not in values:
        return False
    value = values[key]
    if isinstance(condition, dict):
        if "not" in condition:
            return value not in condition["not"]
        checks = {
            "gt": value > condition.get("gt", -1e9),
            "gte": value >= condition.get("gte", -1e9),
            "lt": value < condition.get("lt", 1e9),
            "lte": value <= condition.get("lte", 1e9),
        }
        return all(checks[k] for k in condition)
    if isinstance(condition, list):
        return value in condition
    return value == condition


def matches(
    item: dict[str, Any], place: str, values: dict[str, Any], problem: str, catalog: RandomCatalog
) -> bool:
    return all(
        holds(k, c, place, values, problem, catalog) for k, c in item.get("when", {}).items()
    )


def all_cases(catalog: RandomCatalog, problem: str) -> list[tuple[str, dict[str, Any]]]:
    attributes = catalog.problems[problem]
    combos = list(itertools.product(*(SPACE[a] for a in attributes)))
    return [
        (place, dict(zip(attributes, combo, strict=True))) for place in PLACES for combo in combos
    ]
