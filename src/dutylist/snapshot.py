"""A compiled cache of sound catalogues, for fast start-up.

Reading a city catalogue (megabytes of YAML, schemas, references) takes seconds; a
dispatcher's `dutylist who` should not. After a catalogue loads with no error that
blocks routing, its model is stored with a manifest of what the loader read: each
folder it listed (and the names in it) and each file it parsed (where the path led and
the SHA-256 of exactly the bytes that were parsed). The next start lists the same
folders and hashes the same files; only if every name, link and digest is the same is
the snapshot used. So an edit — even one made while the catalogue was being read — is
never hidden: the digests are of the bytes parsed, not of a second reading.

A snapshot file is `MAGIC`, the format version, the SHA-256 of its payload and the
payload (marshal: plain data only, nothing that runs code on loading). A wrong magic,
version or checksum, or a payload that does not decode, is ignored and rebuilt. The
model is stored by walking its dataclasses' fields, so a field added to the model is
kept without touching this file (fields marked `model.CHECK_ONLY`, the positions of
every field that only `check` reads, are left out: `check` never reads a snapshot);
only classes of `dutylist.model` and `Location` are ever built from a snapshot.
Locations are stored as absolute paths and shown relative to the folder the command
runs in, as a fresh load would show them.

DUTYLIST_CACHE=off turns it off; DUTYLIST_CACHE_DIR moves it (default: the user's cache
folder, e.g. ~/.cache/dutylist).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutylist import __version__, model
from dutylist.findings import Location
from dutylist.load.limits import Budget
from dutylist.load.paths import display_path, listing
from dutylist.load.problems import YamlRefused
from dutylist.load.text import read_bytes
from dutylist.model import Catalog

if TYPE_CHECKING:  # the YAML reader is imported only when a catalogue is read
    from dutylist.load.build import Loaded

MAGIC = b"DUTYLIST-SNAPSHOT\n"
FORMAT = 3
KEEP = 16  # snapshots kept in the cache folder
PACKAGE = Path(__file__).resolve().parent
SUFFIX = ".snapshot"

# tags of the encoded form: a dataclass is (class number, field values...), the rest
# are (tag, ...) with these negative tags; lists, dicts and scalars stay as they are
_TUPLE, _DATE, _PATH, _LOCATION = -1, -2, -3, -4
_SCALARS = frozenset({str, int, float, bool, type(None)})


def enabled() -> bool:
    return os.environ.get("DUTYLIST_CACHE", "on").lower() not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    chosen = os.environ.get("DUTYLIST_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dutylist"


def _code_fingerprint() -> str:
    """dutylist's own files, so that a changed dutylist never reads an old snapshot."""
    parts = [__version__, str(FORMAT)]
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml"):
            stat = path.stat()
            parts.append(f"{path.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def snapshot_path(folder: Path) -> Path:
    """One snapshot per catalogue folder (as given, made absolute) and dutylist build."""
    identity = f"{os.path.abspath(folder)}\n{_code_fingerprint()}".encode()
    return cache_dir() / f"{hashlib.sha256(identity).hexdigest()}{SUFFIX}"


# -- what the loader read, and whether it is still there --------------------------------
def manifest_of(loaded: Loaded) -> dict[str, Any] | None:
    """The folders listed and the files parsed; None if some file was not read whole."""
    files = []
    for read in loaded.files:
        if read.digest is None or read.real is None:
            return None
        files.append((os.path.abspath(read.path), read.real, read.digest))
    return {"listings": dict(loaded.listings), "files": files}


def still_there(manifest: Mapping[str, Any]) -> bool:
    """Every folder lists the same names, every file leads where it did and holds the
    same bytes. Reading stays within the loader's limits (no FIFO is waited on)."""
    try:
        for folder, names in manifest["listings"].items():
            if tuple(listing(Path(folder))) != tuple(names):
                return False
        budget = Budget()
        for path, real, digest in manifest["files"]:
            if os.path.realpath(path) != real:
                return False
            if hashlib.sha256(read_bytes(Path(path), budget)).hexdigest() != digest:
                return False
    except (OSError, ValueError, YamlRefused, TypeError, KeyError):
        return False
    return True


# -- model ⇄ plain data, derived from the dataclasses ----------------------------------------
def _classes() -> tuple[type, ...]:
    """The model's dataclasses, looked up each time (a test may add a field to one)."""
    found = [
        value
        for value in vars(model).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    return tuple(sorted(found, key=lambda cls: cls.__name__))


def _kept_fields(cls: type) -> list[str | None]:
    """A class's field names in order, None for those a snapshot leaves out."""
    return [f.name if f.metadata.get("snapshot", True) else None for f in dataclasses.fields(cls)]


class _Encoder:
    def __init__(self) -> None:
        self.classes = {cls: number for number, cls in enumerate(_classes())}
        self.field_names = {cls: [f.name for f in dataclasses.fields(cls)] for cls in self.classes}
        # per class: its number and, per field, its name or None when left out
        self.kept = {cls: (number, _kept_fields(cls)) for cls, number in self.classes.items()}
        self.files: dict[str, int] = {}  # absolute path → its number
        self.shown: dict[str, int] = {}  # the path as shown → its number

    def file(self, shown: str) -> int:
        number = self.shown.get(shown)
        if number is None:
            absolute = os.path.abspath(shown) if shown else ""
            number = self.files.get(absolute)
            if number is None:
                number = self.files[absolute] = len(self.files)
            self.shown[shown] = number
        return number

    def value(self, item: Any) -> Any:
        kind = type(item)
        if kind in _SCALARS:
            return item
        if kind is Location:
            return (_LOCATION, self.file(item.file), item.line, item.column)
        kept = self.kept.get(kind)
        if kept is not None:
            encoded: list[Any] = [kept[0]]
            for name in kept[1]:
                if name is None:
                    encoded.append(None)
                    continue
                field_value = getattr(item, name)
                # scalars are most leaves: taken as they are, without a call each
                encoded.append(
                    field_value if type(field_value) in _SCALARS else self.value(field_value)
                )
            return tuple(encoded)
        if isinstance(item, tuple):
            return (_TUPLE, *[v if type(v) in _SCALARS else self.value(v) for v in item])
        if isinstance(item, list):
            return [v if type(v) in _SCALARS else self.value(v) for v in item]
        if isinstance(item, Mapping):
            return {key: self.value(v) for key, v in item.items()}
        if isinstance(item, dt.date):
            return (_DATE, item.isoformat())
        if isinstance(item, Path):
            return (_PATH, os.path.abspath(item), item.is_absolute())
        raise TypeError(f"the snapshot cannot store a {kind.__name__}")


class _Decoder:
    def __init__(self, class_names: list[str], files: list[str]) -> None:
        by_name = {cls.__name__: cls for cls in _classes()}
        # a snapshot naming a class the model does not have (or whose fields changed)
        # is from another build: refuse it rather than build something else
        self.classes = [by_name[name] for name in class_names]
        # positions of the fields left out, and what they get instead (their default)
        self.left_out = [
            [
                (position, f.default_factory() if callable(f.default_factory) else f.default)
                for position, f in enumerate(dataclasses.fields(cls))
                if not f.metadata.get("snapshot", True)
            ]
            for cls in self.classes
        ]
        self.files = [display_path(Path(f)) if f else "" for f in files]

    def value(self, item: Any) -> Any:
        kind = type(item)
        if kind is tuple:
            tag = item[0]
            if tag >= 0:
                # scalars are most leaves: taken as they are, without a call each
                value = self.value
                args = [v if type(v) in _SCALARS else value(v) for v in item]
                for position, default in self.left_out[tag]:
                    args[position + 1] = default
                return self.classes[tag](*args[1:])
            if tag == _LOCATION:  # each item has its own: none to share
                return Location(self.files[item[1]], item[2], item[3])
            if tag == _TUPLE:
                value = self.value
                return tuple([v if type(v) in _SCALARS else value(v) for v in item[1:]])
            if tag == _DATE:
                return dt.date.fromisoformat(item[1])
            if tag == _PATH:  # an absolute path stays so; a relative one is shown from here
                return Path(item[1]) if item[2] else Path(display_path(Path(item[1])))
            raise ValueError(f"unknown tag {tag}")
        if kind is list:
            value = self.value
            return [v if type(v) in _SCALARS else value(v) for v in item]
        if kind is dict:
            value = self.value
            return {key: v if type(v) in _SCALARS else value(v) for key, v in item.items()}
        return item


def pack(value: Any) -> dict[str, Any]:
    """A value made of the model's classes (a catalogue, a list of duties) as plain data
    that marshal writes, with the names of the classes and files it refers to."""
    encoder = _Encoder()
    body = encoder.value(value)
    return {
        "classes": [cls.__name__ for cls in encoder.classes],
        "fields": [encoder.field_names[cls] for cls in encoder.classes],
        "files": list(encoder.files),
        "value": body,
    }


def unpack(data: Mapping[str, Any]) -> Any:
    """The value `pack` gave; ValueError when it was packed by another build of the model."""
    decoder = _Decoder(data["classes"], data["files"])
    for cls, names in zip(decoder.classes, data["fields"], strict=True):
        if [f.name for f in dataclasses.fields(cls)] != names:
            raise ValueError(f"the fields of {cls.__name__} have changed")
    return decoder.value(data["value"])


def encode(catalog: Catalog) -> dict[str, Any]:
    return pack(catalog)


def decode(data: Mapping[str, Any]) -> Catalog:
    catalog = unpack(data)
    if not isinstance(catalog, Catalog):
        raise ValueError("a snapshot holds a catalogue")
    return catalog


# -- the store ---------------------------------------------------------------------------
def digest_of(manifest: Mapping[str, Any]) -> str:
    """One SHA-256 for a catalogue as read: each file's path and the digest of its bytes
    (what a whistle records, so its routing can be re-explained exactly later)."""
    lines = sorted(f"{path}\t{digest}" for path, _, digest in manifest["files"])
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def read(folder: Path) -> Catalog | None:
    """The catalogue of `folder` from its snapshot, if there is one that still matches
    the files byte for byte; None otherwise (then load it, and `write`)."""
    found = read_with_manifest(folder)
    return None if found is None else found[0]


def read_with_manifest(folder: Path) -> tuple[Catalog, Mapping[str, Any]] | None:
    try:
        raw = snapshot_path(folder).read_bytes()
    except OSError:
        return None
    header = len(MAGIC) + 4 + 32
    if len(raw) < header or not raw.startswith(MAGIC):
        return None
    version = int.from_bytes(raw[len(MAGIC) : len(MAGIC) + 4], "big")
    checksum, payload = raw[len(MAGIC) + 4 : header], raw[header:]
    if version != FORMAT or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        data = marshal.loads(payload)
        if not still_there(data["manifest"]):
            return None
        return decode(data["model"]), data["manifest"]
    except (EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def write(folder: Path, loaded: Loaded) -> None:
    """Store a snapshot of a sound catalogue; any failure only costs the next start."""
    if loaded.catalog is None:
        return
    manifest = manifest_of(loaded)
    if manifest is None:
        return
    target = snapshot_path(folder)
    try:
        payload = marshal.dumps({"manifest": manifest, "model": encode(loaded.catalog)})
        data = MAGIC + FORMAT.to_bytes(4, "big") + hashlib.sha256(payload).digest() + payload
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
        _prune(target.parent)
    except (OSError, ValueError, TypeError):
        return


def _prune(folder: Path) -> None:
    """Keep the most recently written snapshots only: one per catalogue folder."""
    snapshots = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in snapshots[KEEP:]:
        old.unlink(missing_ok=True)
