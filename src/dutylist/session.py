"""Opening one catalogue for answering questions (`who`, `duties`, `test`, `tasks`).

Routing needs a sound model: a catalogue with `yaml`, `schema`, `reference` or `cycle`
errors cannot be loaded for it (exit 2, with the first findings shown). Analysis
findings (overlap, gap, ...) do not stop routing; the answers show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from dutylist import snapshot
from dutylist.dated import Period, as_of, is_dated, periods
from dutylist.errors import UsageError
from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang
from dutylist.load.paths import find_catalogs
from dutylist.model import Catalog
from dutylist.semantics.compiled import Compiled

if TYPE_CHECKING:
    from dutylist.halves import Partner
    from dutylist.load.build import Loaded

BLOCKING_KINDS = ("yaml", "schema", "reference", "cycle")
SHOWN_FINDINGS = 5


class CatalogUnusable(UsageError):
    """The catalogue has errors that make its answers meaningless."""

    def __init__(self, folder: Path, findings: list[Finding], lang: Lang) -> None:
        shown = "\n".join(
            f"  {f.location}: {f.code} {f.message(lang)}" for f in findings[:SHOWN_FINDINGS]
        )
        more = len(findings) - SHOWN_FINDINGS
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(
            f"the catalogue {folder} cannot be loaded ({len(findings)} error(s)):\n{shown}{tail}",
            f"fix them first; see them all with: dutylist check {folder}",
        )
        self.findings = findings


@dataclass(frozen=True)
class Session:
    """One catalogue open for answering; `on(day)` for what is in force on a day."""

    folder: Path
    catalog: Catalog
    compiled: Compiled
    # with remember=False and the catalogue read from its YAML: stores the snapshot when
    # called (a batch does it while it waits for its workers)
    store_snapshot: Callable[[], None] | None = None
    digest: str | None = None  # of the files as read (None when a file could not be hashed)
    # the catalogue compiled as in force in each period asked for (dated catalogues)
    _periods: dict[Period, Compiled] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def dated(self) -> bool:
        """Whether anything in it holds only from or until a date."""
        return is_dated(self.catalog)

    @cached_property
    def periods(self) -> list[Period]:
        """The periods between change days, worked out once (a desk asks for every blow)."""
        return periods(self.catalog)

    def on(self, day: dt.date | None) -> Compiled:
        """The catalogue compiled as in force on `day` (default today); the whole one when
        nothing in it is dated."""
        if not self.dated:
            return self.compiled
        wanted = day or dt.date.today()
        period = next(p for p in self.periods if p.holds_on(wanted))
        found = self._periods.get(period)
        if found is None:
            found = self._periods[period] = Compiled(as_of(self.catalog, period.a_day()))
        return found


def single_catalog(path: Path) -> Path:
    folders = find_catalogs(path)
    if len(folders) > 1:
        names = ", ".join(str(f) for f in folders)
        raise UsageError(
            f"{path} holds several catalogues ({names})", "name one with --catalog PATH"
        )
    return folders[0]


def open_session(
    path: Path, lang: Lang, remember: bool = True, partner: Partner | None = None
) -> Session:
    """The catalogue at `path`, ready for routing: from its snapshot when the files are
    unchanged, else read from the YAML (and, if `remember`, a snapshot stored);
    `partner`: another process opening it at the same time, to read the YAML with
    (`dutylist.halves`; closed here either way)."""
    try:
        folder = single_catalog(path)
        use_snapshot = snapshot.enabled()
        cached = snapshot.read_with_manifest(folder) if use_snapshot else None
        if cached is not None:
            restored, stored = cached
            return Session(folder, restored, Compiled(restored), digest=snapshot.digest_of(stored))
        loaded = _load_sound(folder, lang, partner)
    finally:
        if partner is not None:
            partner.close()  # the partner then reads the whole folder, if it still reads
    catalog = loaded.catalog
    assert catalog is not None
    if use_snapshot and remember:
        snapshot.write(folder, loaded)
    later = (lambda: snapshot.write(folder, loaded)) if use_snapshot and not remember else None
    manifest = snapshot.manifest_of(loaded)
    read_digest = snapshot.digest_of(manifest) if manifest is not None else None
    return Session(folder, catalog, Compiled(catalog), later, read_digest)


def _load_sound(folder: Path, lang: Lang, partner: Partner | None = None) -> Loaded:
    """The catalogue loaded, or `CatalogUnusable` naming the errors that block routing."""
    from dutylist.halves import load_in_halves
    from dutylist.load.build import load_catalog

    # read without the positions of fields, which routing never needs (a snapshot keeps
    # none either); only when something blocks is it read again to say where
    shared = load_in_halves(folder, partner) if partner is not None else None
    loaded = shared or load_catalog(folder, positions=False)
    blocking = _blocking(loaded)
    if blocking:
        loaded = load_catalog(folder)
        blocking = _blocking(loaded)
    if loaded.catalog is None and not blocking:
        blocking = list(loaded.findings)
    if blocking or loaded.catalog is None:
        raise CatalogUnusable(folder, sorted(blocking, key=Finding.sort_key), lang)
    return loaded


def _blocking(loaded: Loaded) -> list[Finding]:
    """The errors that stop a catalogue from routing."""
    from dutylist.checks import cycles, references  # only when the YAML is read

    blocking = [
        f for f in loaded.findings if f.kind in BLOCKING_KINDS and f.severity is Severity.ERROR
    ]
    if loaded.catalog is not None and not blocking:
        blocking = [*references.check(loaded), *cycles.check(loaded)]
    return blocking
