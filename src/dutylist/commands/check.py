"""`dutylist check [PATH...]`: validate catalogues and rules; report findings."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_common,
    add_subcommand,
    add_today_option,
    emit,
    lang_of,
    open_store,
    output_file,
)
from dutylist.findings import Finding, Severity

EXAMPLES = """\
examples:
  dutylist check catalogs/panlong                 check one catalogue and its rules
  dutylist check .                                every catalogue under ./catalogs/
  dutylist check catalogs/panlong --format json   machine-readable findings
  dutylist check --format sarif --output dutylist.sarif   for code-scanning dashboards
  dutylist check --select DL2 --ignore DL203      only reference findings, less one code
  dutylist check --strict                         warnings fail too (exit 1)
  dutylist check catalogs/panlong --today 2019-10-15   overdue key tasks as of that day
  dutylist check catalogs/panlong --store whistles.db  and 推诿 found in the whistle log
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "check",
        "validate catalogues and rules; report findings",
        "Validate catalogues and their dispatch rules and report every finding with its "
        "code, file, line and column. Exit 0: no errors; 1: errors (or warnings with "
        "--strict); 2: the command line is wrong.",
        EXAMPLES,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="catalogue folders, or folders holding catalogs/",
    )
    add_common(parser, ("text", "json", "sarif", "github"))
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these codes, code prefixes or kinds (comma-separated; repeatable)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="leave out these codes, code prefixes or kinds",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--store",
        metavar="DB",
        help="also read the whistle store (a file or a URL): cases passed back and forth "
        "(推诿) are findings at the duty that routed them (DL310)",
    )
    add_today_option(parser)
    parser.add_argument(
        "--output",
        type=output_file,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    parser.set_defaults(handler=run)


def _codes(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _histories(db: str) -> list[Any]:
    """Every whistle of the store, as the dispute check reads them."""
    from dutylist.checks import disputes

    store = open_store(db)
    try:
        found = []
        for whistle in store.whistle_ids():
            timeline = store.events(whistle)
            found.append(
                disputes.History(
                    whistle, timeline[0].data, [(e.kind, e.unit, e.data) for e in timeline[1:]]
                )
            )
        return found
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    # imported here: `dutylist who` builds this command's options but never runs it
    from dutylist.checker import check_folder, select
    from dutylist.checks import UNSOUND_KINDS, disputes
    from dutylist.load.paths import find_catalogs
    from dutylist.report.renderers import RENDERERS

    paths: list[Path] = list(args.paths) or [args.catalog or Path(".")]
    folders = [folder for path in paths for folder in find_catalogs(path)]
    findings: list[Finding] = []
    histories = _histories(args.store) if args.store else None
    for folder in folders:
        loaded, found = check_folder(folder, today=args.today)
        findings.extend(found)
        sound = not any(f.kind in UNSOUND_KINDS and f.severity is Severity.ERROR for f in found)
        if histories is not None and loaded.catalog is not None and sound:
            findings.extend(disputes.check(loaded.catalog, histories))
    findings = select(findings, _codes(args.select), _codes(args.ignore))
    emit(RENDERERS[args.format](findings, lang_of(args)), args.output)
    errors = any(f.severity is Severity.ERROR for f in findings)
    return EXIT_FINDINGS if errors or (args.strict and findings) else EXIT_OK
