"""Safe YAML reading that keeps a position for every key and value.

The document is built from the parser's event stream (libyaml's C parser where
present), never through a constructor, so no tag can build an object or run code.
Building it ourselves also lets us refuse what PyYAML accepts silently: duplicate
keys, alias bombs, unbounded nesting, YAML 1.1's `no`/`off`-as-boolean traps. Plain
scalars resolve by the YAML 1.2 core schema, less infinities and NaN (a catalogue's
numbers are real numbers); dates stay text and are checked later.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import yaml

from dutylist.load.limits import (
    MAX_DEPTH,
    MAX_EXPANSION_FACTOR,
    MAX_EXPANSION_FLOOR,
    Budget,
)

try:
    from yaml import CSafeLoader as _EventLoader

    _BYTE_OFFSETS = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

    _BYTE_OFFSETS = False

from dutylist.load.problems import Mark, YamlProblem, YamlRefused

__all__ = ["Mark", "YamlProblem", "YamlRefused"]


_YAML_TAG = "tag:yaml.org,2002:"
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
_FLOAT_MAX = int(sys.float_info.max)
_SCALAR = yaml.ScalarEvent


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


# the first characters a null, a boolean or a number can start with: any other plain
# scalar is text, and most are (ids, names), so the patterns are not even tried
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


def _resolve_plain(text: str) -> Any:
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    try:
        if _INT.match(text):
            return _real(int(text), text)
        if _OCT.match(text):
            return _real(int(text[2:], 8), text)
        if _HEX.match(text):
            return _real(int(text[2:], 16), text)
    except ValueError:  # thousands of digits: Python refuses, and no catalogue needs them
        return text
    if _FLOAT.match(text):
        return _real(float(text), text)
    return text


def _real(number: float, text: str) -> float | str:
    """A number the model can hold, else its text: catalogue numbers are real numbers, so
    `.inf`, `.nan` and numbers past a float's range stay text, and where a number is due
    the schema reports them at their place instead of the analysis going quietly wrong."""
    if isinstance(number, int):
        return number if abs(number) <= _FLOAT_MAX else text
    return number if math.isfinite(number) else text


def _scalar_value(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    plain = event.implicit[0]
    if tag in (None, "!"):
        return _resolve_plain(event.value) if plain and tag is None else event.value
    if tag not in _STANDARD_TAGS or tag.endswith(("map", "seq")):
        raise YamlRefused(YamlProblem("DL005", _mark(event), "DL005", {"tag": _shown(tag)}))
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
            YamlProblem(
                "DL005", _mark(event), "DL005.value", {"tag": _shown(tag), "value": event.value}
            )
        )
    return value


def _shown(tag: str) -> str:
    """A tag as people write it: `!!python/name:os.system`, not its long form."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _check_tag(event: Any, kind: str) -> None:
    tag = event.tag
    if tag not in (None, "!", f"tag:yaml.org,2002:{kind}"):
        raise YamlRefused(YamlProblem("DL005", _mark(event), "DL005", {"tag": _shown(tag)}))


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

    def __init__(self, budget: Budget) -> None:
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.max_nodes = budget.max_nodes - budget.nodes
        self.limit = f"{budget.max_nodes:,}"
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

    def scalar(self, event: yaml.ScalarEvent) -> None:
        """A scalar without anchor or tag inside a mapping or a list (most events): the
        steps of add_key or add, written out, without a dozen calls for each."""
        frame = self.stack[-1]
        start: Any = event.start_mark  # always there on a parser's events
        mark = (start.line + 1, start.column + 1)
        # one node more: a node of size 1 cannot break the expansion limit if the nodes
        # before it did not, so only their number is to be checked here
        self.nodes += 1
        self.expanded += 1
        if self.nodes > self.max_nodes:
            self.nodes -= 1
            self.expanded -= 1
            self._count(1, mark)  # raises the finding, as for any node
        value = event.value
        container = frame.container
        if type(container) is LocList:
            frame.size += 1
            container.append(_resolve_plain(value) if event.implicit[0] else value)
            container.item_marks.append(mark)
        elif frame.key is None:  # a key
            frame.key = value
            frame.key_mark = mark
            frame.key_is_merge = value == "<<" and event.implicit[0]
        else:
            frame.size += 1
            plain = _resolve_plain(value) if event.implicit[0] else value
            self._set(frame, cast(LocMap, container), plain, mark)

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
        if self.nodes > self.max_nodes:
            raise YamlRefused(
                YamlProblem("DL007", mark, "DL007.too_many_nodes", {"limit": self.limit})
            )
        if self.expanded > max(MAX_EXPANSION_FLOOR, MAX_EXPANSION_FACTOR * self.nodes):
            raise YamlRefused(YamlProblem("DL004", mark, "DL004", {"factor": MAX_EXPANSION_FACTOR}))


