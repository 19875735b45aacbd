"""`dutylist replay CASES --old A --new B`: real cases answered by two catalogues."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dutylist.commands.common import (
    EXIT_OK,
    UsageError,
    add_output,
    add_subcommand,
    emit,
    lang_of,
    open_store,
    parse_on,
    parse_today,
)

EXAMPLES = """\
examples:
  dutylist replay catalogs/panlong/cases.yaml --old git:HEAD --new catalogs/panlong
  dutylist replay cases.jsonl --old git:main:catalogs/panlong --new catalogs/panlong
  dutylist replay --store whistles.db --since 2026-01-01 --old git:HEAD --new catalogs/panlong
  dutylist replay cases.jsonl --old old/panlong --new catalogs/panlong --format json
  dutylist replay cases.jsonl --old catalogs/panlong --new catalogs/panlong \
      --on 2026-12-31 --on 2027-01-01          a dated list: the day before and after
CASES is a batch file as `dutylist who --batch` reads it (one JSON case a line:
{"problem": …, "at": …, "with": {…}}), or a cases.yaml; or --store takes the cases of
the whistles blown since --since. Each case is read against each side by id, name or
alias and routed there: how many change hands, become gaps, overlaps or undetermined,
what each unit gains and loses (cases led and supported), per street, and every case
that changes. A dated list answers each case as in force on --on DATE (given twice:
OLD's day, then NEW's), else on the day a whistle was blown, else today.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "replay",
        "real cases answered by two catalogues: who gains and loses them",
        "Route recorded cases with an old and a new catalogue and count what changes.",
        EXAMPLES,
    )
    parser.add_argument("cases", nargs="?", metavar="CASES", help="a .jsonl batch or cases.yaml")
    parser.add_argument("--old", required=True, metavar="A", help="folder or git:REV[:PATH]")
    parser.add_argument("--new", required=True, metavar="B", help="folder or git:REV[:PATH]")
    parser.add_argument("--store", metavar="DB", help="the whistle store to take cases from")
    parser.add_argument(
        "--since", type=parse_today, metavar="DATE", help="with --store: whistles blown since"
    )
    parser.add_argument(
        "--on",
        action="append",
        type=parse_on,
        default=[],
        metavar="DATE",
        help="answer as in force on DATE (twice: OLD's day, then NEW's)",
    )
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--lang", choices=("zh", "en"), help="language (default: the locale's)")
    add_output(parser)
    parser.add_argument("--debug", action="store_true", help="show a traceback on a bug")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.diff.replay import replay
    from dutylist.diff.replay_render import RENDERERS
    from dutylist.diff.sides import opened_models

    if (args.cases is None) == (args.store is None):
        raise UsageError(
            "give the cases: a CASES file or --store DB (one of them)",
            "e.g. dutylist replay cases.jsonl --old git:HEAD --new catalogs/panlong",
        )
    if args.since is not None and args.store is None:
        raise UsageError("--since picks whistles of the store: give --store DB too", None)
    if len(args.on) > 2:
        raise UsageError("--on is given once (both sides) or twice (OLD's day, NEW's day)", None)
    lang = lang_of(args)
    days = (args.on[0], args.on[-1]) if args.on else (None, None)
    cases = list(_from_store(args.store, args.since) if args.store else _from_file(args.cases))
    with opened_models(args.old, args.new, lang) as (old, new):
        result = replay(cases, old, new, days)
    emit(RENDERERS[args.format](result, args.old, args.new, lang), args.output)
    return EXIT_OK


def _from_file(name: str) -> Iterator[Any]:
    from dutylist.diff.replay import RawCase

    path = Path(name)
    if not path.is_file():
        state = "is a folder" if path.is_dir() else "no such file"
        raise UsageError(f"cannot read {name}: {state}", "give a .jsonl batch or a cases.yaml")
    if path.suffix.lower() in (".yaml", ".yml"):
        yield from _from_yaml(path)
        return
    with path.open(encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as error:
                raise UsageError(
                    f"{name}:{number}: not JSON ({error})",
                    'one case a line: {"problem": "noise", "at": "gulou", "with": {"night": true}}',
                ) from None
            if not isinstance(request, dict):
                raise UsageError(f"{name}:{number}: a case is a JSON object", None)
            values = request.get("with") or {}
            yield RawCase(f"{name}:{number}", request.get("problem"), request.get("at"),
                          values if isinstance(values, dict) else {})  # fmt: skip


def _from_yaml(path: Path) -> Iterator[Any]:
    from dutylist.diff.replay import RawCase
    from dutylist.load.build import read_cases

    cases, findings = read_cases(path)
    if findings:
        first = findings[0]
        raise UsageError(
            f"{first.location}: {first.code} {first.message('en')}",
            f"fix the file first ({len(findings)} problem(s)): dutylist check reads it too",
        )
    for case in cases:
        yield RawCase(f"{path}:{case.loc.line} {case.name}".rstrip(), case.problem, case.place,
                      dict(case.with_))  # fmt: skip


def _from_store(db: str, since: dt.date | None) -> Iterator[Any]:
    from dutylist.dated import local_day
    from dutylist.diff.replay import RawCase

    store = open_store(db)
    try:
        after = 0
        while True:
            page = store.page(after=after, limit=1000)
            if not page:
                return
            for whistle, timeline in page:
                after = whistle.number
                if since is not None and whistle.blown_at[:10] < since.isoformat():
                    continue
                values = timeline[0].data.get("values", {}) if timeline else {}
                day = timeline[0].data.get("in_force_on") if timeline else None
                blown = (
                    dt.date.fromisoformat(day)
                    if day
                    else local_day(dt.datetime.fromisoformat(whistle.blown_at))
                )
                yield RawCase(whistle.id, whistle.problem, whistle.place, values, blown)
    finally:
        store.close()
