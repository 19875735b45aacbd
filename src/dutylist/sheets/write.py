"""An imported list written as a catalogue a person can read and edit.

The new catalogue takes its units, whistles, problem attributes and rules from a base
catalogue (the district's), and its duties from the sheet: one duty per item, in the
sheet's order, keys in the order people read them, Chinese as Chinese, and each entry's
source cell both as a comment and as `source:` (so that `check` names it). An item
whose name is a problem of the base keeps that problem; any other becomes a problem of
its own.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dutylist.lookup import Lookup
from dutylist.model import Catalog
from dutylist.sheets.items import ImportProblem, Item, Reading, item_id

WRITTEN = ("catalog.yaml", "units.yaml", "problems.yaml", "duties.yaml", "whistles.yaml",
           "tasks.yaml", "cases.yaml")  # fmt: skip


@dataclass
class Plan:
    """What an import will write: each file's text, and what it found."""

    files: dict[str, str] = field(default_factory=dict)
    duties: int = 0
    new_problems: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    rules_file: Path | None = None  # a rules file of its own, when the base's rules do not fit


def _scalar(value: Any) -> str:
    """A value as YAML writes it on one line (quoted only when it must be)."""
    text: str = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False
    )
    return text.strip().removesuffix("...").strip()


def plan_catalog(
    folder: Path, base: Catalog, reading: Reading, source: str, title: str | None
) -> Plan:
    plan = Plan()
    problems = Lookup(base.problems)
    taken: set[str] = set(base.problems)
    new_problems: list[dict[str, Any]] = []
    lines = [
        f"# 由 dutylist import 从 {source} 生成；每条注明来源单元格。",
        f"# Imported by dutylist import from {source}; each entry names its source cell.",
        "",
        "duties:",
    ]
    duty_ids: set[str] = set()
    for position, item in enumerate(reading.items, start=1):
        slug = item_id(item, position)
        problem = _problem_of(item, problems, base)
        if problem is None:
            problem = _unique(f"i-{slug}", taken)
            taken.add(problem)
            entry: dict[str, Any] = {"id": problem, "name": _problem_name(item)}
            if item.kind:
                entry["category"] = item.kind
            new_problems.append(entry)
        duty = _unique(slug if item.code and slug == item.code else f"D-{slug}", duty_ids)
        duty_ids.add(duty)
        lines += _duty_lines(duty, problem, item, plan)
    plan.duties = len(reading.items)
    plan.new_problems = len(new_problems)
    if not reading.items:
        lines[-1] = "duties: []"
    plan.files["duties.yaml"] = "\n".join(lines) + "\n"
    used = {line.split(": ", 1)[1] for line in lines if line.startswith("    problem: ")}
    # every item a problem of the base: the base's list again, whose problems, rules and
    # plan go with it as they are
    whole = not new_problems
    if whole:
        used = set(base.problems)
    catalog_id = _catalog_id(folder)
    rules = None if whole else folder.parent.parent / "rules" / catalog_id
    plan.files["catalog.yaml"] = _catalog_text(folder, base, title, source, catalog_id, rules)
    for name in ("units.yaml", "whistles.yaml"):
        plan.files[name] = (base.folder / name).read_text("utf-8")
    if whole:  # the base's own list again: its plan and expectations go with it
        for name in ("tasks.yaml", "cases.yaml"):
            if (base.folder / name).is_file():
                plan.files[name] = (base.folder / name).read_text("utf-8")
    plan.files["problems.yaml"] = _problems_text(base, used, new_problems, source)
    if rules is not None:
        plan.rules_file = rules / "imported.yaml"
        plan.files[str(plan.rules_file)] = _rules_text(base, source)
    return plan


def _catalog_id(folder: Path) -> str:
    made = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-"
                   for ch in folder.name).strip("-.")  # fmt: skip
    return made or "imported"


def _rules_text(base: Catalog, source: str) -> str:
    """A street's own list: every case is the street's to blow for (街道吹哨)."""
    whistle = next((w.id for w in base.whistles.values() if w.blower == "street"), None)
    lines = [
        f"# 由 dutylist import 从 {source} 生成：各事项均由街道吹哨（沿用 {base.id} 的哨）。",
        f"# Imported from {source}: the street blows the whistle for every item.",
        "rules:",
        "  - id: R-street",
        "    name: 街道吹哨、部门报到",
    ]
    if whistle is not None:
        lines.append(f"    whistle: {_scalar(whistle)}")
    return "\n".join(lines) + "\n"


