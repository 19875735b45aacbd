"""What the language server knows, independent of the protocol: which catalogue an open
file belongs to, its findings with the editor's unsaved text, and where each id is
defined and used.

A check reads the open files from the editor, the rest from the disk. After an edit
only the edited entries of the edited file are parsed, validated and built again
(`load.splice`, `load.build`), and only the problems whose duties or rules changed are
compiled and swept again (`semantics.compiled`, `analysis.sweep`); every check still
runs over the whole catalogue, so the findings are exactly `dutylist check`'s.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dutylist.checker import check_folder
from dutylist.findings import Finding, Location
from dutylist.load.build import Loaded
from dutylist.load.files import Sources
from dutylist.model import Catalog

ID_CHARS = r"A-Za-z0-9._\-"
TOKEN = re.compile(rf"[{ID_CHARS}]+")


@dataclass(frozen=True, slots=True)
class Definition:
    kind: str  # unit | problem | duty | rule | whistle | attribute
    id: str
    name: str
    location: Location
    detail: str = ""  # the unit's kind, the problem's category …


@dataclass
class Checked:
    folder: Path
    loaded: Loaded
    findings: list[Finding]

    @cached_property
    def definitions(self) -> dict[str, list[Definition]]:
        """Where each id is defined: worked out when first asked (a hover, a jump), not
        on every keystroke."""
        return _definitions(self.loaded.catalog)


def catalogue_folder(path: Path, known: Iterable[Checked] = ()) -> Path | None:
    """The catalogue a file belongs to: its own folder when that holds catalog.yaml; for a
    rules file, a catalogue already checked that reads it, else ../../catalogs/ID (where
    a catalogue's rules are by default)."""
    folder = path.parent
    if (folder / "catalog.yaml").is_file():
        return folder
    real = os.path.realpath(path)
    for checked in known:
        if any(read.real == real for read in checked.loaded.files):
            return checked.folder
    guess = folder.parent.parent / "catalogs" / folder.name
    if (guess / "catalog.yaml").is_file():
        return guess
    return None


class Workspace:
    def __init__(self, today: dt.date | None = None) -> None:
        self.sources = Sources()
        self.today = today
        self.checked: dict[Path, Checked] = {}
        # the latest check of each catalogue that got as far as the analyses: after an
        # edit, its work on the problems the edit did not touch is reused
        self.analysed: dict[Path, Loaded] = {}

    # -- open files ---------------------------------------------------------------------
    def set_text(self, path: Path, text: str | None) -> None:
        """The editor's text of a file (None: closed, the disk's again)."""
        key = os.path.abspath(path)
        if text is None:
            self.sources.texts.pop(key, None)
        else:
            self.sources.texts[key] = text

    def text_of(self, path: Path) -> str:
        held = self.sources.texts.get(os.path.abspath(path))
        if held is not None:
            return held
        try:
            return path.read_text("utf-8", errors="replace")
        except OSError:
            return ""

    # -- checking ------------------------------------------------------------------------
    def check(self, path: Path) -> Checked | None:
        folder = catalogue_folder(path, self.checked.values())
        if folder is None:
            return None
        key = folder.resolve()
        earlier = self.analysed.get(key)
        loaded, findings = check_folder(folder, self.today, self.sources, earlier)
        if "sweep" in loaded.cache:  # analysed: what the next check can build on
            self.analysed[key] = loaded
        checked = Checked(folder, loaded, findings)
        self.checked[key] = checked
        return checked

    def latest(self, path: Path) -> Checked | None:
        folder = catalogue_folder(path, self.checked.values())
        if folder is None:
            return None
        return self.checked.get(folder.resolve()) or self.check(path)

    def files_of(self, checked: Checked) -> list[Path]:
        """Every file of the catalogue: its YAML and its rules."""
        return [read.path for read in checked.loaded.files]

    # -- ids -----------------------------------------------------------------------------
    def token_at(self, path: Path, line: int, character: int) -> str | None:
        """The id-like word under a 0-based position."""
        lines = self.text_of(path).split("\n")
        if line >= len(lines):
            return None
        for match in TOKEN.finditer(lines[line]):
            if match.start() <= character <= match.end():
                return match.group(0)
        return None

    def references(self, checked: Checked, word: str) -> Iterator[tuple[Path, int, int]]:
        """Each place the id is written as a whole word: (file, 0-based line, column)."""
        pattern = re.compile(rf"(?<![{ID_CHARS}]){re.escape(word)}(?![{ID_CHARS}])")
        for path in self.files_of(checked):
            for number, text in enumerate(self.text_of(path).split("\n")):
                code = text.split("#", 1)[0]  # not in comments
                for match in pattern.finditer(code):
                    yield path, number, match.start()


def _definitions(catalog: Catalog | None) -> dict[str, list[Definition]]:
    found: dict[str, list[Definition]] = {}
    if catalog is None:
        return found

    def add(kind: str, item: Any, name: str, detail: str = "") -> None:
        where = item.at("id") if hasattr(item, "at") else item.loc
        found.setdefault(item.id, []).append(Definition(kind, item.id, name, where, detail))

    for unit in catalog.units.values():
        add("unit", unit, unit.name, unit.kind)
    for problem in catalog.problems.values():
        add("problem", problem, problem.name, problem.category or "")
    for attribute in catalog.attributes.values():
        add("attribute", attribute, attribute.name or attribute.id, attribute.type)
    for duty in catalog.duties:
        add("duty", duty, f"{duty.problem} → {duty.lead}")
    for rule in catalog.rules:
        add("rule", rule, rule.name or rule.id)
    for whistle in catalog.whistles.values():
        add("whistle", whistle, whistle.name, whistle.blower)
    return found
