"""Reading an edited file again by parsing only the list entries the edit touched
(`dutylist lsp`: a keystroke in a 10,000-duty file must not cost a second of parsing).

The entry boundaries come from the earlier reading of the whole file, never from a
guess at YAML's grammar: the edit must lie within entries of one top-level list, keep
the number of lines (so every other entry's positions stay true), and the edited lines
must read as list entries on their own — each a `- ` at the list's column, everything
else deeper, blank or a comment, and nothing that could reach across entries (anchors,
aliases, merge keys, tabs). Parsed alone behind as many empty lines as precede them,
those entries get the very positions a reading of the whole file gives. Anything else
returns None and the caller parses the whole text, so what is reported never depends
on which way the file was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dutylist.load.limits import Budget
from dutylist.load.yamlread import LocList, LocMap, YamlRefused, node_count, parse_document

# the top-level lists of each file kind whose entries can be read one by one
ENTRY_LISTS = {
    "units": ("units",),
    "problems": ("problems",),
    "duties": ("duties",),
    "whistles": ("whistles",),
    "tasks": ("phases", "tasks"),
    "cases": ("cases",),
    "rules": ("rules",),
}
REACHING = re.compile(r"[&*\t]|<<")  # what may tie an entry to text outside it


@dataclass(frozen=True, slots=True)
class Splice:
    """The edited file's document, and which entries of which list were read again."""

    document: LocMap
    nodes: int  # YAML nodes of the whole document, as a full reading counts them
    key: str
    first: int  # entries first … first + replaced - 1 of the earlier list …
    replaced: int
    added: int  # … are now `added` entries from `first` on


def spliced(
    kind: str, document: Any, nodes: int, old_text: str, text: str, budget: Budget
) -> Splice | None:
    """`text` read as `document` (the reading of `old_text`, `nodes` nodes) with only the
    edited entries parsed again; None when the edit cannot be read that way."""
    if not isinstance(document, LocMap) or kind not in ENTRY_LISTS or old_text == text:
        return None
    line_count = old_text.count("\n") + 1
    if text.count("\n") + 1 != line_count:
        return None
    changed = _changed_lines(old_text, text)
    for key in ENTRY_LISTS[kind]:
        span = _entries_span(document, key, line_count)
        if span is None:
            continue
        starts, end = span
        if not starts or changed[0] < starts[0] or changed[1] >= end:
            continue
        return _splice(document, nodes, key, starts, end, changed, old_text, text, budget)
    return None


def _changed_lines(old: str, new: str) -> tuple[int, int, int]:
    """The first and last line (1-based) where two texts of as many lines differ, and
    where the first of those lines starts (the same offset in both)."""
    start = _common_length(old, new, 1)
    tail = _common_length(old, new, -1)
    first = old.count("\n", 0, start) + 1
    last = old.count("\n", 0, max(len(old) - tail, start + 1) - 1) + 1
    return first, max(first, last), old.rfind("\n", 0, start) + 1


def _common_length(a: str, b: str, step: int, block: int = 4096) -> int:
    """How many leading (step 1) or trailing (step -1) characters two texts share,
    compared a block at a time."""
    limit = min(len(a), len(b))

    def same(at: int, size: int) -> bool:
        if step == 1:
            return a[at : at + size] == b[at : at + size]
        return a[len(a) - at - size : len(a) - at] == b[len(b) - at - size : len(b) - at]

    at = 0
    while at + block <= limit and same(at, block):
        at += block
    while at < limit and same(at, 1):
        at += 1
    return at


def _lines(text: str, first: int, end: int, line: int, offset: int) -> list[str]:
    """Lines first … end - 1 (1-based) of a text whose line `line` (≥ first) starts at
    `offset`."""
    for _ in range(line - first):
        offset = text.rfind("\n", 0, offset - 1) + 1
    return text[offset:].split("\n", end - first)[: end - first]


def _entries_span(document: LocMap, key: str, line_count: int) -> tuple[list[int], int] | None:
    """The first line of each entry of the list under `key`, and the line the list ends
    before (the next top-level key, or past the last line)."""
    items = document.get(key)
    if not isinstance(items, LocList) or key not in document.key_marks:
        return None
    own_line = document.key_marks[key][0]
    later = [mark[0] for mark in document.key_marks.values() if mark[0] > own_line]
    return [mark[0] for mark in items.item_marks], min(later, default=line_count + 1)


def _splice(
    document: LocMap,
    nodes: int,
    key: str,
    starts: list[int],
    end: int,
    changed: tuple[int, int, int],
    old_text: str,
    text: str,
    budget: Budget,
) -> Splice | None:
    first = max(n for n, start in enumerate(starts) if start <= changed[0])
    last = max(n for n, start in enumerate(starts) if start <= changed[1])
    chunk_start = starts[first]
    chunk_end = starts[last + 1] if last + 1 < len(starts) else end
    old_chunk = _lines(old_text, chunk_start, chunk_end, changed[0], changed[2])
    new_chunk = _lines(text, chunk_start, chunk_end, changed[0], changed[2])
    column = _dash_column(old_chunk[0])
    if (
        column is None
        or not _reads_alone(new_chunk, column)
        or REACHING.search("\n".join(old_chunk))
    ):
        return None  # fmt: skip
    trial = Budget(budget.max_bytes, budget.max_nodes)
    trial.nodes = budget.nodes + nodes - node_count(document[key][first : last + 1])
    try:
        read = parse_document("\n" * (chunk_start - 1) + "\n".join(new_chunk), trial)
    except YamlRefused:
        return None  # the whole file read says where and why
    if not isinstance(read, LocList):
        return None
    items: LocList = document[key]
    fresh = LocList(items.mark)
    fresh.extend([*items[:first], *read, *items[last + 1 :]])
    fresh.item_marks = [*items.item_marks[:first], *read.item_marks, *items.item_marks[last + 1 :]]
    copy = LocMap(document.mark)
    copy.update(document)
    copy.key_marks = dict(document.key_marks)
    copy.value_marks = dict(document.value_marks)
    copy[key] = fresh
    total = trial.nodes - budget.nodes - 1  # the chunk's own list is no node of the file
    return Splice(copy, total, key, first, last - first + 1, len(read))


def _dash_column(line: str) -> int | None:
    match = re.match(r"( *)-(?: |$)", line)
    return len(match.group(1)) if match else None


def _reads_alone(lines: list[str], column: int) -> bool:
    """The lines are whole entries of a list at `column`: the first starts one, and each
    other starts one, lies deeper, or is blank or a comment."""
    if not lines or _dash_column(lines[0]) != column or REACHING.search("\n".join(lines)):
        return False
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent > column or (indent == column and _dash_column(line) == column):
            continue
        return False
    return True