def _problem_of(item: Item, problems: Lookup[Any], base: Catalog) -> str | None:
    if item.problem and item.problem in base.problems:
        return item.problem
    found = problems.find(_problem_name(item)) or (problems.find(item.name) if not item.sub
                                                   else None)  # fmt: skip
    return found.id if found is not None else None


def _problem_name(item: Item) -> str:
    return f"{item.name}（{item.sub}）" if item.sub and not item.when else item.name


def _unique(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def _duty_lines(duty: str, problem: str, item: Item, plan: Plan) -> list[str]:
    lines = [f"  - id: {_scalar(duty)}".ljust(40) + f"# {item.where}"]
    fields: list[tuple[str, Any]] = [("problem", problem)]
    if item.when:
        try:
            when = yaml.safe_load(item.when)
        except yaml.YAMLError:
            when = None
        if not isinstance(when, dict):
            plan.problems.append(ImportProblem(
                item.where, f"the 条件 column is not a condition: {item.when}",
                "write it as YAML, e.g. {stage: 在建}, or leave it empty",
            ))  # fmt: skip
        else:
            fields.append(("when", when))
    fields += [("lead", item.lead)]
    if item.support:
        fields.append(("support", item.support))
    if item.needs:
        fields.append(("needs", item.needs))
    if item.basis:
        fields.append(("basis", item.basis))
    if item.list:
        fields.append(("list", item.list))
    notes = [t for t in (item.duties, item.accountability, item.note) if t]
    if notes:
        fields.append(("note", "；".join(notes)))
    fields.append(("source", item.where))
    for key, value in fields:
        lines.append(f"    {key}: {_scalar(value)}")
    lines.append("")
    return lines


def _catalog_text(
    folder: Path, base: Catalog, title: str | None, source: str, catalog_id: str,
    rules: Path | None,
) -> str:  # fmt: skip
    lines = [
        f"# 由 dutylist import 从 {source} 生成 / imported by dutylist import",
        f"id: {_scalar(catalog_id)}",
        f"name: {_scalar(title or base.name)}",
        f"root: {_scalar(base.root)}",
    ]
    if rules is not None:
        written = os.path.relpath(rules.resolve(), folder.resolve())
        lines.append(f"rules: {_scalar(written)}             # 本清单的派单规则")
    elif base.rules_folder is not None:
        written = os.path.relpath(base.rules_folder, folder.resolve())
        lines.append(f"rules: {_scalar(written)}                # 派单规则沿用 {base.id}")
    if base.key_tasks is not None and rules is None:
        lines.append(f"key_tasks: {base.key_tasks}")
    if base.results_leads and rules is None:
        lines.append(f"results_leads: {_scalar(dict(base.results_leads))}")
    if base.default_respond_minutes is not None:
        lines.append(f"defaults: {{respond_within: {base.default_respond_minutes}m}}")
    elif base.default_respond_working_days is not None:
        lines.append(f"defaults: {{respond_within: {base.default_respond_working_days}wd}}")
    return "\n".join(lines) + "\n"


def _problems_text(base: Catalog, used: set[str], new: list[dict[str, Any]], source: str) -> str:
    """The base's attributes, the base's problems the items use, and the new ones (the
    base's file as it is when the items use every problem of it and add none)."""
    text = (base.folder / "problems.yaml").read_text("utf-8")
    if not new and used >= set(base.problems):
        return text
    data = yaml.safe_load(text) or {}
    kept = [p for p in data.get("problems") or [] if p.get("id") in used]
    data["problems"] = [*kept, *new]
    head = (
        f"# {len(kept)} 个问题类型沿用 {base.id}，{len(new)} 个从 {source} 导入。\n"
        f"# {len(kept)} problem types as {base.id} has them, {len(new)} imported from {source}.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return head + body


def review_text(reading: Reading) -> str:
    """The rows that are not items, with why: a CSV that opens in Excel (UTF-8, BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["位置 where", "原因 reason", "内容 cells"])
    for skipped in reading.skipped:
        cells = dict.fromkeys(c for c in skipped.cells if c)  # a merged cell once
        writer.writerow([skipped.where, skipped.reason, " | ".join(cells)])
    return "\ufeff" + out.getvalue()
