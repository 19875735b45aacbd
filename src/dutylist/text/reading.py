"""What a resident's message says, read against one catalogue: the problem, the place
and the attributes named in it — each with where in the text it was found.

Names are found by a scan of the text against every name and alias the catalogue has
(a trie of them, walked from each character: the texts are short and the names shorter),
keeping the longest name at each place in the text, so that 桃源街社区 is not read as
桃源街 or 桃源. Of the places named, the most specific (the deepest in the tree) wins.
The problem is the one a trained model decides, when one is given, else the one whose
name or alias appears (the longest). An enumeration's value appears as written; a
number is read with its attribute's unit (300平方米, 2000 平方米).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dutylist.model import Catalog, Problem, Unit


@dataclass(frozen=True)
class Found:
    what: str  # problem | place | an attribute's id
    value: Any
    start: int
    end: int
    word: str  # the words of the text it was read from
    how: str  # name | alias | value | number | model


@dataclass
class Reading:
    problem: str | None = None
    place: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)

    def missing(self) -> list[str]:
        return [w for w, v in (("problem", self.problem), ("place", self.place)) if v is None]


class Names:
    """Every name to look for, and what it names; the longest at each spot wins."""

    def __init__(self, words: Iterable[tuple[str, str, str]]) -> None:
        self.trie: dict[str, Any] = {}
        for word, target, how in words:
            if not word:
                continue
            node = self.trie
            for char in word:
                node = node.setdefault(char, {})
            node.setdefault("", (target, how))  # the first to claim a word keeps it

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, target, how) of names in `text`, none inside a longer one."""
        spans = []
        for start in range(len(text)):
            node: dict[str, Any] | None = self.trie
            found = None
            for end in range(start, len(text)):
                node = node.get(text[end]) if node is not None else None
                if node is None:
                    break
                if "" in node:
                    found = (start, end + 1, *node[""])
            if found is not None:
                spans.append(found)
        kept: list[tuple[int, int, str, str]] = []
        for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
            if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
                kept.append(span)
        return sorted(kept)


def _named(items: Iterable[Problem | Unit]) -> list[tuple[str, str, str]]:
    words = []
    for item in items:
        words.append((item.name, item.id, "name"))
        words += [(alias, item.id, "alias") for alias in item.aliases]
        words += [(mark, item.id, "landmark") for mark in getattr(item, "landmarks", ())]
    return words


class TextReader:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.places = Names(_named(u for u in catalog.units.values() if u.is_place))
        self.problems = Names(_named(catalog.problems.values()))

    def read(self, text: str, problem: str | None = None) -> Reading:
        """What `text` names; `problem`, if given, is what a model decided."""
        reading = Reading()
        if problem is not None and problem in self.catalog.problems:
            reading.problem = problem
            reading.found.append(Found("problem", problem, 0, 0, "", "model"))
        else:
            named = self.problems.find(text)
            if named:
                start, end, target, how = max(named, key=lambda s: (s[1] - s[0], -s[0]))
                reading.problem = target
                reading.found.append(Found("problem", target, start, end, text[start:end], how))
        places = self.places.find(text)
        if places:
            start, end, target, how = max(
                places, key=lambda s: (self._depth(s[2]), s[1] - s[0], -s[0])
            )
            reading.place = target
            reading.found.append(Found("place", target, start, end, text[start:end], how))
        if reading.problem is not None:
            self._attributes(text, self.catalog.problems[reading.problem], reading)
        return reading

    def _depth(self, unit: str) -> int:
        depth, seen = 0, set()
        while unit in self.catalog.units and unit not in seen:
            seen.add(unit)
            parent = self.catalog.units[unit].parent
            if parent is None:
                break
            unit, depth = parent, depth + 1
        return depth

    def _attributes(self, text: str, problem: Problem, reading: Reading) -> None:
        for key in problem.attributes:
            attribute = self.catalog.attributes[key]
            if attribute.type in ("enum", "boolean"):
                said = [(v, v, "value") for v in attribute.values]
                said += [(w, v, "word") for v, words in attribute.words.items() for w in words]
                values = Names(said).find(text)
                if values:
                    start, end, value, how = max(values, key=lambda s: s[1] - s[0])
                    meant: Any = value == "true" if attribute.type == "boolean" else value
                    reading.values[key] = meant
                    reading.found.append(Found(key, meant, start, end, text[start:end], how))
            elif attribute.type == "number" and attribute.unit:
                number = re.search(r"(\d+(?:\.\d+)?)\s*" + re.escape(attribute.unit), text)
                if number:
                    amount = float(number.group(1))
                    reading.values[key] = amount
                    reading.found.append(Found(key, amount, number.start(), number.end(),
                                               number.group(0), "number"))  # fmt: skip


def found_json(found: Iterable[Found], catalog: Catalog) -> list[Mapping[str, Any]]:
    """What was read from where, for `who --text --explain` and its JSON."""
    shown: list[Mapping[str, Any]] = []
    for item in found:
        named: Unit | Problem | None = catalog.units.get(str(item.value)) or catalog.problems.get(
            str(item.value)
        )
        shown.append({
            "field": item.what, "value": item.value,
            "name": named.name if named is not None else None,
            "from": item.word, "at": [item.start, item.end], "how": item.how,
        })  # fmt: skip
    return shown
