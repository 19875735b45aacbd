"""Which files make a catalogue, and reading each into a located document.

A catalogue reads only what lies in its own tree: the catalogue folder and its rules
folder. A file there that is a symbolic link to somewhere else (another user's folder,
/dev/zero, a secret) is reported at the link and not followed; links within the tree
are fine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dutylist.codes import finding
from dutylist.findings import Finding, Location
from dutylist.load.limits import Budget
from dutylist.load.paths import display_path
from dutylist.load.schema import SchemaProblem, revalidate, validate
from dutylist.load.splice import spliced
from dutylist.load.text import charge, decode, read_bytes
from dutylist.load.yamlread import YamlProblem, YamlRefused, parse_document

REQUIRED_FILES = ("catalog.yaml", "units.yaml")
TOP_KEY = {
    "catalog": "id",
    "units": "units",
    "problems": "problems",
    "duties": "duties",
    "whistles": "whistles",
    "tasks": "tasks",
    "cases": "cases",
    "rules": "rules",
}


@dataclass
class ReadFile:
    """One catalogue file: its document (None when unreadable) and what was wrong."""

    path: Path
    kind: str
    document: Any = None
    findings: list[Finding] = field(default_factory=list)
    bad_paths: set[tuple[Any, ...]] = field(default_factory=set)
    # the SHA-256 of exactly the bytes that were parsed (None when none were read), and
    # where the path led: what a snapshot of the model must be checked against
    digest: str | None = None
    real: str | None = None
    nodes: int = 0  # YAML nodes read, counted against the catalogue's budget
    problems: list[SchemaProblem] = field(default_factory=list)
    text: str | None = None  # kept when read for an editor: its next edit is spliced in

    @cached_property
    def shown(self) -> str:
        return display_path(self.path)

    def loc(self, mark: tuple[int, int]) -> Location:
        return Location(self.shown, mark[0], mark[1])

    def item_is_bad(self, *path: Any) -> bool:
        """True when a schema problem lies at or inside the item at `path`."""
        n = len(path)
        return any(p[:n] == path for p in self.bad_paths)


def link_outside(path: Path, tree: Sequence[Path]) -> str | None:
    """Where `path` leads when it is a symbolic link out of every folder of `tree`
    (resolved folders); None for a plain file or a link that stays inside."""
    if not tree or not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    if any(target.is_relative_to(folder) for folder in tree):
        return None
    return str(target)


# an entry read, the file it is in (as shown), its model item, what building it
# reported, and where its id is
BuiltEntry = tuple[Any, str, Any, list[Finding], Location]


@dataclass
class Sources:
    """What an editor holds (`dutylist lsp`): the text of each open file, by absolute
    path, read instead of the disk; and the latest reading of each file, reused as it
    is while its bytes are unchanged, and after an edit the base on which only the
    edited entries are read again (`load.splice`)."""

    texts: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, ReadFile] = field(default_factory=dict)
    # each entry's model item, by the entry read: an entry whose reading is reused is
    # not built again (`load.build`)
    built: dict[int, BuiltEntry] = field(default_factory=dict)


# how a file's text becomes its document (`parse_document`, or one half of a duties file
# for `dutylist.halves`); YamlRefused for what cannot be read
Parser = Callable[[str, Budget | None], Any]


def read_file(
    path: Path,
    kind: str,
    tree: Sequence[Path] = (),
    budget: Budget | None = None,
    sources: Sources | None = None,
    parse: Parser = parse_document,
) -> ReadFile:
    """Read and validate one file; `tree` are the resolved folders it may link into."""
    result = ReadFile(path, kind)
    target = link_outside(path, tree)
    if target is not None:
        result.findings.append(
            finding("DL007", result.loc((0, 0)), "DL007.outside", {"target": target})
        )
        return result
    key = os.path.abspath(path)
    earlier = sources.parsed.get(key) if sources is not None else None
    try:
        held = sources.texts.get(key) if sources is not None else None
        if held is None:
            data = read_bytes(path, budget)
        else:
            data = held.encode("utf-8")
            charge(data, budget)
        digest = hashlib.sha256(data).hexdigest()
        if earlier is not None and earlier.kind == kind and earlier.digest == digest:
            if budget is not None:
                budget.nodes += earlier.nodes
            return earlier
        if sources is not None:
            sources.parsed[key] = result
        result.digest = digest
        result.real = os.path.realpath(path)
        text = decode(data)
        if sources is not None:
            result.text = text
        if earlier is not None and earlier.kind == kind and _splice_into(result, earlier, budget):
            return result
        before = budget.nodes if budget is not None else 0
        document = parse(text, budget)
        result.nodes = (budget.nodes - before) if budget is not None else 0
    except YamlRefused as refused:
        result.findings.append(_from_yaml_problem(result, refused.problem))
        return result
    if document is None:
        result.findings.append(finding("DL105", result.loc((1, 1)), args={"key": TOP_KEY[kind]}))
        return result
    result.document = document
    _add_problems(result, validate(kind, document))
    return result


def _splice_into(result: ReadFile, earlier: ReadFile, budget: Budget | None) -> bool:
    """Read `result` from `earlier` by parsing only the edited entries again; False when
    that cannot be done (the whole text is parsed instead)."""
    if earlier.text is None or earlier.document is None or result.text is None:
        return False
    budget = budget or Budget()
    splice = spliced(
        result.kind, earlier.document, earlier.nodes, earlier.text, result.text, budget
    )
    if splice is None or budget.nodes + splice.nodes > budget.max_nodes:
        return False
    budget.nodes += splice.nodes
    result.nodes = splice.nodes
    result.document = splice.document
    _add_problems(result, revalidate(result.kind, splice, earlier.problems))
    return True


def _add_problems(result: ReadFile, problems: list[SchemaProblem]) -> None:
    result.problems = problems
    for problem in problems:
        result.findings.append(_from_schema_problem(result, problem))
        result.bad_paths.add(problem.path)


def _from_yaml_problem(file: ReadFile, problem: YamlProblem) -> Finding:
    return finding(problem.code, file.loc(problem.mark), problem.message_key, problem.args)


def _from_schema_problem(file: ReadFile, problem: SchemaProblem) -> Finding:
    subjects = _owner_id(file.document, problem.path)
    return finding(
        problem.code, file.loc(problem.mark), problem.message_key, problem.args, subjects
    )


def _owner_id(document: Any, path: tuple[Any, ...]) -> tuple[str, ...]:
    """The id of the list entry the problem lies in, when it has one."""
    if len(path) < 2 or not isinstance(document, dict):
        return ()
    items = document.get(path[0])
    if not isinstance(items, list) or not isinstance(path[1], int) or path[1] >= len(items):
        return ()
    entry = items[path[1]]
    owner = entry.get("id") if isinstance(entry, dict) else None
    return (owner,) if isinstance(owner, str) else ()
