"""`dutylist matrix [PATH]`: the responsibility matrix, problems × units, 主/配."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutylist.commands.common import (
    EXIT_OK,
    add_subcommand,
    catalog_path,
    emit,
    lang_of,
    output_file,
)
from dutylist.matrix import build_matrix, to_csv, to_html, to_markdown, to_text
from dutylist.session import open_session

EXAMPLES = """\
examples:
  dutylist matrix catalogs/panlong                            problem by problem, in the terminal
  dutylist matrix catalogs/panlong --format html --output 权责矩阵.html   one page to read and print
  dutylist matrix catalogs/panlong --format csv --output matrix.csv      for a spreadsheet
  dutylist matrix catalogs/panlong --format markdown
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "matrix",
        "the responsibility matrix: problems × units, 主 lead / 配 support",
        "Print the responsibility matrix: for each problem type, which units lead (主) and "
        "support (配) it, and under which conditions.",
        EXAMPLES,
    )
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH", help="catalogue folder")
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        type=Path,
        help="catalogue folder (default: the current folder)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "csv", "markdown", "html"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--output",
        type=output_file,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="language of messages (default: from the locale)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback if dutylist itself fails"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    session = open_session(catalog_path(args, args.path), lang_of(args))
    matrix = build_matrix(session.catalog)
    renderers = {
        "text": lambda: to_text(matrix),
        "csv": lambda: to_csv(matrix),
        "markdown": lambda: to_markdown(matrix),
        "html": lambda: to_html(matrix, session.catalog),
    }
    emit(renderers[args.format](), args.output)
    return EXIT_OK
