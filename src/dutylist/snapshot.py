"""A compiled cache of sound catalogues, keyed by their content, for fast start-up.

Reading a city catalogue (megabytes of YAML, schemas, references) takes seconds; a
dispatcher's `dutylist who` should not. After a catalogue loads with no error that
blocks routing, its model is stored as plain data (marshal) under a key that hashes
every byte of every catalogue and rule file, their names, and dutylist's own code. The
next start with the same bytes reads the snapshot instead. Any edit changes the key, so
a snapshot is never stale; a snapshot that cannot be read is ignored and rewritten.
Snapshots keep each entry's location but not the position of every field: they serve
routing (`who`, `test`, `duties`, `matrix`, `graph`), never `check`.

DUTYLIST_CACHE=off turns it off; DUTYLIST_CACHE_DIR moves it (default: the user's cache
folder, e.g. ~/.cache/dutylist).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from dutylist import __version__
from dutylist.findings import Location
from dutylist.load.files import CATALOG_FILES, link_outside
from dutylist.load.limits import Budget
from dutylist.load.text import read_bytes, read_text
from dutylist.load.yamlread import LocMap, YamlRefused, parse_document
from dutylist.model import (
    Attribute,
    Case,
    Catalog,
    Condition,
    Document,
    Duty,
    Escalation,
    Phase,
    Problem,
    ProgressNote,
    Rule,
    Task,
    Unit,
    Whistle,
)

FORMAT = 1
KEEP = 16  # snapshots kept in the cache folder
PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get("DUTYLIST_CACHE", "on").lower() not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    chosen = os.environ.get("DUTYLIST_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dutylist"


def _code_fingerprint() -> bytes:
    """dutylist's own files, so that a changed dutylist never reads an old snapshot."""
    parts = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml"):
            stat = path.stat()
            parts.append(f"{path.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts).encode()


def _rules_folder(folder: Path) -> Path | None:
    try:
        document = parse_document(read_text(folder / "catalog.yaml"))
    except YamlRefused:
        return None
    if not isinstance(document, LocMap):
        return None
    written, catalog_id = document.get("rules"), document.get("id")
    if isinstance(written, str):
        return Path(os.path.realpath(folder / written))
    if isinstance(catalog_id, str):
        return Path(os.path.realpath(folder / ".." / ".." / "rules" / catalog_id))
    return None


def _files(folder: Path) -> tuple[list[Path], tuple[Path, ...]]:
    """The catalogue's files, and the folders they may link into (as the loader reads)."""
    paths = sorted(
        p for p in folder.iterdir() if p.name in CATALOG_FILES or p.suffix in (".yaml", ".yml")
    )
    rules = _rules_folder(folder)
    if rules is None or not rules.is_dir():
        return paths, (folder.resolve(),)
    paths += sorted(p for p in rules.iterdir() if p.suffix in (".yaml", ".yml"))
    return paths, (folder.resolve(), rules)


def content_key(folder: Path) -> str | None:
    """The hash of every byte of the catalogue; None when a file cannot be read safely or
    within the limits (then the loader reads the catalogue and reports why)."""
    digest = hashlib.sha256(f"dutylist {__version__} snapshot {FORMAT}\n".encode())
    digest.update(_code_fingerprint())
    budget = Budget()
    try:
        paths, tree = _files(folder)
        for path in paths:
            if link_outside(path, tree) is not None:
                return None
            digest.update(f"\n{os.path.realpath(path)}\n".encode())
            digest.update(read_bytes(path, budget))
    except (OSError, ValueError, YamlRefused):  # ValueError: a NUL in the rules path
        return None
    return digest.hexdigest()


# -- model ⇄ plain data ------------------------------------------------------------------
def _loc(location: Location) -> tuple[str, int, int]:
    return (location.file, location.line, location.column)


def _conditions(conditions: tuple[Condition, ...]) -> list[Any]:
    return [
        (c.attribute, c.equals, c.excludes, dict(c.bounds) if c.bounds else None, _loc(c.loc))
        for c in conditions
    ]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def encode(catalog: Catalog) -> dict[str, Any]:
    return {
        "meta": (
            str(catalog.folder),
            catalog.id,
            catalog.name,
            catalog.root,
            str(catalog.rules_folder) if catalog.rules_folder else None,
            catalog.default_respond_minutes,
            catalog.key_tasks,
            dict(catalog.results_leads),
        ),
        "units": [
            (u.id, u.name, u.kind, u.parent, u.powers, u.aliases, _loc(u.loc))
            for u in catalog.units.values()
        ],
        "attributes": [
            (a.id, a.type, a.values, a.name, _loc(a.loc)) for a in catalog.attributes.values()
        ],
        "problems": [
            (p.id, p.name, p.aliases, p.category, p.attributes, _loc(p.loc))
            for p in catalog.problems.values()
        ],
        "duties": [
            (d.id, d.problem, _conditions(d.when), d.lead, d.support, d.needs, d.basis, _loc(d.loc))
            for d in catalog.duties
        ],
        "rules": [
            (
                r.id,
                r.name,
                _conditions(r.when),
                r.whistle,
                r.respond_within_minutes,
                None
                if r.escalate is None
                else [(e.after_minutes, e.to, _loc(e.loc)) for e in r.escalate],
                r.also_report,
                _loc(r.loc),
            )
            for r in catalog.rules
        ],
        "whistles": [
            (w.id, w.name, w.blower, w.reporters, w.purpose, w.example, _loc(w.loc))
            for w in catalog.whistles.values()
        ],
        "phases": [
            (p.id, p.name, _date(p.start), _date(p.end), _loc(p.loc))
            for p in catalog.phases.values()
        ],
        "tasks": [
            (
                t.id,
                t.name,
                t.aim,
                t.lead,
                t.support,
                t.phase,
                _date(t.due),
                t.results,
                t.status,
                _date(t.done_on),
                [(d.title, d.number, _date(d.date)) for d in t.documents],
                [(n.note, _date(n.date)) for n in t.progress],
                _loc(t.loc),
            )
            for t in catalog.tasks
        ],
        "cases": [
            (c.name, c.problem, c.place, dict(c.with_), dict(c.expect), _loc(c.loc))
            for c in catalog.cases
        ],
    }


def _location(raw: tuple[str, int, int]) -> Location:
    return Location(*raw)


def _when(raw: list[Any]) -> tuple[Condition, ...]:
    return tuple(Condition(a, eq, ex, bounds, _location(loc)) for a, eq, ex, bounds, loc in raw)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def decode(data: dict[str, Any]) -> Catalog:
    folder, cid, name, root, rules_folder, respond, key_tasks, results_leads = data["meta"]
    return Catalog(
        folder=Path(folder),
        id=cid,
        name=name,
        root=root,
        rules_folder=Path(rules_folder) if rules_folder else None,
        default_respond_minutes=respond,
        key_tasks=key_tasks,
        results_leads=results_leads,
        units={
            u[0]: Unit(
                _location(u[6]),
                id=u[0],
                name=u[1],
                kind=u[2],
                parent=u[3],
                powers=u[4],
                aliases=u[5],
            )
            for u in data["units"]
        },
        attributes={
            a[0]: Attribute(_location(a[4]), id=a[0], type=a[1], values=a[2], name=a[3])
            for a in data["attributes"]
        },
        problems={
            p[0]: Problem(
                _location(p[5]), id=p[0], name=p[1], aliases=p[2], category=p[3], attributes=p[4]
            )
            for p in data["problems"]
        },
        duties=tuple(
            Duty(
                _location(d[7]),
                id=d[0],
                problem=d[1],
                when=_when(d[2]),
                lead=d[3],
                support=d[4],
                needs=d[5],
                basis=d[6],
            )
            for d in data["duties"]
        ),
        rules=tuple(
            Rule(
                _location(r[7]),
                id=r[0],
                name=r[1],
                when=_when(r[2]),
                whistle=r[3],
                respond_within_minutes=r[4],
                escalate=None
                if r[5] is None
                else tuple(Escalation(a, t, _location(loc)) for a, t, loc in r[5]),
                also_report=r[6],
            )
            for r in data["rules"]
        ),
        whistles={
            w[0]: Whistle(
                _location(w[6]),
                id=w[0],
                name=w[1],
                blower=w[2],
                reporters=w[3],
                purpose=w[4],
                example=w[5],
            )
            for w in data["whistles"]
        },
        phases={
            p[0]: Phase(_location(p[4]), id=p[0], name=p[1], start=_day(p[2]), end=_day(p[3]))
            for p in data["phases"]
        },
        tasks=tuple(
            Task(
                _location(t[12]),
                id=t[0],
                name=t[1],
                aim=t[2],
                lead=t[3],
                support=t[4],
                phase=t[5],
                due=_day(t[6]),
                results=t[7],
                status=t[8],
                done_on=_day(t[9]),
                documents=tuple(Document(title, number, _day(day)) for title, number, day in t[10]),
                progress=tuple(ProgressNote(_day(day), note) for note, day in t[11]),
            )
            for t in data["tasks"]
        ),
        cases=tuple(
            Case(_location(c[5]), name=c[0], problem=c[1], place=c[2], with_=c[3], expect=c[4])
            for c in data["cases"]
        ),
    )


# -- the store ---------------------------------------------------------------------------
def read(key: str) -> Catalog | None:
    path = cache_dir() / f"{key}.marshal"
    try:
        data = marshal.loads(path.read_bytes())
        return decode(data)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None


def write(key: str, catalog: Catalog) -> None:
    """Store a snapshot; any failure only costs the next start its speed."""
    folder = cache_dir()
    try:
        data = marshal.dumps(encode(catalog))
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / f"{key}.marshal")
        _prune(folder)
    except (OSError, ValueError):
        return


def _prune(folder: Path) -> None:
    """Keep the most recently written snapshots only: every edit of a catalogue makes one."""
    snapshots = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in snapshots[KEEP:]:
        old.unlink(missing_ok=True)
