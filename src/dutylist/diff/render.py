"""A diff as text (the terminal), markdown (a pull-request comment) or JSON."""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Callable
from typing import Any

from dutylist.diff.compare import Diff
from dutylist.diff.inventory import ItemChanges
from dutylist.diff.routing import Outcome, Region, changes_of
from dutylist.findings import Finding, period_text
from dutylist.i18n import Lang
from dutylist.report.jsonout import finding_dict

WORDS: dict[str, dict[str, str]] = {
    "status": {"en": "status", "zh": "状态"},
    "lead": {"en": "lead", "zh": "主责"},
    "support": {"en": "support", "zh": "配合"},
    "whistle": {"en": "whistle", "zh": "哨"},
    "blower": {"en": "blower", "zh": "吹哨方"},
    "respond_within_minutes": {"en": "respond within", "zh": "响应时限"},
    "respond_within_working_days": {"en": "respond within", "zh": "响应时限"},
    "escalate": {"en": "escalate", "zh": "升级"},
    "everywhere": {"en": "everywhere", "zh": "全辖区"},
    "elsewhere": {"en": "elsewhere", "zh": "其他地方"},
    "without": {"en": "asked without", "zh": "未给出"},
    "some": {"en": "not every combination", "zh": "并非所有组合"},
    "cells": {"en": "cells", "zh": "个单元格"},
    "places": {"en": "places", "zh": "个地点"},
    "none": {"en": "none", "zh": "无"},
    "absent": {"en": "not in this catalogue", "zh": "本版无此项"},
    "added": {"en": "added", "zh": "新增"},
    "removed": {"en": "removed", "zh": "删除"},
    "renamed": {"en": "renamed", "zh": "改编号"},
    "changed": {"en": "changed", "zh": "修改"},
    "unit": {"en": "units", "zh": "单位"},
    "problem": {"en": "problems", "zh": "问题"},
    "duty": {"en": "duties", "zh": "职责"},
    "rule": {"en": "rules", "zh": "规则"},
    "whistle_items": {"en": "whistles", "zh": "哨"},
    "new_findings": {"en": "new findings", "zh": "新增问题"},
    "fixed_findings": {"en": "fixed findings", "zh": "已解决问题"},
}
STATUS = {
    "routed": {"en": "routed", "zh": "已定"},
    "gap": {"en": "gap", "zh": "空白"},
    "overlap": {"en": "overlap", "zh": "交叉"},
    "undetermined": {"en": "undetermined", "zh": "待定"},
    "absent": {"en": "absent", "zh": "无此情形"},
}


def _w(key: str, lang: Lang) -> str:
    return WORDS[key][lang]


# -- pieces shared by text and markdown ---------------------------------------------------
def where(region: Region, lang: Lang) -> str:
    """'at gulou, taoyuan; stage=已建成; area_m2 >=500,<1000' (asked without …)."""
    space = region.space
    indices = region.place_indices()
    if len(indices) == len(space.places):
        parts = [_w("everywhere", lang)]
    else:
        names = [
            space.places[i].witness if space.places[i].anchored else _w("elsewhere", lang)
            for i in indices
        ]
        parts = [("在 " if lang == "zh" else "at ") + ", ".join(names)]
    seen = region.values_seen()
    product = len(indices)
    for axis in space.axes:
        if axis.name in region.left_out:
            continue
        classes = seen[axis.name]
        product *= len(classes)
        if len(classes) < len(axis.given()):
            said = axis.describe(classes)
            joiner = " " if axis.kind == "number" else "="
            parts.append(f"{axis.name}{joiner}{'|'.join(said)}")
    if region.left_out:
        parts.append(f"{_w('without', lang)} {', '.join(region.left_out)}")
    exact = product == _joint_cells(region)
    if region.period is not None:
        parts.append(period_text(region.period, lang))
    return "; ".join(parts) + ("" if exact else f" ({_w('some', lang)})")


def _joint_cells(region: Region) -> int:
    """The joint cells (by place class and attribute class) the region holds."""
    total = 0
    for cell in region.members:
        size = 1
        for axis, group_index in zip(region.space.axes, cell.groups, strict=True):
            size *= axis.groups[group_index].size
        total += size
    return total


def change_text(region: Region, lang: Lang) -> str:
    return change_text_of(region.old, region.new, lang)


