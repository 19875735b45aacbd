"""`dutylist lsp`: a language server for catalogue authors (stdio)."""

from __future__ import annotations

import argparse
import gc

from dutylist.commands.common import EXIT_OK, add_subcommand

EXAMPLES = """\
examples:
  dutylist lsp            run by the editor: it speaks the Language Server Protocol on stdio
Findings of check as you type (code, severity, range, in the user's language: the
client's initializationOptions {"lang": "zh"} or the locale), hover on an id for what it
names, go to definition and find references across the catalogue's files, completion of
ids, keys and declared values, and quick fixes for what a finding suggests. See the
README for VS Code and Neovim settings.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "lsp",
        "a language server for editors (findings as you type, hover, definition, completion)",
        "Run the dutylist language server on standard input and output.",
        EXAMPLES,
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on a bug")
    parser.add_argument("--lang", choices=("zh", "en"), help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.lsp.server import serve_stdio, server

    if args.lang:
        server.lang = args.lang
    # a long-running process: its collector runs between re-checks (the console script
    # pauses it for short commands; the server pauses it during each check itself)
    gc.enable()
    serve_stdio()
    return EXIT_OK
