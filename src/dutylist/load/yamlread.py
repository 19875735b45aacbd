"""Safe YAML reading that keeps a position for every key and value.

The document is built from the parser's event stream (libyaml's C parser where
present), never through a constructor, so no tag can build an object or run code.
Building it ourselves also lets us refuse what PyYAML accepts silently: duplicate
keys, alias bombs, unbounded nesting, YAML 1.1's `no`/`off`-as-boolean traps. Plain
scalars resolve by the YAML 1.2 core schema; dates stay text and are checked later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

Mark = tuple[int, int]  # 1-based (line, column)

MAX_DEPTH = 100
MAX_EXPANSION_FACTOR = 20
MAX_EXPANSION_FLOOR = 200_000

STR_TAG = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    STR_TAG,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


class LocMap(dict):
    """A mapping that remembers where each key and each value starts."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class LocList(list):
    """A sequence that remembers where each item starts."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Why a document could not be read, and where: `code` is a DL0xx finding code."""

    code: str
    mark: Mark
    message_key: str
    args: dict[str, Any]


class YamlRefused(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message_key)
        self.problem = problem


def value_mark(container: Any, key: str | int) -> Mark | None:
    """Where the value under `key` of a mapping, or item `key` of a list, starts."""
    if isinstance(container, LocMap):
        return container.value_marks.get(str(key))
    if isinstance(container, LocList) and isinstance(key, int) and key < len(container.item_marks):
        return container.item_marks[key]
    return None


def key_mark(container: Any, key: str) -> Mark | None:
    if isinstance(container, LocMap):
        return container.key_marks.get(key)
    return None


def _mark(event: Any) -> Mark:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def _resolve_plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _scalar_value(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    plain = event.implicit[0]
    if tag in (None, "!"):
        return _resolve_plain(event.value) if plain and tag is None else event.value
    if tag not in _STANDARD_TAGS or tag.endswith(("map", "seq")):
        raise YamlRefused(YamlProblem("DL005", _mark(event), "DL005", {"tag": tag}))
    if tag == STR_TAG:
        return event.value
    value = _resolve_plain(event.value)
    expected: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "null": type(None),
    }
    wanted = expected[tag.rsplit(":", 1)[1]]
    if (isinstance(value, bool) and wanted is not bool) or not isinstance(value, wanted):
        raise YamlRefused(
            YamlProblem("DL005", _mark(event), "DL005.value", {"tag": tag, "value": event.value})
        )
    return value


def _check_tag(event: Any, kind: str) -> None:
    tag = event.tag
    if tag not in (None, "!", f"tag:yaml.org,2002:{kind}"):
        raise YamlRefused(YamlProblem("DL005", _mark(event), "DL005", {"tag": tag}))


@dataclass(slots=True)
class _Frame:
    container: LocMap | LocList
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_mark: Mark = (0, 0)
    key_is_merge: bool = False
    merges: list[tuple[Any, Mark]] | None = None


class _Builder:
    """Turns one document's events into LocMap / LocList / scalars.

    `expanded` counts the nodes a naive reader would build, aliases expanded; it grows
    with every alias by the size of what the alias names, so an alias bomb is caught
    after a few thousand events instead of after it has eaten the memory.
    """

    def __init__(self) -> None:
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.expanded = 0
        self.stack: list[_Frame] = []
        self.root: Any = None

    def start(self, container: LocMap | LocList, anchor: str | None) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlRefused(YamlProblem("DL006", container.mark, "DL006", {"limit": MAX_DEPTH}))
        self.stack.append(_Frame(container, anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.merges:
            assert isinstance(frame.container, LocMap)
            _apply_merges(frame.container, frame.merges)
        self.add(frame.container, frame.anchor, frame.size, frame.container.mark)

    def expecting_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, LocMap)
            and (self.stack[-1].key is None)
        )

    def add_key(self, event: yaml.ScalarEvent) -> None:
        frame = self.stack[-1]
        frame.key = event.value
        frame.key_mark = _mark(event)
        frame.key_is_merge = event.value == "<<" and event.implicit[0] and event.tag is None
        self._count(1, frame.key_mark)

    def add(self, value: Any, anchor: str | None, size: int, mark: Mark) -> None:
        self._count(size, mark)
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, LocList):
            container.append(value)
            container.item_marks.append(mark)
        elif frame.key is None:
            raise YamlRefused(YamlProblem("DL001", mark, "DL001.complex_key", {}))
        else:
            self._set(frame, container, value, mark)

    def _set(self, frame: _Frame, container: LocMap, value: Any, mark: Mark) -> None:
        key, kmark = frame.key, frame.key_mark
        assert key is not None
        frame.key = None
        if frame.key_is_merge:
            frame.merges = [*(frame.merges or []), (value, mark)]
            return
        if key in container:
            first_line = container.key_marks[key][0]
            raise YamlRefused(
                YamlProblem("DL003", kmark, "DL003", {"key": key, "first_line": first_line})
            )
        container[key] = value
        container.key_marks[key] = kmark
        container.value_marks[key] = mark

    def _count(self, size: int, mark: Mark) -> None:
        self.nodes += 1
        self.expanded += size
        if self.expanded > max(MAX_EXPANSION_FLOOR, MAX_EXPANSION_FACTOR * self.nodes):
            raise YamlRefused(YamlProblem("DL004", mark, "DL004", {"factor": MAX_EXPANSION_FACTOR}))


