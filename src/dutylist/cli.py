"""The command line: parse options, call the library, print through a renderer.

Only `main` turns outcomes into exit codes: 0 fine, 1 findings or a failed answer,
2 the command line is wrong, 3 a bug in dutylist (traceback only under --debug).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from dutylist import __version__
from dutylist.commands import (
    check,
    classify,
    diff,
    duties,
    explain,
    export,
    graph,
    importing,
    lists,
    lsp,
    matrix,
    replay,
    schema,
    serve,
    tasks,
    test,
    token,
    train,
    user,
    whistle,
    who,
)
from dutylist.commands.common import EXIT_BUG, EXIT_OK, EXIT_USAGE, Parser
from dutylist.errors import UsageError
from dutylist.gcpause import collector_paused
from dutylist.i18n import LANGS, Lang, default_lang

COMMANDS = (
    check,
    who,
    duties,
    test,
    tasks,
    matrix,
    graph,
    explain,
    schema,
    diff,
    replay,
    whistle,
    token,
    user,
    serve,
    train,
    classify,
    export,
    importing,
    lists,
    lsp,
)


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
    words = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in words
    _never_fail_on_characters()
    try:
        args = build_parser().parse_args(words)
        with collector_paused():  # the CLI's own process only: a library host keeps its GC
            code: int = args.handler(args)
        return code
    except UsageError as error:
        reason, hint = error.localised(_lang_of_words(words))
        sys.stderr.write(f"dutylist: {reason}\n")
        sys.stderr.write(f"hint: {hint or _help_for(words)}\n")
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


def run() -> NoReturn:
    """The console script: `main`, then out without tearing the heap down.

    A city catalogue is a few hundred thousand objects; freeing them one by one at exit
    costs a tenth of a second or more after the answer is already printed. Everything
    this process wrote is flushed or closed by then (reports are written atomically and
    closed), so it leaves at once, as mypy and other large CLIs do.

    For the same reason the collector is paused for the whole process, not only around
    the command: turned back on as the command returns, its first run rescans every
    object of the catalogue just before the process leaves (0.1–0.2 s at city scale).
    The long-running commands (`serve`, `lsp`) turn it on themselves."""
    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # the reader may have gone away, or the stream been closed
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(code)


def _lang_of_words(words: Sequence[str]) -> Lang:
    """The --lang of the command line (known even when parsing it failed), else the locale's."""
    for before, word in itertools.pairwise(words):
        if before == "--lang" and word in LANGS:
            return word  # type: ignore[return-value]
    for word in words:
        if word.startswith("--lang=") and word[7:] in LANGS:
            return word[7:]  # type: ignore[return-value]
    return default_lang()


def _help_for(words: Sequence[str]) -> str:
    """The hint of a usage error that brings none: the help of the command in question."""
    # a module named otherwise than its command (`import` is a Python keyword) says NAME
    names = {getattr(command, "NAME", command.__name__.rsplit(".", 1)[-1]) for command in COMMANDS}
    command = next((word for word in words if word in names), None)
    return f"see: dutylist {command} --help" if command else "see: dutylist --help"


def _never_fail_on_characters() -> None:
    """A console that cannot show a character (Chinese on a Latin-1 terminal, a file name
    that is not UTF-8) gets an escape such as \\u793a instead of a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors="backslashreplace")
