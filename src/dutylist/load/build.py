"""Located documents → the frozen model, reporting duplicate ids on the way.

Entries with schema problems are left out of the model, but their ids are kept in
`Loaded.broken_ids` so that references to them do not cascade into more findings.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from dutylist.codes import finding
from dutylist.findings import Finding, Location
from dutylist.load.files import (
    REQUIRED_FILES,
    BuiltEntry,
    Parser,
    ReadFile,
    Sources,
    display_path,
    read_file,
)
from dutylist.load.limits import Budget
from dutylist.load.paths import CATALOG_FILES, listing
from dutylist.load.yamlread import LocList, LocMap, parse_document
from dutylist.model import (
    Attribute,
    Case,
    Catalog,
    Condition,
    Document,
    Duty,
    Effective,
    Escalation,
    Phase,
    Problem,
    ProgressNote,
    Rule,
    Task,
    Unit,
    Whistle,
)

DURATION_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}
_LIST_KEYS = {
    "units": ("units",),
    "problems": ("problems", "attributes"),
    "whistles": ("whistles",),
    "tasks": ("phases",),
}
YAML_SUFFIXES = (".yaml", ".yml")

T = TypeVar("T")
VERSIONED = ("duty", "rule")  # kinds whose id may be written once per period


def duration_minutes(text: str) -> int:
    """'30m' → 30, '2h' → 120, '7d' → 10080 (the schema has checked the form)."""
    return int(text[:-1]) * DURATION_MINUTES[text[-1]]


def time_limit(text: str | None) -> tuple[int | None, int | None]:
    """A duration as (minutes, working days): '2h' → (120, None), '5wd' → (None, 5).
    Working days are not a fixed number of minutes: the calendar decides when they end."""
    if not text:
        return None, None
    if text.endswith("wd"):
        return None, int(text[:-2])
    return duration_minutes(text), None


@dataclass
class Loaded:
    """What reading one catalogue folder gave: the model (if it could be built) and findings."""

    folder: Path
    catalog: Catalog | None
    findings: list[Finding]
    files: list[ReadFile]
    broken_ids: dict[str, set[str]] = field(default_factory=dict)
    # each folder listed while looking for files (absolute path → the names in it)
    listings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # analyses shared by checks

    @property
    def unusable_kinds(self) -> set[str]:
        """File kinds none of whose entries can be known: a required file that is missing,
        a file that could not be read, or one whose top level is itself wrong (a null or
        a text where its list is due). That one finding says it all; references into
        such a file are not reported again one by one."""
        present = {f.kind for f in self.files}
        kinds = {CATALOG_FILES[name] for name in REQUIRED_FILES} - present
        for read in self.files:
            tops = {(), *((key,) for key in _LIST_KEYS.get(read.kind, ()))}
            if read.document is None or tops & read.bad_paths:
                kinds.add(read.kind)
        return kinds


def load_catalog(
    folder: Path,
    sources: Sources | None = None,
    positions: bool = True,
    parsers: Mapping[str, Parser] | None = None,
) -> Loaded:
    """The catalogue in `folder`; `sources`: an editor's open files and what it has read
    already (`dutylist lsp`); `positions=False`: without where each field of an entry is
    (only findings point at fields: routing needs none, and a snapshot keeps none);
    `parsers`: by file kind, how a catalogue file's text is parsed when not whole
    (`dutylist.halves`)."""
    findings: list[Finding] = []
    budget = Budget()  # shared by every file of the catalogue, rules included
    home = _real(folder)
    listings: dict[str, tuple[str, ...]] = {}
    names = _listing(folder, findings, listings)
    for name in REQUIRED_FILES:
        if name not in names:
            findings.append(
                finding("DL106", Location(display_path(folder / name)), args={"file": name})
            )
    # catalog.yaml says where the rules folder is, so it is read first and may only link
    # within the catalogue folder; every other file may link within either folder
    catalog_file = (
        read_file(folder / "catalog.yaml", "catalog", (home,), budget, sources)
        if "catalog.yaml" in names
        else None
    )
    rules_folder = _rules_folder(folder, catalog_file, findings)
    tree = (home,) if rules_folder is None else (home, rules_folder)
    files = [] if catalog_file is None else [catalog_file]
    for name in names:
        if name == "catalog.yaml":
            continue
        if name in CATALOG_FILES:
            kind = CATALOG_FILES[name]
            parse = (parsers or {}).get(kind, parse_document)
            files.append(read_file(folder / name, kind, tree, budget, sources, parse))
        elif Path(name).suffix in YAML_SUFFIXES:
            findings.append(_unknown_file(folder / name))
    rule_files = (
        []
        if rules_folder is None
        else _read_rules(rules_folder, tree, budget, findings, listings, sources)
    )
    files.sort(key=lambda file: file.path.name)
    by_kind = {f.kind: f for f in files}
    files.extend(rule_files)
    for file in files:
        findings.extend(file.findings)
    loaded = Loaded(folder, None, findings, files, listings=listings)
    if catalog_file is None or not _catalog_core_ok(catalog_file):
        return loaded
    builder = _ModelBuilder(loaded, sources.built if sources is not None else None, positions)
    loaded.catalog = builder.build(catalog_file, by_kind, rule_files, rules_folder)
    if sources is not None:
        sources.built = builder.built
    return loaded


def _read_rules(
    rules_folder: Path,
    tree: tuple[Path, ...],
    budget: Budget,
    findings: list[Finding],
    listings: dict[str, tuple[str, ...]],
    sources: Sources | None = None,
) -> list[ReadFile]:
    names = _listing(rules_folder, findings, listings)
    return [
        read_file(rules_folder / name, "rules", tree, budget, sources)
        for name in names
        if Path(name).suffix in YAML_SUFFIXES
    ]


def _catalog_core_ok(catalog_file: ReadFile) -> bool:
    """catalog.yaml can anchor a model: a mapping whose id, name and root are sound."""
    if not isinstance(catalog_file.document, LocMap):
        return False
    return not any(
        path == () or path[0] in ("id", "name", "root") for path in catalog_file.bad_paths
    )


def _listing(
    folder: Path, findings: list[Finding], listings: dict[str, tuple[str, ...]]
) -> list[str]:
    """The names in a folder, sorted; a folder that cannot be listed is a finding."""
    try:
        names = listing(folder)
        listings[os.path.abspath(folder)] = tuple(names)
        return names
    except OSError as error:
        reason = error.strerror or type(error).__name__
        findings.append(
            finding("DL007", Location(display_path(folder)), args={"reason": reason}, subjects=[])
        )
        return []


def _unknown_file(path: Path) -> Finding:
    import difflib

    allowed = sorted(CATALOG_FILES)
    args: dict[str, Any] = {"file": path.name, "allowed": allowed}
    close = difflib.get_close_matches(path.stem + ".yaml", allowed, n=1, cutoff=0.6)
    if close:
        args["hint"] = {"en": f"did you mean '{close[0]}'?", "zh": f"是不是要写“{close[0]}”？"}
    return finding("DL107", Location(display_path(path)), args=args)


def _rules_folder(
    folder: Path, catalog_file: ReadFile | None, findings: list[Finding]
) -> Path | None:
    """The rules folder catalog.yaml names (or the default one), resolved; None if none."""
    document = catalog_file.document if catalog_file else None
    if not isinstance(document, LocMap) or catalog_file is None:
        return None
    written = document.get("rules")
    catalog_id = document.get("id")
    if isinstance(written, str):
        rules_folder = _real(folder / written)
        location = catalog_file.loc(document.value_marks["rules"])
    elif written is None and isinstance(catalog_id, str):
        rules_folder = _real(folder / ".." / ".." / "rules" / catalog_id)
        location = catalog_file.loc(document.mark)
    else:
        return None
    args: dict[str, Any] = {"folder": display_path(rules_folder)}
    try:
        mode = rules_folder.stat().st_mode
    except (OSError, ValueError) as error:  # missing, a loop of links, a name too long, NUL
        key = "DL207"
        if not isinstance(error, FileNotFoundError):
            args["hint"] = getattr(error, "strerror", None) or str(error)
    else:
        if stat.S_ISDIR(mode):
            return rules_folder
        key = "DL207.file"
    findings.append(finding("DL207", location, key, args=args, subjects=[]))
    return None


def _real(path: Path) -> Path:
    """The path with links resolved; unlike Path.resolve, a loop of links is no error."""
    return Path(os.path.realpath(path))


class _ModelBuilder:
    def __init__(
        self, loaded: Loaded, built_before: dict[int, BuiltEntry] | None, positions: bool = True
    ) -> None:
        self.loaded = loaded
        self.positions = positions
        # entry → (the entry, its file, its item, what building it reported), kept when
        # the catalogue is read for an editor: this build's, and the last build's to reuse
        self.built_before = built_before
        self.built: dict[int, BuiltEntry] = {}
        self.first_seen: dict[tuple[str, str], Location] = {}
        # (kind, id) → the periods it was written for, and where
        self.versions: dict[tuple[str, str], list[tuple[Effective | None, Location]]] = {}

    # -- the whole catalogue ---------------------------------------------------------
    def build(
        self,
        catalog_file: ReadFile,
        by_kind: dict[str, ReadFile],
        rule_files: list[ReadFile],
        rules_folder: Path | None,
    ) -> Catalog:
        doc = catalog_file.document
        sound = {key: doc.get(key) for key in doc if not catalog_file.item_is_bad(key)}
        respond, respond_days = time_limit((sound.get("defaults") or {}).get("respond_within"))
        calendar = sound.get("calendar") or {}
        problems_doc = self._doc(by_kind, "problems")
        tasks_doc = self._doc(by_kind, "tasks")
        return Catalog(
            folder=self.loaded.folder,
            id=doc["id"],
            name=doc["name"],
            root=doc["root"],
            rules_folder=rules_folder,
            default_respond_minutes=respond,
            default_respond_working_days=respond_days,
            workdays=tuple(sorted(d for d in map(_date, calendar.get("workdays") or ()) if d)),
            holidays=tuple(sorted(d for d in map(_date, calendar.get("holidays") or ()) if d)),
            key_tasks=sound.get("key_tasks"),
            results_leads=dict(sound.get("results_leads") or {}),
            units=self._by_id("unit", by_kind.get("units"), "units", self._unit),
            attributes=self._attributes(by_kind.get("problems"), problems_doc),
            problems=self._by_id("problem", by_kind.get("problems"), "problems", self._problem),
            duties=tuple(self._by_id("duty", by_kind.get("duties"), "duties", self._duty).values()),
            rules=tuple(self._rules(rule_files)),
            whistles=self._by_id("whistle", by_kind.get("whistles"), "whistles", self._whistle),
            phases=self._by_id("phase", by_kind.get("tasks"), "phases", self._phase)
            if tasks_doc is not None
            else {},
            tasks=tuple(self._by_id("task", by_kind.get("tasks"), "tasks", self._task).values()),
            cases=tuple(self._cases(by_kind.get("cases"))),
            spots=self._spots(catalog_file, doc),
        )

    @staticmethod
    def _doc(by_kind: dict[str, ReadFile], kind: str) -> Any:
        read = by_kind.get(kind)
        return read.document if read is not None else None

    # -- lists of entries with ids ----------------------------------------------------
    def _entries(self, file: ReadFile | None, key: str) -> Iterator[tuple[ReadFile, int, LocMap]]:
        if file is None or not isinstance(file.document, LocMap):
            return
        items = file.document.get(key)
        if not isinstance(items, LocList):
            return
        for index, entry in enumerate(items):
            if not isinstance(entry, LocMap):
                continue
            if file.bad_paths and file.item_is_bad(key, index):
                entry_id = entry.get("id")
                if isinstance(entry_id, str):
                    self.loaded.broken_ids.setdefault(key, set()).add(entry_id)
                category = entry.get("category")
                if key == "problems" and isinstance(category, str):
                    # a rule naming the category of a left-out problem is no new mistake
                    self.loaded.broken_ids.setdefault("categories", set()).add(category)
                continue
            yield file, index, entry

    def _by_id(
        self,
        what: str,
        file: ReadFile | None,
        key: str,
        make: Callable[[ReadFile, LocMap], T],
    ) -> dict[str, T]:
        table: dict[str, T] = {}
        versioned = what in VERSIONED
        for read, index, entry in self._entries(file, key):
            item_id = entry["id"]
            made, location = self._made(read, entry, make)
            if versioned and self._is_version(what, item_id, made, read, entry, location):
                table[f"{item_id}#{index}"] = made  # another period of the same duty or rule
                continue
            if self._is_duplicate(what, item_id, location):
                continue
            table[item_id] = made
        return table

    def _made(
        self, read: ReadFile, entry: LocMap, make: Callable[[ReadFile, LocMap], T]
    ) -> tuple[T, Location]:
        """The entry's item and where its id is; an entry read before is not built again
        (its item is immutable, and what building it reported is reported again)."""
        if self.built_before is None:
            return make(read, entry), read.loc(entry.value_marks["id"])
        known = self.built_before.get(id(entry))
        if known is not None and known[0] is entry and known[1] == read.shown:
            if known[3]:
                self.loaded.findings.extend(known[3])
            self.built[id(entry)] = known
            return known[2], known[4]
        reported = len(self.loaded.findings)
        made = make(read, entry)
        location = read.loc(entry.value_marks["id"])
        self.built[id(entry)] = (entry, read.shown, made, self.loaded.findings[reported:], location)
        return made, location

    def _spots(self, file: ReadFile, entry: LocMap) -> dict[str, Location]:
        return _spots(file, entry) if self.positions else {}

    def _is_version(
        self, what: str, item_id: str, made: Any, read: ReadFile, e: LocMap, location: Location
    ) -> bool:
        """A duty or rule id written again for another period (both with `effective`,
        the periods disjoint) is the same item in another period. Overlapping periods are
        DL210 and the later entry is left out; True when the entry is dealt with here."""
        effective = getattr(made, "effective", None)
        earlier = self.versions.setdefault((what, item_id), [])
        if effective is None or not earlier or any(other is None for other, _ in earlier):
            earlier.append((effective, location))
            return False
        clash = next((loc for other, loc in earlier if other and other.overlaps(effective)), None)
        if clash is None:
            earlier.append((effective, location))
            return True
        self.loaded.findings.append(
            finding(
                "DL210",
                read.loc(e.value_marks["effective"]),
                args={"what": what, "id": item_id, "first": str(clash), "period": str(effective)},
                subjects=[item_id],
            )
        )
        return True

    def _is_duplicate(self, what: str, item_id: str, location: Location) -> bool:
        first = self.first_seen.get((what, item_id))
        if first is None:
            self.first_seen[(what, item_id)] = location
            return False
        self.loaded.findings.append(
            finding(
                "DL202",
                location,
                args={"what": what, "id": item_id, "first": str(first)},
                subjects=[item_id],
            )
        )
        return True

    # -- one entry of each kind -----------------------------------------------------
    def _unit(self, file: ReadFile, e: LocMap) -> Unit:
        return Unit(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e["name"],
            kind=e["kind"],
            parent=e.get("parent"),
            powers=tuple(e.get("powers") or ()),
            aliases=tuple(e.get("aliases") or ()),
            landmarks=tuple(e.get("landmarks") or ()),
            effective=self._effective(file, e),
        )

    def _attributes(self, file: ReadFile | None, doc: Any) -> dict[str, Attribute]:
        if file is None or not isinstance(doc, LocMap):
            return {}
        declared = doc.get("attributes")
        if not isinstance(declared, LocMap):
            return {}
        table: dict[str, Attribute] = {}
        for name, spec in declared.items():
            if file.item_is_bad("attributes", name):
                self.loaded.broken_ids.setdefault("attributes", set()).add(name)
                continue
            table[name] = Attribute(
                loc=file.loc(declared.key_marks[name]),
                spots=self._spots(file, spec),
                id=name,
                type=spec.get("type", "enum"),
                values=tuple(spec.get("values") or ()),
                name=spec.get("name", name),
                unit=spec.get("unit"),
                words={str(k): tuple(v) for k, v in (spec.get("words") or {}).items()},
            )
        return table

    def _problem(self, file: ReadFile, e: LocMap) -> Problem:
        return Problem(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e["name"],
            aliases=tuple(e.get("aliases") or ()),
            category=e.get("category"),
            attributes=tuple(e.get("attributes") or ()),
        )

    def _duty(self, file: ReadFile, e: LocMap) -> Duty:
        return Duty(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            problem=e["problem"],
            when=_conditions(file, e.get("when")),
            lead=e["lead"],
            support=tuple(e.get("support") or ()),
            needs=tuple(e.get("needs") or ()),
            basis=e.get("basis"),
            effective=self._effective(file, e),
            list=e.get("list"),
            source=e.get("source"),
        )

    def _rules(self, files: list[ReadFile]) -> Iterator[Rule]:
        for file in files:
            yield from self._by_id("rule", file, "rules", self._rule).values()

    def _rule(self, file: ReadFile, e: LocMap) -> Rule:
        respond, respond_days = time_limit(e.get("respond_within"))
        escalate = e.get("escalate")
        return Rule(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e.get("name"),
            when=_conditions(file, e.get("when")),
            whistle=e.get("whistle"),
            respond_within_minutes=respond,
            respond_within_working_days=respond_days,
            escalate=None if escalate is None else tuple(_escalations(file, escalate)),
            also_report=tuple(e.get("also_report") or ()),
            effective=self._effective(file, e),
        )

    def _effective(self, file: ReadFile, e: LocMap) -> Effective | None:
        """When the entry is in force (None: always); a period that ends before it
        starts holds on no day, which is DL109."""
        written = e.get("effective")
        if not isinstance(written, LocMap):
            return None
        effective = Effective(_date(written.get("from")), _date(written.get("to")))
        if effective.start and effective.end and effective.end < effective.start:
            self.loaded.findings.append(
                finding(
                    "DL109",
                    file.loc(written.value_marks["to"]),
                    args={"id": e.get("id"), "start": effective.start, "end": effective.end},
                    subjects=[str(e.get("id"))],
                )
            )
        return effective

    def _whistle(self, file: ReadFile, e: LocMap) -> Whistle:
        return Whistle(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e["name"],
            blower=e["blower"],
            reporters=tuple(e["reporters"]),
            purpose=e.get("purpose"),
            example=e.get("example"),
            effective=self._effective(file, e),
        )

    def _phase(self, file: ReadFile, e: LocMap) -> Phase:
        return Phase(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e["name"],
            start=_date(e.get("start")),
            end=_date(e.get("end")),
        )

    def _task(self, file: ReadFile, e: LocMap) -> Task:
        return Task(
            loc=_loc(file, e),
            spots=self._spots(file, e),
            id=e["id"],
            name=e["name"],
            aim=e.get("aim"),
            lead=e["lead"],
            support=tuple(e.get("support") or ()),
            phase=e["phase"],
            due=_date(e.get("due")),
            results=tuple(e.get("results") or ()),
            status=e["status"],
            done_on=_date(e.get("done_on")),
            documents=tuple(
                Document(d["title"], d.get("number"), _date(d.get("date")))
                for d in e.get("documents") or ()
            ),
            progress=tuple(
                ProgressNote(_date(p.get("date")), p["note"]) for p in e.get("progress") or ()
            ),
        )

    def _cases(self, file: ReadFile | None) -> Iterator[Case]:
        for read, _, e in self._entries(file, "cases"):
            yield Case(
                loc=_loc(read, e),
                spots=self._spots(read, e),
                name=e["name"],
                problem=e["problem"],
                place=e.get("at"),
                with_=dict(e.get("with") or {}),
                expect={k: _plain(v) for k, v in e["expect"].items()},
            )


def _loc(file: ReadFile, entry: LocMap) -> Location:
    return file.loc(entry.mark)


def _spots(file: ReadFile, entry: LocMap) -> dict[str, Location]:
    """Where each field's value is; list items as `key[i]`, `when` keys as `when.key`."""
    spots: dict[str, Location] = {}
    for key, value in entry.items():
        spots[key] = file.loc(entry.value_marks[key])
        if isinstance(value, LocList):
            for index, mark in enumerate(value.item_marks):
                spots[f"{key}[{index}]"] = file.loc(mark)
        elif isinstance(value, LocMap):
            for inner in value:
                spots[f"{key}.{inner}"] = file.loc(value.key_marks[inner])
    return spots


