"""Which files make a catalogue, and reading each into a located document.

A catalogue reads only what lies in its own tree: the catalogue folder and its rules
folder. A file there that is a symbolic link to somewhere else (another user's folder,
/dev/zero, a secret) is reported at the link and not followed; links within the tree
are fine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dutylist.codes import finding
from dutylist.findings import Finding, Location
from dutylist.load.limits import Budget
from dutylist.load.paths import display_path
from dutylist.load.schema import SchemaProblem, validate
from dutylist.load.text import decode, read_bytes
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


@dataclass
class Sources:
    """What an editor holds (`dutylist lsp`): the text of each open file, by absolute
    path, read instead of the disk; and each file already read, by path and digest of
    its bytes, reused as it is when its bytes are unchanged (only an edited file is
    parsed and validated again)."""

    texts: dict[str, str] = field(default_factory=dict)
    parsed: dict[tuple[str, str], ReadFile] = field(default_factory=dict)


def read_file(
    path: Path,
    kind: str,
    tree: Sequence[Path] = (),
    budget: Budget | None = None,
    sources: Sources | None = None,
) -> ReadFile:
    """Read and validate one file; `tree` are the resolved folders it may link into."""
    result = ReadFile(path, kind)
    target = link_outside(path, tree)
    if target is not None:
        result.findings.append(
            finding("DL007", result.loc((0, 0)), "DL007.outside", {"target": target})
        )
        return result
    try:
        held = sources.texts.get(os.path.abspath(path)) if sources is not None else None
        data = held.encode("utf-8") if held is not None else read_bytes(path, budget)
        digest = hashlib.sha256(data).hexdigest()
        if sources is not None:
            earlier = sources.parsed.get((os.path.abspath(path), digest))
            if earlier is not None and earlier.kind == kind:
                return earlier
            for key in [k for k in sources.parsed if k[0] == os.path.abspath(path)]:
                del sources.parsed[key]  # only the latest reading of a file is kept
            sources.parsed[(os.path.abspath(path), digest)] = result
        result.digest = digest
        result.real = os.path.realpath(path)
        document = parse_document(decode(data), budget)
    except YamlRefused as refused:
        result.findings.append(_from_yaml_problem(result, refused.problem))
        return result
    if document is None:
        result.findings.append(finding("DL105", result.loc((1, 1)), args={"key": TOP_KEY[kind]}))
        return result
    result.document = document
    for problem in validate(kind, document):
        result.findings.append(_from_schema_problem(result, problem))
        result.bad_paths.add(problem.path)
    return result


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
