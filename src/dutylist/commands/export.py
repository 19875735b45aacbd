"""`dutylist export CATALOG --format xlsx|csv --output FILE`: the catalogue as a
workbook a leader can print (or its duties as CSV)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from dutylist.commands.common import (
    EXIT_OK,
    UsageError,
    add_path,
    add_subcommand,
    add_today_option,
    catalog_path,
    lang_of,
)

EXAMPLES = """\
examples:
  dutylist export catalogs/panlong --output 权责清单.xlsx     four sheets, ready to print
  dutylist export catalogs/panlong --format csv --output duties.csv   the duties alone
  dutylist export catalogs/panlong --today 2019-08-15 --output 2019.xlsx   tasks as of then
Sheets: 权责清单 (each duty: problem, cases it covers, lead, support, basis, powers, where
it is written), 权责矩阵 (problems × units, 主/配), 检查结果 (the findings of check, with
witnesses), 重点任务 (the key tasks with status and overdue). Each has a frozen, filtered
header and prints on A4 landscape, the header repeated, the width fitted to the page.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands, "export", "the catalogue as a printable workbook (xlsx) or its duties as csv",
        "Write the catalogue as an Excel workbook a leader can print, or its duties as CSV.",
        EXAMPLES,
    )  # fmt: skip
    add_path(parser)
    add_today_option(parser)
    parser.add_argument("--format", choices=("xlsx", "csv"), default=None,
                        help="default: from the --output file's suffix, else xlsx")  # fmt: skip
    parser.add_argument("--output", required=True, type=Path, metavar="FILE")
    parser.add_argument("--catalog", type=Path, metavar="PATH", help="catalogue folder")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the findings")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from dutylist.checker import check_folder
    from dutylist.output import check_target, write_atomic
    from dutylist.session import open_session, single_catalog
    from dutylist.workbook import to_csv, to_workbook

    check_target(args.output)
    fmt = args.format or ("csv" if args.output.suffix.lower() == ".csv" else "xlsx")
    if fmt == "xlsx" and args.output.suffix.lower() not in (".xlsx", ""):
        raise UsageError(f"--output {args.output}: an xlsx workbook wants a .xlsx name",
                         f"e.g. --output {args.output.with_suffix('.xlsx').name}")  # fmt: skip
    folder = catalog_path(args, args.path)
    session = open_session(folder, lang_of(args))
    if fmt == "csv":
        write_atomic(args.output, to_csv(session.catalog))
    else:
        today = args.today or dt.date.today()
        findings = check_folder(single_catalog(folder), today)[1]
        packed = io.BytesIO()
        to_workbook(session.catalog, findings, today, lang_of(args)).save(packed)
        temporary = args.output.with_name(args.output.name + ".partial")
        temporary.write_bytes(packed.getvalue())
        temporary.replace(args.output)
    print(f"{args.output}: {len(session.catalog.duties)} duties"
          + (", the matrix, the findings and the key tasks" if fmt == "xlsx" else ""))  # fmt: skip
    return EXIT_OK