def change_text_of(old: Outcome, new: Outcome, lang: Lang) -> str:
    """'lead zrzyj → cgj; support +ga +sfj'."""
    if old.status == "absent" or new.status == "absent":
        return f"{_outcome_text(old, lang)} → {_outcome_text(new, lang)}"
    parts = []
    for name, (before, after) in changes_of(old, new).items():
        if name == "support":
            plus = [f"+{u}" for u in after if u not in before]
            minus = [f"−{u}" for u in before if u not in after]
            parts.append(f"{_w(name, lang)} {' '.join(plus + minus)}")
        elif name == "status":
            parts.append(f"{_w(name, lang)} {STATUS[before][lang]} → {STATUS[after][lang]}")
        else:
            parts.append(f"{_w(name, lang)} {_value(name, before)} → {_value(name, after)}")
    return "; ".join(parts)


def _outcome_text(outcome: Outcome, lang: Lang) -> str:
    if outcome.status == "absent":
        return _w("absent", lang)
    text = STATUS[outcome.status][lang]
    if outcome.lead:
        text += f" {_w('lead', lang)} {outcome.lead}"
    return text


def _value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "respond_within_minutes":
        return _minutes(value)
    if name == "respond_within_working_days":
        return f"{value}wd"
    if name == "escalate":
        steps = [
            f"{_minutes(after) if after is not None else f'{days}wd'}→{to}"
            for after, days, to in value
        ]
        return ", ".join(steps) or "—"
    return str(value)


def _minutes(value: int) -> str:
    if value % 1440 == 0:
        return f"{value // 1440}d"
    if value % 60 == 0:
        return f"{value // 60}h"
    return f"{value}m"


def who_command(region: Region, on: Any = None) -> str:
    """The `who` command that shows the new side's answer of the region's witness (on
    the day `on`, or a day the change holds on)."""
    witness = region.witness
    words = ["dutylist", "who", witness["problem"], "--at", witness["at"]]
    if region.period is not None:  # a day the change holds on
        on = region.period[0] or region.period[1]
    if on is not None:
        words += ["--on", on.isoformat()]
    for name, value in witness["with"].items():
        shown = "true" if value is True else "false" if value is False else value
        words += ["--set", f"{name}={shown}"]
    return " ".join(shlex.quote(str(w)) for w in words)


def _problem_name(diff: Diff, problem: str) -> str:
    for catalog in (diff.new_catalog, diff.old_catalog):
        if catalog is not None and problem in catalog.problems:
            return catalog.problems[problem].name
    return ""


def _item_lines(changes: ItemChanges, lang: Lang) -> list[str]:
    lines = []
    kind = _w("whistle_items" if changes.kind == "whistle" else changes.kind, lang)
    if changes.added:
        lines.append(f"{kind} {_w('added', lang)}: {', '.join(changes.added)}")
    if changes.removed:
        lines.append(f"{kind} {_w('removed', lang)}: {', '.join(changes.removed)}")
    if changes.renamed:
        pairs = ", ".join(f"{a} → {b}" for a, b in changes.renamed)
        lines.append(f"{kind} {_w('renamed', lang)}: {pairs}")
    for item_id, fields in changes.changed.items():
        said = "; ".join(f"{k} {_field(a)} → {_field(b)}" for k, (a, b) in fields.items())
        lines.append(f"{kind} {_w('changed', lang)} {item_id}: {said}")
    return lines


def _field(value: Any) -> str:
    if value is None or value == ():
        return "—"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"“{value}”" if isinstance(value, str) else str(value)


def summary(diff: Diff, lang: Lang) -> str:
    if diff.unsound:
        sides = ", ".join(diff.unsound)
        if lang == "zh":
            return f"路由未比较：{sides} 有阻止路由的错误（见新增问题）"
        return f"routing not compared: {sides} has errors that block routing (see findings)"
    problems = len({r.problem for r in diff.regions})
    if not diff.regions:
        return "路由不变" if lang == "zh" else "routing unchanged"
    if lang == "zh":
        count = len(diff.regions)
        return f"路由有变：{problems} 个问题的 {count} 个区域，共 {diff.cells()} 个单元格"
    return (
        f"routing changes: {len(diff.regions)} region{'s' * (len(diff.regions) != 1)} of "
        f"{problems} problem{'s' * (problems != 1)}, {diff.cells()} cells"
    )


def _by_problem(diff: Diff) -> dict[str, list[Region]]:
    grouped: dict[str, list[Region]] = {}
    for region in diff.regions:
        grouped.setdefault(region.problem, []).append(region)
    return grouped


def _count(number: int, key: str, lang: Lang) -> str:
    word = _w(key, lang)
    if lang == "en" and number == 1:
        word = word[:-1]  # cells → cell, places → place
    return f"{number} {word}"


def _finding_lists(diff: Diff) -> list[tuple[str, list[Finding]]]:
    return [("new_findings", diff.new_findings), ("fixed_findings", diff.fixed_findings)]


