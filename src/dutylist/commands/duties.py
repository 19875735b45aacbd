"""`dutylist duties UNIT`: what a unit leads, supports, must report for, and may blow."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dutylist.commands.common import EXIT_OK, add_common, add_subcommand, catalog_path, lang_of
from dutylist.errors import UsageError
from dutylist.i18n import Lang
from dutylist.lookup import Lookup
from dutylist.model import Catalog, Duty
from dutylist.report.conditions_text import condition_text
from dutylist.responsibilities import Responsibilities, responsibilities
from dutylist.session import open_session

EXAMPLES = """\
examples:
  dutylist duties 城管                    what 区城市管理局 leads, supports and reports for
  dutylist duties gulou --format json     a street: the whistles it may blow
  dutylist duties scjg --lang en
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "duties",
        "what one unit leads, supports, must report for and may blow",
        "The reverse query: the duties a unit leads and supports, the whistles and rules "
        "that summon it, the escalations that reach it, the whistles it may blow and its "
        "key tasks. UNIT takes an id, a name or an alias.",
        EXAMPLES,
    )
    parser.add_argument("unit", metavar="UNIT", help="unit id, name or alias")
    add_common(parser, ("text", "json"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    session = open_session(catalog_path(args), lang)
    catalog = session.catalog
    lookup = Lookup(catalog.units)
    unit = lookup.find(args.unit)
    if unit is None:
        close = lookup.suggest(args.unit)
        raise UsageError(
            f"unknown unit '{args.unit}'",
            "did you mean " + " or ".join(close) + "?" if close else None,
        )
    found = responsibilities(catalog, unit)
    if args.format == "json":
        sys.stdout.write(json.dumps(_json(found, catalog), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_text(found, catalog, lang))
    return EXIT_OK


def _duty_json(duty: Duty, catalog: Catalog) -> dict[str, Any]:
    problem = catalog.problems.get(duty.problem)
    return {
        "id": duty.id,
        "problem": {"id": duty.problem, "name": problem.name if problem else duty.problem},
        "when": [condition_text(c) for c in duty.when],
        "lead": duty.lead,
        "basis": duty.basis,
        "file": duty.loc.file,
        "line": duty.loc.line,
    }


def _json(found: Responsibilities, catalog: Catalog) -> dict[str, Any]:
    unit = found.unit
    return {
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind, "powers": list(unit.powers)},
        "leads": [_duty_json(d, catalog) for d in found.leads],
        "supports": [_duty_json(d, catalog) for d in found.supports],
        "reports_for_whistles": [{"id": w.id, "name": w.name} for w in found.reports_to],
        "also_reports_for_rules": [r.id for r in found.also_reports],
        "escalated_to_by_rules": [r.id for r in found.escalated_to],
        "may_blow": [{"id": w.id, "name": w.name} for w in found.blows],
        "task_leads": found.task_leads,
        "task_supports": found.task_supports,
    }


def _duty_line(duty: Duty, catalog: Catalog) -> str:
    problem = catalog.problems.get(duty.problem)
    when = "; ".join(condition_text(c) for c in duty.when)
    text = f"    {duty.id}  {problem.name if problem else duty.problem}"
    if when:
        text += f"  [{when}]"
    return text


def _text(found: Responsibilities, catalog: Catalog, lang: Lang) -> str:
    zh = lang == "zh"
    unit = found.unit
    out = [f"{unit.name} ({unit.id}, {unit.kind})"]
    if unit.powers:
        out.append(("  职权：" if zh else "  powers: ") + "、".join(unit.powers))
    sections = [
        ("主责职责" if zh else "leads", [_duty_line(d, catalog) for d in found.leads]),
        ("配合职责" if zh else "supports", [_duty_line(d, catalog) for d in found.supports]),
        (
            "应报到的哨" if zh else "reports when these whistles blow",
            [f"    {w.name} ({w.id})" for w in found.reports_to],
        ),
        (
            "规则要求报到" if zh else "also reports under rules",
            [f"    {r.id}" for r in found.also_reports],
        ),
        (
            "升级接收" if zh else "receives escalations of rules",
            [f"    {r.id}" for r in found.escalated_to],
        ),
        ("可以吹的哨" if zh else "may blow", [f"    {w.name} ({w.id})" for w in found.blows]),
        ("牵头重点任务" if zh else "leads key tasks", [f"    {t}" for t in found.task_leads]),
        ("配合重点任务" if zh else "supports key tasks", [f"    {t}" for t in found.task_supports]),
    ]
    for title, lines in sections:
        if lines:
            out.append(f"  {title} ({len(lines)}):")
            out.extend(lines)
    if len(out) == 1:
        out.append("  （没有任何职责）" if zh else "  (no responsibilities)")
    return "\n".join(out) + "\n"
