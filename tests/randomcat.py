"""Small random catalogues for property tests, written as YAML like a person would.

Places: a district, two streets, two communities each. Attributes: an enumeration `e`,
a boolean `b`, a number `n` whose thresholds are whole numbers 1..9, so the values
SPACE below (whole and half numbers 0..10) meet every class of every condition.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

PLACES: dict[str, str | None] = {
    "d": None,
    "s1": "d",
    "s2": "d",
    "c11": "s1",
    "c12": "s1",
    "c21": "s2",
    "c22": "s2",
}
LEADS = ["u1", "u2", "u3"]
ENUM = ["x", "y", "z"]
NUMBERS = [k / 2 for k in range(0, 21)]  # 0, 0.5, ..., 10
SPACE: dict[str, list[Any]] = {"e": ENUM, "b": [True, False], "n": NUMBERS}
ORDER = ["e", "b", "n"]
BASES = ["《甲法》第一条", "《乙条例》第二条"]
ESCALATE_TO = ["boss", "u1"]
DEFAULT_RESPOND = 30  # minutes: the catalogue's `defaults: {respond_within: 30m}`


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
        units: list[dict[str, Any]] = [{"id": "d", "name": "区", "kind": "district"}]
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
            support = draw(st.lists(st.sampled_from(LEADS), max_size=2, unique=True))
            if support:
                duty["support"] = support
            if draw(st.booleans()):
                duty["basis"] = draw(st.sampled_from(BASES))
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
        if draw(st.integers(0, 2)) == 0:
            rule["escalate"] = [
                {
                    "after": draw(st.sampled_from(["30m", "2h"])),
                    "to": draw(st.sampled_from(ESCALATE_TO)),
                }
            ]
        catalog.rules.append(rule)
    return catalog


# -- the plain oracle: the contract's words, evaluated case by case --------------------
def inside(place: str, anchor: str) -> bool:
    node: str | None = place
    while node is not None:
        if node == anchor:
            return True
        node = PLACES[node]
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


# -- the oracle: every answer a case gets, from the contract's words alone --------------
FIELD_OF = {"whistle": "whistle", "respond_within": "respond_within", "escalate": "escalate"}


def minutes(text: str) -> int:
    return int(text[:-1]) * {"m": 1, "h": 60, "d": 1440}[text[-1]]


def nearest(place: str, kind_prefix: str) -> str | None:
    """The place itself or its nearest ancestor whose id starts with `kind_prefix`
    (s: street, c: community, d: district)."""
    node: str | None = place
    while node is not None:
        if node.startswith(kind_prefix):
            return node
        node = PLACES[node]
    return None


BLOWER_KIND = {"w1": "s", "w2": "c"}


class Oracle:
    """The contract evaluated plainly, over explicit sets of cases. Built once per
    catalogue (each duty's and rule's matching set enumerated once); then each case is
    a handful of set look-ups."""

    def __init__(self, catalog: RandomCatalog) -> None:
        self.catalog = catalog
        self.space = {p: all_cases(catalog, p) for p in catalog.problems}
        self.position = {
            p: {(place, tuple(sorted(vs.items()))): i for i, (place, vs) in enumerate(cases)}
            for p, cases in self.space.items()
        }
        self.duty_sets = {
            d["id"]: frozenset(
                i
                for i, (pl, vs) in enumerate(self.space[d["problem"]])
                if matches(d, pl, vs, d["problem"], catalog)
            )
            for d in catalog.duties
        }
        self.rule_sets = {
            r["id"]: frozenset(
                (p, i)
                for p, cases in self.space.items()
                for i, (pl, vs) in enumerate(cases)
                if matches(r, pl, vs, p, catalog)
            )
            for r in catalog.rules
        }

    def _decide_duties(
        self, problem: str, index: int
    ) -> tuple[str, str | None, list[dict[str, Any]]]:
        duties = [d for d in self.catalog.duties if d["problem"] == problem]
        hit = [d for d in duties if index in self.duty_sets[d["id"]]]
        applicable = [
            d
            for d in hit
            if not any(self.duty_sets[e["id"]] < self.duty_sets[d["id"]] for e in hit)
        ]
        leads = {d["lead"] for d in applicable}
        if not hit:
            return "gap", None, []
        if len(leads) == 1:
            return "routed", next(iter(leads)), applicable
        return "overlap", None, applicable

    def _outcome(
        self, problem: str, place: str, values: dict[str, Any]
    ) -> tuple[str, str | None, list[dict[str, Any]]]:
        index = self.position[problem][(place, tuple(sorted(values.items())))]
        return self._decide_duties(problem, index)

    def answer(self, problem: str, place: str, values: dict[str, Any]) -> dict[str, Any]:
        """What `who` must answer: status, lead, duties, support, whistle, blower, time
        limit, escalation, basis, matching rules, the deciding attribute."""
        attributes = self.catalog.problems[problem]
        missing = [a for a in attributes if a not in values]
        completions = [
            {**values, **dict(zip(missing, combo, strict=True))}
            for combo in itertools.product(*(SPACE[a] for a in missing))
        ]
        outcomes = [self._outcome(problem, place, vs) for vs in completions]
        kinds = {(status, lead) for status, lead, _ in outcomes}
        decided_by = None
        if len(kinds) == 1:
            status, lead = next(iter(kinds))
        else:
            status, lead = "undetermined", None
            decided_by = self._decided_by(problem, place, values, missing)
        order = {d["id"]: n for n, d in enumerate(self.catalog.duties)}
        duties = sorted(
            {d["id"]: d for _, _, ds in outcomes for d in ds}.values(), key=lambda d: order[d["id"]]
        )
        # rules: a rule whose condition needs a left-out attribute does not match
        rules = [r for r in self.catalog.rules if matches(r, place, values, problem, self.catalog)]
        fields: dict[str, Any] = {}
        conflicts: set[str] = set()
        for name in FIELD_OF:
            setting = [r for r in rules if name in r]
            deciding = [
                r
                for r in setting
                if not any(self.rule_sets[o["id"]] < self.rule_sets[r["id"]] for o in setting)
            ]
            found = {repr(r[name]) for r in deciding}
            if len(found) > 1:
                conflicts.add(name)
                fields[name] = None
            else:
                fields[name] = deciding[0][name] if deciding else None
        if conflicts and status == "routed":
            status = "overlap"
        respond = fields["respond_within"]
        if respond is not None:
            respond = minutes(respond)
        elif "respond_within" not in conflicts:
            respond = DEFAULT_RESPOND
        support: list[str] = []
        for unit in [u for d in duties for u in d.get("support", [])] + [
            u for r in rules for u in r.get("also_report", [])
        ]:
            if unit != lead and unit not in support:
                support.append(unit)
        whistle = fields["whistle"]
        return {
            "status": status,
            "lead": lead,
            "duties": [d["id"] for d in duties],
            "support": support,
            "whistle": whistle,
            "blower": nearest(place, BLOWER_KIND[whistle]) if whistle else None,
            "respond_within_minutes": respond,
            "escalate": [(minutes(e["after"]), e["to"]) for e in fields["escalate"] or []],
            "basis": list(dict.fromkeys(d["basis"] for d in duties if "basis" in d)),
            "rules": [r["id"] for r in rules],
            "conflicts": sorted(conflicts),
            "decided_by": decided_by,
        }

    def _decided_by(
        self, problem: str, place: str, values: dict[str, Any], missing: list[str]
    ) -> str:
        for name in missing:
            others = [a for a in missing if a != name]
            for rest in itertools.product(*(SPACE[a] for a in others)):
                fixed = {**values, **dict(zip(others, rest, strict=True))}
                seen = {self._outcome(problem, place, {**fixed, name: v})[:2] for v in SPACE[name]}
                if len(seen) > 1:
                    return name
        raise AssertionError("an undetermined case has a deciding attribute")


def answer_seen(answer: Any) -> dict[str, Any]:
    """An engine's answer in the oracle's terms."""
    return {
        "status": answer.status,
        "lead": answer.lead,
        "duties": list(answer.duties),
        "support": list(answer.support),
        "whistle": answer.whistle,
        "blower": answer.blower,
        "respond_within_minutes": answer.respond_within_minutes,
        "escalate": [(e.after_minutes, e.to) for e in answer.escalate],
        "basis": list(answer.basis),
        "rules": list(answer.rules),
        "conflicts": sorted(answer.conflicts),
        "decided_by": answer.decided_by.attribute if answer.decided_by else None,
    }


# -- dates: duties and rules in force from one day to another -------------------------
DAYS = [dt.date(2026, 1, 1), dt.date(2026, 7, 1), dt.date(2027, 1, 1)]
# days to ask on: each change day, the day before it, and far either side
ASKED = sorted({d + dt.timedelta(days=k) for d in DAYS for k in (-1, 0)} | {dt.date(2030, 1, 1)})


def _effective(draw: Any) -> dict[str, dt.date] | None:
    shape = draw(st.sampled_from(["always", "from", "to", "both"]))
    if shape == "always":
        return None
    start, end = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2)))
    end -= dt.timedelta(days=1)  # to the day before a change day
    if shape == "from":
        return {"from": start}
    if shape == "to":
        return {"to": end}
    return {"from": start, "to": end} if start <= end else {"from": start}


@st.composite
def dated_catalogs(draw: Any) -> RandomCatalog:
    """A random catalogue whose duties and rules hold from one day to another."""
    catalog = draw(catalogs())
    for item in [*catalog.duties, *catalog.rules]:
        effective = _effective(draw)
        if effective is not None:
            item["effective"] = effective
    return catalog


def holds_on(item: dict[str, Any], day: dt.date) -> bool:
    """The contract's words: `from` and `to` are days included; a side left out is open."""
    effective = item.get("effective") or {}
    return effective.get("from", day) <= day <= effective.get("to", day)


def in_force_on(catalog: RandomCatalog, day: dt.date) -> RandomCatalog:
    """The catalogue as it stands on `day`, as the oracle reads it: undated."""
    keep = copy.deepcopy(catalog)
    keep.duties = [{k: v for k, v in d.items() if k != "effective"} for d in keep.duties
                   if holds_on(d, day)]  # fmt: skip
    keep.rules = [{k: v for k, v in r.items() if k != "effective"} for r in keep.rules
                  if holds_on(r, day)]  # fmt: skip
    return keep