def node_count(value: Any) -> int:
    """The nodes of a value as the reader counts them against a budget: each key, each
    value, each list or mapping once (a slice of a list's items: those items)."""
    if isinstance(value, LocMap):
        return 1 + sum(1 + node_count(item) for item in value.values())
    if isinstance(value, list):
        return (1 if isinstance(value, LocList) else 0) + sum(node_count(i) for i in value)
    return 1


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


def parse_document(text: str, budget: Budget | None = None) -> Any:
    """Parse one YAML document; raise YamlRefused with a position on any problem.

    Returns None for an empty document. The nodes read count against `budget`, which a
    catalogue's files share; a document that would overrun it is refused where it does.
    """
    budget = budget or Budget()
    builder = _Builder(budget)
    documents = 0
    stack = builder.stack
    try:
        for event in _events(text):
            # the common case inline (a scalar without anchor or tag, in a mapping or a
            # list): the same steps as _feed, without a dozen calls for each of them
            if type(event) is _SCALAR and event.anchor is None and event.tag is None and stack:
                builder.scalar(event)  # most events: no dispatch, no alias or tag to weigh
                continue
            _feed(builder, event)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlRefused(YamlProblem("DL008", _mark(event), "DL008", {}))
    except yaml.MarkedYAMLError as error:
        raise YamlRefused(_syntax_problem(error, text)) from None
    except yaml.YAMLError as error:
        raise YamlRefused(_reader_problem(error, text)) from None
    budget.nodes += builder.nodes  # a refused document is not read: it takes nothing
    return builder.root


def _feed(builder: _Builder, event: Any) -> None:
    if isinstance(event, yaml.ScalarEvent):
        if event.anchor is None and event.tag is None and builder.stack:
            builder.scalar(event)
        elif builder.expecting_key():
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
    if "nesting depth" in problem:
        # libyaml's own limit (1,000 levels); in flow style its look-ahead meets it
        # before our count of 100 does, so the finding is where libyaml stopped
        return YamlProblem("DL006", position, "DL006", {"limit": MAX_DEPTH})
    if _char_at(text, position) == "\t" or "'\\t'" in problem:
        return YamlProblem("DL001", position, "DL001.tab", {"problem": problem})
    args: dict[str, Any] = {"problem": problem}
    hint = _hint(problem, _lines_around(text, position[0]), _char_at(text, position))
    if hint is not None:
        args["hint"] = hint
    return YamlProblem("DL001", position, "DL001", args)


def _hint(problem: str, lines: str, char: str) -> dict[str, str] | None:
    """What people who write catalogues by hand most often did to cause `problem`."""
    if "：" in lines:
        return {
            "en": "a full-width colon '：' does not separate a key from its value: "
            "write ':' and a space",
            "zh": "全角冒号“：”不能分隔键和值：请写半角冒号“:”，后面加一个空格",
        }
    if "expected ':'" in problem:
        return {
            "en": "a key on this line or the one before lacks ':', or ':' lacks the space after it",
            "zh": "这一行或上一行的键后面缺少“:”，或者“:”后面缺少空格",
        }
    if "unknown escape" in problem:
        return {
            "en": "in double quotes '\\' starts an escape: put the value in single quotes",
            "zh": "双引号里的“\\”表示转义：请改用单引号括起这个值",
        }
    if "cannot start any token" in problem and char:
        return {
            "en": f"a value cannot start with '{char}': put the value in quotes",
            "zh": f"值不能以“{char}”开头：请用引号括起这个值",
        }
    if "end of stream" in problem:
        return {
            "en": "a quote or bracket opened earlier is never closed",
            "zh": "前面有引号或括号没有闭合",
        }
    return None


def _lines_around(text: str, line: int) -> str:
    """The text of `line` (1-based) and of the line before it."""
    lines = text.split("\n", line)
    return "\n".join(lines[max(line - 2, 0) : line])


def _char_at(text: str, position: Mark) -> str:
    lines = text.split("\n", position[0])
    if position[0] > len(lines):
        return ""
    line = lines[position[0] - 1]
    return line[position[1] - 1] if 0 < position[1] <= len(line) else ""


def _reader_problem(error: yaml.YAMLError, text: str) -> YamlProblem:
    position = getattr(error, "position", None)
    if isinstance(position, int):
        if _BYTE_OFFSETS:  # libyaml counts the UTF-8 bytes it was given, not characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="replace"))
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
