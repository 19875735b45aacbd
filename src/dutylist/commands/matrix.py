"""`dutylist matrix [PATH]`: the responsibility matrix, problems × units, 主/配."""

from __future__ import annotations

import argparse

from dutylist.commands.common import (
    EXIT_OK,
    add_common,
    add_output,
    add_path,
    add_subcommand,
    catalog_path,
    emit,
    lang_of,
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
    add_path(parser)
    add_common(parser, ("text", "csv", "markdown", "html"))
    add_output(parser)
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
