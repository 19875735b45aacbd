"""`dutylist diff OLD NEW`: what a change to the list does to routing, exactly."""

from __future__ import annotations

import argparse
import datetime as dt

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_output,
    add_subcommand,
    emit,
    lang_of,
    parse_on,
)

EXAMPLES = """\
examples:
  dutylist diff git:HEAD catalogs/panlong            your edits against the last commit
  dutylist diff git:main catalogs/panlong --format markdown   a pull-request comment
  dutylist diff git:v1:catalogs/panlong git:v2:catalogs/panlong   two tagged versions
  dutylist diff old/catalogs/panlong catalogs/panlong --format json
  dutylist diff git:origin/main catalogs/panlong --exit-code   CI: fail when routing changes
  dutylist diff catalogs/panlong --on 2026-12-31 --on 2027-01-01   a dated list, day to day
Each side is a catalogue folder, or git:REV[:PATH] — the folder as revision REV of the
repository has it (read with git archive; the working tree is not touched). A bare
git:REV takes the other side's path. With dated duties (`effective`), --on DATE compares
what is in force on DATE; given twice, the first day is OLD's and the second NEW's (and
NEW may be left out: one catalogue, two days). Every case of both sides is compared by the
common refinement of their cells: each region of cases whose answer changes (status,
lead, support, whistle, blower, time limit, escalation), with how many cells and places
it covers and a `dutylist who` command that shows one case of it. Then the units,
problems, duties, rules and whistles added, removed, renamed or changed, and the
findings of check that are new or fixed.
Exit 0 (with --exit-code: 0 routing unchanged, 1 routing changes); 1 when a side has
errors that keep its routing from being compared; 2 the command line is wrong.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "diff",
        "what a change to the list does to routing: regions, findings, items",
        "Compare two versions of a catalogue over the whole case space: which cases change "
        "hands, which findings come and go, which items were added, removed or renamed.",
        EXAMPLES,
    )
    parser.add_argument("old", metavar="OLD", help="a catalogue folder or git:REV[:PATH]")
    parser.add_argument(
        "new", nargs="?", metavar="NEW", help="a catalogue folder or git:REV[:PATH] (default: OLD)"
    )
    parser.add_argument(
        "--on",
        action="append",
        type=parse_on,
        default=[],
        metavar="DATE",
        help="compare what is in force on DATE (twice: OLD's day, then NEW's)",
    )
    parser.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="default: text"
    )
    parser.add_argument(
        "--exit-code", action="store_true", help="exit 1 when routing changes (for CI)"
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="language of messages (default: from the locale)"
    )
    add_output(parser)
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback if dutylist itself fails"
    )
    parser.set_defaults(handler=run)


def _days(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None]:
    if len(args.on) > 2:
        raise UsageError("--on is given once (both sides) or twice (OLD's day, NEW's day)", None)
    if args.new is None and len(args.on) < 2:
        raise UsageError(
            "give NEW, or two days to compare one catalogue on",
            "e.g. dutylist diff catalogs/panlong --on 2026-12-31 --on 2027-01-01",
        )
    if not args.on:
        return None, None
    return args.on[0], args.on[-1]


def run(args: argparse.Namespace) -> int:
    from dutylist.diff.compare import compare
    from dutylist.diff.render import RENDERERS
    from dutylist.diff.sides import opened_pair

    lang = lang_of(args)
    days = _days(args)
    with opened_pair(args.old, args.new or args.old) as (old, new):
        diff = compare(old, new, days)
    emit(RENDERERS[args.format](diff, lang), args.output)
    if diff.unsound:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if args.exit_code and diff.routing_changed else EXIT_OK
