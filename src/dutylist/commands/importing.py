"""`dutylist import FILE --into CATALOG`: a published list (权责清单, 履职事项清单) from a
spreadsheet into a catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_subcommand,
    lang_of,
)

NAME = "import"  # the command's name: `import` cannot name a module
EXAMPLES = """\
examples:
  dutylist import 鼓楼街道履职事项清单.xlsx --into catalogs/gulou --from catalogs/panlong
  dutylist import 清单.xlsx --into catalogs/gulou --from catalogs/panlong --sheet 基本履职事项 \\
      --list basic
  dutylist import 清单.csv --into catalogs/gulou --from catalogs/panlong --map 负责科室=lead
  dutylist import 权责清单.xlsx --into catalogs/panlong2 --from catalogs/panlong --force
The header row is found by itself (title rows above it, merged cells, 事项名称/项目名称,
主责单位/牵头单位/责任单位, 配合单位/协办单位, 依据/实施依据/法律依据 …); --map names a column
it does not know (fields: name, lead, support, sub, number, code, kind, basis, duties,
accountability, list, problem, when, needs, note). Units are written by name or alias of
the --from catalogue, several to a cell. The new catalogue takes its units, whistles,
problem attributes and rules from --from; each row becomes a duty with `source:` naming
its cell. Rows that are not items go to the review file with the reason. A unit nobody
knows, two leads in one cell, a formula where a name is due, a file that cannot be read
(.xls, a password, damage): each said with its cell, exit 1, nothing written.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        NAME,
        "a published list from a spreadsheet (xlsx, csv) into a catalogue",
        "Read a 权责清单 or 履职事项清单 sheet and write it as a catalogue.",
        EXAMPLES,
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="an .xlsx or .csv file")
    parser.add_argument("--into", required=True, type=Path, metavar="CATALOG",
                        help="the catalogue folder to write")  # fmt: skip
    parser.add_argument("--from", dest="base", type=Path, metavar="BASE",
                        help="the catalogue whose units, whistles, problems and rules the new "
                        "one uses (default: --catalog, else the current folder)")  # fmt: skip
    parser.add_argument("--catalog", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: the first)")
    parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                        help="a column the header synonyms do not know")  # fmt: skip
    parser.add_argument("--list", choices=("basic", "support", "returned"),
                        help="every row is on this list (else: a 清单类别 column or the "
                        "section headings)")  # fmt: skip
    parser.add_argument("--review", type=Path, metavar="FILE",
                        help="where the rows that are not items go (default: "
                        "CATALOG.review.csv beside the folder)")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite the catalogue's files")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of messages")
    parser.add_argument("--debug", action="store_true", help="show a traceback on a bug")
    parser.set_defaults(handler=run)


FIELD_NAMES = ("name", "lead", "support", "sub", "number", "code", "kind", "basis", "duties",
               "accountability", "list", "problem", "when", "needs", "note")  # fmt: skip


def _mapping(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip() or name.strip() not in FIELD_NAMES:
            raise UsageError(
                f"--map {pair}: expected COLUMN=FIELD", "fields: " + ", ".join(FIELD_NAMES)
            )
        found[column.strip()] = name.strip()
    return found


def run(args: argparse.Namespace) -> int:
    from dutylist.checker import check_folder
    from dutylist.output import write_atomic
    from dutylist.report.renderers import RENDERERS
    from dutylist.session import open_session
    from dutylist.sheets.grid import SheetError, read_grid
    from dutylist.sheets.header import find_header
    from dutylist.sheets.items import read_items
    from dutylist.sheets.write import WRITTEN, plan_catalog, review_text

    lang = lang_of(args)
    mapping = _mapping(args.map)
    base = open_session(args.base or args.catalog or Path("."), lang).catalog
    into: Path = args.into
    if into.exists() and not into.is_dir():
        raise UsageError(f"--into {into} is a file", "give a folder for the new catalogue")
    present = [name for name in WRITTEN if (into / name).exists()]
    if present and not args.force:
        raise UsageError(
            f"{into} already holds {', '.join(present)}: nothing was written",
            "give another folder, or --force to overwrite them",
        )
    try:
        grid = read_grid(args.file, args.sheet)
        header = find_header(grid, mapping)
    except SheetError as error:  # a file that is not a readable table: exit 1, as a finding
        reason, hint = error.localised(lang)
        sys.stderr.write(f"dutylist: {reason}\n" + (f"hint: {hint}\n" if hint else ""))
        return EXIT_FINDINGS
    reading = read_items(grid, header, base, args.list)
    title = _title(grid, header.row)
    plan = plan_catalog(into, base, reading, args.file.name, title)
    problems = [*reading.problems, *plan.problems]
    if problems:
        for problem in problems:
            reason, hint = problem.said(lang)
            sys.stderr.write(f"{problem.where}: {reason}\n")
            if hint:
                sys.stderr.write(f"  hint: {hint}\n")
        sys.stderr.write(f"dutylist: {args.file} 有 {len(problems)} 处问题，未写入任何文件\n"
                         if lang == "zh" else f"dutylist: {len(problems)} problem(s) in "
                         f"{args.file}; nothing was written\n")  # fmt: skip
        return EXIT_FINDINGS
    if plan.rules_file is not None and plan.rules_file.exists() and not args.force:
        raise UsageError(f"{plan.rules_file} exists: nothing was written", "--force overwrites it")
    into.mkdir(parents=True, exist_ok=True)
    for name, text in plan.files.items():
        target = into / name if name in WRITTEN else Path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text, catalogue_file=True)
    review = args.review or into.parent / f"{into.name}.review.csv"
    if reading.skipped:
        write_atomic(review, review_text(reading))
    zh = lang == "zh"
    print(f"{args.file}（工作表 {grid.name}，表头在第 {header.row + 1} 行）：{plan.duties} 项 → "
          f"{into}/duties.yaml（新增 {plan.new_problems} 个问题类型）" if zh else
          f"{args.file} ({grid.name}, header in row {header.row + 1}): {plan.duties} items "
          f"→ {into}/duties.yaml ({plan.new_problems} new problem types)")  # fmt: skip
    if plan.rules_file is not None:
        print(f"各事项均由街道吹哨 → {plan.rules_file}" if zh else
              f"the street blows the whistle for every item → {plan.rules_file}")  # fmt: skip
    if reading.skipped:
        count = len(reading.skipped)
        print(f"{count} 行不是事项 → {review}（注明原因）" if zh else
              f"{count} rows that are not items → {review} (with the reason)")  # fmt: skip
    _, findings = check_folder(into)
    sys.stdout.write(RENDERERS["text"](findings, lang))
    return EXIT_FINDINGS if any(f.severity.value == "error" for f in findings) else EXIT_OK


def _title(grid: object, header_row: int) -> str | None:
    """The sheet's title: the first text above the header, if any."""
    rows = getattr(grid, "rows", [])
    for row in rows[:header_row]:
        for cell in row:
            if cell.text:
                return str(cell.text)
    return None