def _apply_merges(container: LocMap, merges: list[tuple[Any, Mark]]) -> None:
    for value, mark in merges:
        sources = value if isinstance(value, LocList) else [value]
        for source in sources:
            if not isinstance(source, LocMap):
                raise YamlRefused(YamlProblem("DL001", mark, "DL001.merge", {}))
            for key, item in source.items():
                if key not in container:
                    container[key] = item
                    container.key_marks[key] = source.key_marks[key]
                    container.value_marks[key] = source.value_marks[key]


def _events(text: str) -> Iterator[Any]:
    loader = _EventLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def parse_document(text: str) -> Any:
    """Parse one YAML document; raise YamlRefused with a position on any problem.

    Returns None for an empty document.
    """
    builder = _Builder()
    documents = 0
    try:
        for event in _events(text):
            _feed(builder, event)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlRefused(YamlProblem("DL008", _mark(event), "DL008", {}))
    except yaml.MarkedYAMLError as error:
        raise YamlRefused(_syntax_problem(error, text)) from None
    except yaml.YAMLError as error:
        raise YamlRefused(_reader_problem(error, text)) from None
    return builder.root


def _feed(builder: _Builder, event: Any) -> None:
    if isinstance(event, yaml.ScalarEvent):
        if builder.expecting_key():
            if event.anchor is not None:
                builder.anchors[event.anchor] = (event.value, 1)
            builder.add_key(event)
        else:
            builder.add(_scalar_value(event), event.anchor, 1, _mark(event))
    elif isinstance(event, yaml.MappingStartEvent):
        _check_tag(event, "map")
        _reject_complex_key(builder, event)
        builder.start(LocMap(_mark(event)), event.anchor)
    elif isinstance(event, yaml.SequenceStartEvent):
        _check_tag(event, "seq")
        _reject_complex_key(builder, event)
        builder.start(LocList(_mark(event)), event.anchor)
    elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
        builder.end()
    elif isinstance(event, yaml.AliasEvent):
        if event.anchor not in builder.anchors:
            raise YamlRefused(
                YamlProblem("DL001", _mark(event), "DL001.alias", {"anchor": event.anchor})
            )
        value, size = builder.anchors[event.anchor]
        if builder.expecting_key():
            if not isinstance(value, str):
                raise YamlRefused(YamlProblem("DL001", _mark(event), "DL001.complex_key", {}))
            builder.add_key(yaml.ScalarEvent(None, None, (True, False), value, event.start_mark))
        else:
            builder.add(value, None, size, _mark(event))


def _reject_complex_key(builder: _Builder, event: Any) -> None:
    if builder.expecting_key():
        raise YamlRefused(YamlProblem("DL001", _mark(event), "DL001.complex_key", {}))


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    position = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or str(error)
    if "nesting depth" in problem:  # libyaml's own limit, deeper than ours in block style
        return YamlProblem("DL006", position, "DL006", {"limit": MAX_DEPTH})
    key = "DL001.tab" if _char_at(text, position) == "\t" or "'\\t'" in problem else "DL001"
    return YamlProblem("DL001", position, key, {"problem": problem})


def _char_at(text: str, position: Mark) -> str:
    lines = text.split("\n", position[0])
    if position[0] > len(lines):
        return ""
    line = lines[position[0] - 1]
    return line[position[1] - 1] if 0 < position[1] <= len(line) else ""


def _reader_problem(error: yaml.YAMLError, text: str) -> YamlProblem:
    position = getattr(error, "position", None)
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
        reason = getattr(error, "reason", "") or str(error)
        character = getattr(error, "character", None)
        if isinstance(character, str) and character:
            character = ord(character[0])
        shown = f"#x{character:04x}" if isinstance(character, int) else "?"
        return YamlProblem("DL001", (line, column), "DL001.char", {"problem": f"{shown}: {reason}"})
    return YamlProblem("DL001", (1, 1), "DL001", {"problem": str(error)})
