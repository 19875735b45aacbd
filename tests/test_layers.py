"""The layers of the package, as the README's developer section draws them.

Each module (or package) may import only the layers listed for it; a new import that
crosses a layer fails here, naming the file and line. Standard-library and third-party
imports are not judged.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).parent.parent / "src" / "dutylist"

BASE = {"i18n", "messages", "findings", "errors", "model"}
# layer → the layers it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "i18n": {"messages"},
    "messages": set(),
    "findings": {"i18n"},
    "errors": {"i18n"},
    "model": {"findings"},
    "codes": {"findings", "i18n"},
    "output": {"errors"},
    "gcpause": set(),
    "load": {*BASE, "codes"},
    "semantics": BASE,
    "engine": {*BASE, "semantics"},
    "analysis": {*BASE, "semantics"},
    "lookup": BASE,
    "responsibilities": BASE,
    "plan": BASE,
    "township": BASE,  # the three township lists counted per street
    "dated": BASE,  # what is in force on a day
    "workdays": set(),  # the calendar of working days: nothing of dutylist's
    "text": {*BASE, "version", "lookup"},  # messages: read against the model, classified
    "graph": {*BASE, "semantics"},
    "checks": {*BASE, "codes", "load", "semantics", "analysis", "lookup", "dated"},
    "report": {*BASE, "codes", "engine", "plan", "version"},
    "matrix": {*BASE, "report"},
    "workbook": {*BASE, "matrix", "plan", "report"},  # the printable export
    "sheets": {*BASE, "lookup"},  # reading published lists from spreadsheets
    # the language server: a client of the checker, as an editor sees it
    "lsp": {*BASE, "checker", "load", "gcpause", "version"},
    "checker": {*BASE, "codes", "load", "checks", "lookup"},
    "snapshot": {*BASE, "load", "version"},
    "halves": {*BASE, "load", "snapshot"},  # a cold catalogue read by two processes at once
    "session": {*BASE, "load", "checks", "checker", "semantics", "snapshot", "dated", "halves"},
    "casein": {*BASE, "lookup", "semantics"},
    "casetest": {*BASE, "casein", "engine", "load"},
    "dispatcher": {*BASE, "engine", "session"},
    # what a change does: both sides' engines, checks and items, compared
    "diff": {*BASE, "semantics", "engine", "checker", "load", "session", "report", "snapshot"}
    | {"casein", "dated"},
    "store": set(),  # the whistle store knows nothing of catalogues: it keeps what it is given
    # the desk: the engine's answers and the store's log, and who may do what
    "service": {*BASE, "casein", "dispatcher", "engine", "lookup", "report", "session", "store"}
    | {"workdays", "checker", "dated"},
    # the HTTP face: a client of the desk, never of the engine or the store's tables
    "web": {*BASE, "service", "report", "store", "version", "matrix", "plan"},
    "commands": {*BASE, "codes", "load", "semantics", "engine", "analysis", "checks"}
    | {"checker", "graph", "lookup", "matrix", "plan", "report", "responsibilities"}
    | {"session", "casein", "casetest", "output", "dispatcher", "store", "service", "web"}
    | {"text", "snapshot", "workbook", "diff", "sheets", "township", "lsp", "dated", "halves"},
    "cli": {*BASE, "commands", "gcpause", "version"},
    "__main__": {"cli"},
    "package": set(),
}


def _layer(module: str) -> str:
    """dutylist.engine.index → engine; dutylist.model → model; dutylist → package."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    return parts[1]


def _modules() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((path, ".".join(parts)))
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    seen = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dutylist":
                for alias in node.names:
                    name = "version" if alias.name == "__version__" else alias.name
                    seen.append((node.lineno, f"dutylist.{name}"))
            elif node.module.startswith("dutylist."):
                seen.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            seen += [(node.lineno, a.name) for a in node.names if a.name.startswith("dutylist.")]
    return seen


@pytest.mark.parametrize(("path", "module"), _modules(), ids=lambda value: str(value))
def test_each_module_imports_only_the_layers_below_it(path: Path, module: str) -> None:
    mine = _layer(module)
    assert mine in ALLOWED, f"{module}: a new layer — add it to ALLOWED and the README"
    for line, imported in _imports(path):
        theirs = "version" if imported == "dutylist.version" else _layer(imported)
        if theirs == mine:
            continue
        assert theirs in ALLOWED[mine], f"{path}:{line}: {mine} may not import {imported}"


def test_a_command_imports_no_other_command() -> None:
    for path, module in _modules():
        if _layer(module) != "commands" or module.endswith(("common", "commands")):
            continue
        for line, imported in _imports(path):
            if imported.startswith("dutylist.commands."):
                assert imported == "dutylist.commands.common", f"{path}:{line}: {imported}"


def test_the_semantics_are_said_once() -> None:
    """Nothing outside `semantics` builds bitmasks of matching items or sorts boxes by
    containment: those are the semantics core's to say."""
    for path, module in _modules():
        if _layer(module) == "semantics":
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("strictly_inside(", "most_specific(", ".admits(", "place_classes("):
            assert word not in text, f"{path}: {word} belongs in dutylist.semantics"
