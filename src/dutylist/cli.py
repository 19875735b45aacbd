"""The command line: parse options, call the library, print through a renderer.

Only `main` turns outcomes into exit codes: 0 fine, 1 findings or a failed answer,
2 the command line is wrong, 3 a bug in dutylist (traceback only under --debug).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from dutylist import __version__
from dutylist.commands import check, duties, explain, graph, matrix, schema, tasks, test, who
from dutylist.commands.common import EXIT_BUG, EXIT_OK, EXIT_USAGE, Parser
from dutylist.errors import UsageError

COMMANDS = (check, who, duties, test, tasks, matrix, graph, explain, schema)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="dutylist",
        description="Responsibility lists and dispatch rules for 街乡吹哨、部门报到: "
        "check a catalogue, and answer who must report.",
        epilog="Run 'dutylist COMMAND --help' for each command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"dutylist {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for command in COMMANDS:
        command.add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        code: int = args.handler(args)
        return code
    except UsageError as error:
        sys.stderr.write(f"dutylist: {error.reason}\n")
        if error.hint:
            sys.stderr.write(f"hint: {error.hint}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("dutylist: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            "dutylist: internal error — this is a bug in dutylist, not in your catalogue. "
            "Please report it with the output of the same command run with --debug.\n"
        )
        return EXIT_BUG