def _conditions(file: ReadFile, when: Any) -> tuple[Condition, ...]:
    if not isinstance(when, LocMap):
        return ()
    return tuple(_condition(file, when, key) for key in when)


def _condition(file: ReadFile, when: LocMap, key: str) -> Condition:
    value = when[key]
    location = file.loc(when.key_marks[key])
    if isinstance(value, LocMap):
        bounds = {k: float(v) for k, v in value.items() if k != "not"}
        excluded = value.get("not")
        excludes = None
        value_locs: tuple[Location, ...] = (file.loc(when.value_marks[key]),)
        if excluded is not None:
            excludes = tuple(excluded) if isinstance(excluded, LocList) else (excluded,)
            value_locs = _item_locs(file, excluded, value.value_marks["not"])
        return Condition(key, None, excludes, bounds or None, location, value_locs)
    if isinstance(value, LocList):
        return Condition(key, tuple(value), None, None, location, _item_locs(file, value, None))
    return Condition(key, (value,), None, None, location, (file.loc(when.value_marks[key]),))


def _item_locs(file: ReadFile, value: Any, mark: tuple[int, int] | None) -> tuple[Location, ...]:
    if isinstance(value, LocList):
        return tuple(file.loc(m) for m in value.item_marks)
    return (file.loc(mark),) if mark else ()


def _escalations(file: ReadFile, steps: LocList) -> Iterator[Escalation]:
    for step in steps:
        minutes, working_days = time_limit(step["after"])
        yield Escalation(minutes, step["to"], file.loc(step.value_marks["to"]), working_days)


def _date(text: Any) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_cases(path: Path) -> tuple[list[Case], list[Finding]]:
    """A cases file on its own (what `replay` reads): its cases, and what is wrong with
    it (an entry with schema errors is left out and reported)."""
    read = read_file(path, "cases")
    builder = _ModelBuilder(Loaded(path.parent, None, list(read.findings), [read]), None)
    cases = list(builder._cases(read))
    return cases, builder.loaded.findings
