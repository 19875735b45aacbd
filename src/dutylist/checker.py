"""`dutylist check` as a library call: find catalogues, load them, run every check."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from dutylist.checks import run_checks
from dutylist.findings import Finding
from dutylist.load.build import Loaded, load_catalog
from dutylist.load.files import Sources
from dutylist.lookup import Lookup
from dutylist.model import Catalog


def check_folder(
    folder: Path,
    today: dt.date | None = None,
    sources: Sources | None = None,
    earlier: Loaded | None = None,
) -> tuple[Loaded, list[Finding]]:
    """Load one catalogue and return it with all findings, sorted by position; overdue
    tasks are judged against `today` (default: the real date); `sources`: an editor's
    open files and earlier readings; `earlier`: a check of this catalogue before an
    edit, whose analyses of unchanged problems are reused."""
    loaded = load_catalog(folder, sources)
    findings = [*loaded.findings, *run_checks(loaded, today, earlier)]
    if loaded.catalog is not None:
        findings = [_name_for_id_hint(f, loaded.catalog) for f in findings]
        findings = _with_sources(findings, loaded.catalog)
    findings.sort(key=Finding.sort_key)
    return loaded, findings


def _with_sources(findings: list[Finding], catalog: Catalog) -> list[Finding]:
    """A finding inside an imported duty's entry names the sheet cell it came from too."""
    starts: dict[str, list[tuple[int, str | None]]] = {}
    for duty in catalog.duties:
        starts.setdefault(duty.loc.file, []).append((duty.loc.line, duty.source))
    if not any(source for entries in starts.values() for _, source in entries):
        return findings
    for entries in starts.values():
        entries.sort()
    kept = []
    for found in findings:
        entries = starts.get(found.location.file, [])
        at = bisect.bisect_right(entries, (found.location.line, "\uffff")) - 1
        source = entries[at][1] if at >= 0 else None
        kept.append(replace(found, source=source) if source else found)
    return kept


def _name_for_id_hint(finding: Finding, catalog: Catalog) -> Finding:
    """A bad id that is the name or alias of a unit or problem: say which id to write."""
    if finding.message_key != "DL104" or "hint" in finding.args:
        return finding
    value = finding.args.get("value")
    if not isinstance(value, str):
        return finding
    match = Lookup(catalog.units).find(value) or Lookup(catalog.problems).find(value)
    if match is None:
        return finding
    hint = {
        "en": f"'{value}' is the name of {match.id}: write its id, {match.id}",
        "zh": f"“{value}”是 {match.id} 的名称：请写编号 {match.id}",
    }
    return replace(finding, args={**finding.args, "hint": hint})


def select(
    findings: Iterable[Finding], selected: Sequence[str], ignored: Sequence[str]
) -> list[Finding]:
    """Keep findings whose code starts with a selected prefix and with no ignored one."""
    kept = []
    for f in findings:
        if selected and not any(f.code.startswith(s) or f.kind == s for s in selected):
            continue
        if any(f.code.startswith(i) or f.kind == i for i in ignored):
            continue
        kept.append(f)
    return kept