def _finding_line(finding: Finding, lang: Lang) -> str:
    return f"{finding.location}: {finding.code} {finding.message(lang)}"


# -- the three formats ---------------------------------------------------------------------
def render_text(diff: Diff, lang: Lang) -> str:
    lines = [f"{diff.old} → {diff.new}", summary(diff, lang)]
    for problem, regions in _by_problem(diff).items():
        lines += ["", f"{problem} {_problem_name(diff, problem)}".rstrip()]
        for region in regions:
            cells = _count(region.cells, "cells", lang)
            counts = f"{cells}, {_count(region.places, 'places', lang)}"
            lines.append(f"  {where(region, lang)} ({counts})")
            lines.append(f"    {change_text(region, lang)}")
            lines.append(f"    {who_command(region, diff.days[1])}")
    item_lines = [line for changes in diff.items for line in _item_lines(changes, lang)]
    if item_lines:
        lines += ["", *item_lines]
    for key, found in _finding_lists(diff):
        lines += ["", f"{_w(key, lang)}: {len(found) or _w('none', lang)}"]
        lines += [f"  {_finding_line(f, lang)}" for f in found]
    return "\n".join(lines) + "\n"


def render_markdown(diff: Diff, lang: Lang) -> str:
    heading = "职责清单变更" if lang == "zh" else "What this change does to routing"
    lines = [f"### {heading}", "", f"`{diff.old}` → `{diff.new}`: **{summary(diff, lang)}**"]
    columns = (
        ("问题", "范围", "变化", "单元格", "地点", "复现")
        if lang == "zh"
        else ("problem", "where", "change", "cells", "places", "try it")
    )
    if diff.regions:
        lines += ["", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        for region in diff.regions:
            row = (
                f"`{region.problem}` {_problem_name(diff, region.problem)}",
                where(region, lang),
                change_text(region, lang),
                str(region.cells),
                str(region.places),
                f"`{who_command(region, diff.days[1])}`",
            )
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    item_lines = [line for changes in diff.items for line in _item_lines(changes, lang)]
    if item_lines:
        lines += ["", *(f"- {line}" for line in item_lines)]
    for key, found in _finding_lists(diff):
        lines += ["", f"**{_w(key, lang)}**: {len(found) or _w('none', lang)}"]
        lines += [f"- `{f.location}` {f.code} {f.message(lang)}" for f in found]
    return "\n".join(lines) + "\n"


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "lead": outcome.lead,
        "support": list(outcome.support),
        "whistle": outcome.whistle,
        "blower": outcome.blower,
        "respond_within_minutes": outcome.respond_within_minutes,
        "respond_within_working_days": outcome.respond_within_working_days,
        "escalate": [
            {"after_minutes": a, "after_working_days": d, "to": to} for a, d, to in outcome.escalate
        ],
    }


def _region_json(region: Region, lang: Lang, on: Any = None) -> dict[str, Any]:
    seen = region.values_seen()
    return {
        "problem": region.problem,
        "left_out": list(region.left_out),
        "changes": sorted(region.changes),
        "old": outcome_json(region.old),
        "new": outcome_json(region.new),
        "cells": region.cells,
        "places": region.places,
        "where": {
            "at": [
                region.space.places[i].witness if region.space.places[i].anchored else None
                for i in region.place_indices()
            ],
            "with": {
                axis.name: axis.describe(seen[axis.name])
                for axis in region.space.axes
                if axis.name not in region.left_out
            },
            "text": where(region, lang),
        },
        "witness": region.witness,
        "who": who_command(region, on),
        "period": None
        if region.period is None
        else {"from": _day(region.period[0]), "to": _day(region.period[1])},
    }


def _day(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _items_json(changes: ItemChanges) -> dict[str, Any]:
    return {
        "added": changes.added,
        "removed": changes.removed,
        "renamed": [{"old": a, "new": b} for a, b in changes.renamed],
        "changed": {
            item_id: {k: {"old": _plain(a), "new": _plain(b)} for k, (a, b) in fields.items()}
            for item_id, fields in changes.changed.items()
        },
    }


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def render_json(diff: Diff, lang: Lang) -> str:
    report = {
        "old": diff.old,
        "new": diff.new,
        "routing": {
            "changed": diff.routing_changed,
            "compared": not diff.unsound,
            "cells": diff.cells(),
            "regions": [_region_json(r, lang, diff.days[1]) for r in diff.regions],
        },
        "items": {c.kind: _items_json(c) for c in diff.items},
        "findings": {
            "new": [finding_dict(f, lang) for f in diff.new_findings],
            "fixed": [finding_dict(f, lang) for f in diff.fixed_findings],
        },
        "summary": summary(diff, lang),
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Diff, Lang], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
