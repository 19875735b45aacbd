"""`dutylist diff OLD NEW`: what a change to the list does to routing, exactly."""

from __future__ import annotations

import argparse

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_output,
    add_subcommand,
    emit,
    lang_of,
)

EXAMPLES = """\
examples:
  dutylist diff git:HEAD catalogs/panlong            your edits against the last commit
  dutylist diff git:main catalogs/panlong --format markdown   a pull-request comment
  dutylist diff git:v1:catalogs/panlong git:v2:catalogs/panlong   two tagged versions
  dutylist diff old/catalogs/panlong catalogs/panlong --format json
  dutylist diff git:origin/main catalogs/panlong --exit-code   CI: fail when routing changes
Each side is a catalogue folder, or git:REV[:PATH] — the folder as revision REV of the
repository has it (read with git archive; the working tree is not touched). A bare
git:REV takes the other side's path. Every case of both sides is compared by the
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
    parser.add_argument("new", metavar="NEW", help="a catalogue folder or git:REV[:PATH]")
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


def run(args: argparse.Namespace) -> int:
    from dutylist.diff.compare import compare
    from dutylist.diff.render import RENDERERS
    from dutylist.diff.sides import opened_pair

    lang = lang_of(args)
    with opened_pair(args.old, args.new) as (old, new):
        diff = compare(old, new)
    emit(RENDERERS[args.format](diff, lang), args.output)
    if diff.unsound:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if args.exit_code and diff.routing_changed else EXIT_OK
