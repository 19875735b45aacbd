"""`dutylist lists [PATH]`: the three township lists (基本/配合/收回) counted per street."""

from __future__ import annotations

import argparse
import csv
import io
import json

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

EXAMPLES = """\
examples:
  dutylist lists catalogs/gulou                 per street: basic, support, returned
  dutylist lists catalogs/gulou --format csv --output lists.csv
Counts the duties marked `list: basic | support | returned` per street they concern (as
lead, as support, or by `at`), the duties with no list, and — list by list — the items
a street leads without the power they need (漏斗效应). The national opinion on township
duty lists expects about 340 items a street.
"""
HEADERS = {
    "zh": ("街道", "基本履职", "配合履职", "上级收回", "未分类", "漏斗（基本/配合/收回）"),
    "en": ("street", "basic", "support", "returned", "no list", "funnel (basic/support/returned)"),
}


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "lists",
        "the three township lists counted per street",
        "Count the basic, support and returned items of each street, and the items a "
        "street leads without the power they need.",
        EXAMPLES,
    )
    add_path(parser)
    add_common(parser, ("text", "csv", "markdown", "json"))
    add_output(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.session import open_session
    from dutylist.township import LIST_NAMES, UNNAMED, count_lists

    lang = lang_of(args)
    catalog = open_session(catalog_path(args, args.path), lang).catalog
    counts = count_lists(catalog)
    unnamed = "（未指明街道）" if lang == "zh" else "(no street named)"
    rows = []
    for street, row in counts.items():
        name = unnamed if street == UNNAMED else f"{catalog.units[street].name} ({street})"
        funnel = "/".join(str(row.funnel[n]) for n in LIST_NAMES)
        rows.append([name, *(row.lists[n] for n in LIST_NAMES), row.unlisted, funnel])
    header = HEADERS[lang]
    if args.format == "json":
        document = {
            street or None: {"lists": row.lists, "no_list": row.unlisted, "funnel": row.funnel}
            for street, row in counts.items()
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        text = "\ufeff" + out.getvalue()
    else:
        from dutylist.report.table import table_lines

        text = "\n".join(table_lines(header, rows, args.format == "markdown")) + "\n"
    emit(text, args.output)
    return EXIT_OK
