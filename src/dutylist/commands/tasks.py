"""`dutylist tasks [PATH] [--today DATE]`: the plan's key tasks — lead, phase, due date,
status, what is overdue — grouped, summed up, and drawn on a timeline."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from dutylist.commands.common import (
    EXIT_OK,
    add_common,
    add_output,
    add_path,
    add_subcommand,
    add_today_option,
    catalog_path,
    emit,
    lang_of,
)
from dutylist.plan import GROUPINGS, build_plan, plan_json
from dutylist.report.tasks_html import to_html
from dutylist.report.tasks_text import to_markdown, to_text
from dutylist.session import open_session

EXAMPLES = """\
examples:
  dutylist tasks catalogs/panlong                       by phase, judged against today
  dutylist tasks catalogs/panlong --today 2019-10-15    as the plan stood on that day
  dutylist tasks catalogs/panlong --by lead --lang zh   each lead unit's tasks, in Chinese
  dutylist tasks catalogs/panlong --format html --output 重点任务.html   timeline and table
  dutylist tasks catalogs/panlong --format json | jq '.tasks[] | select(.overdue)'
exit: 0 whenever the catalogue loads (overdue tasks are shown, not failed);
      2 a usage error, or a catalogue that cannot be loaded.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "tasks",
        "the plan's key tasks by phase: lead, due date, status, overdue",
        "Show the implementation plan's key tasks (重点任务): each task's lead unit, phase, "
        "due date and status, grouped by phase (or lead unit, aim, status), with a summary "
        "per phase and per lead unit and the list of overdue tasks. A task is overdue when "
        "it is not done and its due date is before --today. The html format is one "
        "self-contained page with a timeline of the phases and the tasks' due dates.",
        EXAMPLES,
    )
    add_path(parser)
    add_today_option(parser)
    parser.add_argument(
        "--by", choices=GROUPINGS, default="phase", help="group the tasks by (default: phase)"
    )
    add_common(parser, ("text", "json", "markdown", "html"))
    add_output(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    session = open_session(catalog_path(args, args.path), lang)
    plan = build_plan(session.catalog, args.today or dt.date.today())
    if args.format == "json":
        text = json.dumps(plan_json(plan, args.by, lang), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "markdown":
        text = to_markdown(plan, args.by, lang)
    elif args.format == "html":
        text = to_html(plan, args.by, lang)
    else:
        text = to_text(plan, args.by, lang)
    emit(text, args.output)
    return EXIT_OK
