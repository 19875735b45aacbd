"""`dutylist tasks` as text for the terminal and as Markdown, in Chinese or English."""

from __future__ import annotations

from collections.abc import Sequence

from dutylist.i18n import Lang
from dutylist.plan import (
    Group,
    Plan,
    Row,
    Tally,
    columns_for,
    days,
    grouped_by,
    span_text,
    status_text,
    word,
)
from dutylist.report.answer_text import display_width, pad

# the task's name last: it is the widest and the most varied
TEXT_ORDER = ("id", "due", "status", "lead", "phase", "task")
COUNTS = ("total", "done", "in-progress", "not-started", "overdue")


def _cell(row: Row, column: str, lang: Lang) -> str:
    task = row.task
    return {
        "id": task.id,
        "task": task.name,
        "lead": row.lead_name,
        "phase": row.phase_name,
        "due": str(task.due or ""),
        "status": status_text(row, lang),
    }[column]


def _counts(tally: Tally) -> list[int]:
    data = tally.as_json()
    return [data[key] for key in COUNTS]


def title(plan: Plan, by: str, lang: Lang) -> str:
    count, today, name = plan.tally.total, plan.today, plan.catalog.name
    if lang == "zh":
        return f"{name} 重点任务 {count} 项，截至 {today}（{grouped_by(by, lang)}）"
    return f"{name}: {count} key task{'s' * (count != 1)} as of {today}, {grouped_by(by, lang)}"


def standing(plan: Plan, lang: Lang) -> str:
    """'已完成 7，进行中 10，未开始 6；没有逾期任务' — the line under the title."""
    tally = plan.tally
    parts = [(tally.done, "done"), (tally.in_progress, "in-progress")]
    parts.append((tally.not_started, "not-started"))
    if lang == "zh":
        text = "，".join(f"{word(k, lang)} {n}" for n, k in parts)
        return text + (f"；逾期 {tally.overdue}" if tally.overdue else "；没有逾期任务")
    text = ", ".join(f"{n} {word(k, lang)}" for n, k in parts)
    return text + (f"; {tally.overdue} overdue" if tally.overdue else "; none overdue")


def heading(plan: Plan, group: Group, lang: Lang) -> str:
    tally = group.tally
    count = f"{tally.total} 项" if lang == "zh" else f"{tally.total} task{'s' * (tally.total != 1)}"
    detail = tally.text(lang)
    if group.phase is not None:
        state = word(plan.phase_state(group.phase), lang)
        where = (
            f"{span_text(group.phase, lang)}，{state}"
            if lang == "zh"
            else (f"{span_text(group.phase, lang)}, {state}")
        )
        label = f"{group.label}（{where}）" if lang == "zh" else f"{group.label} ({where})"
    else:
        label = group.label
    if lang == "zh":
        return f"{label}：{count}，{detail}"
    return f"{label}: {count}, {detail}"


def overdue_line(row: Row, lang: Lang) -> str:
    task, late = row.task, days(row.days_overdue, lang)
    status = word(task.status, lang)
    if lang == "zh":
        return (
            f"{task.id}  {task.name} —— {row.lead_name}牵头，完成时限 {task.due}，"
            f"{status}，逾期 {late}"
        )
    return f"{task.id}  {task.name} — led by {row.lead_name}, due {task.due}, {status}, {late} late"


def _table(header: Sequence[str], body: Sequence[Sequence[str]], numeric_from: int) -> list[str]:
    """Aligned columns two spaces apart; columns from `numeric_from` on right-aligned."""
    widths = [max(display_width(line[i]) for line in (header, *body)) for i in range(len(header))]
    out = []
    for line in (header, *body):
        cells = []
        for i, cell in enumerate(line):
            gap = " " * (widths[i] - display_width(cell))
            cells.append(gap + cell if i >= numeric_from else cell + gap)
        out.append("  " + "  ".join(cells).rstrip())
    return out


def to_text(plan: Plan, by: str, lang: Lang) -> str:
    lines = [title(plan, by, lang), standing(plan, lang), ""]
    if not plan.rows:
        lines.append(f"  {word('no-tasks', lang)}")
    columns = [c for c in TEXT_ORDER if c in columns_for(by)]
    widths = {
        c: max(display_width(_cell(r, c, lang)) for r in plan.rows) if plan.rows else 0
        for c in columns
    }
    for c in columns:
        widths[c] = max(widths[c], display_width(word(c, lang)))
    if plan.rows:
        header = [pad(word(c, lang), widths[c]) for c in columns[:-1]]
        lines.append("  " + "  ".join([*header, word(columns[-1], lang)]))
    for group in plan.groups(by, lang):
        lines.append("")
        lines.append(heading(plan, group, lang))
        for row in group.rows:
            cells = [pad(_cell(row, c, lang), widths[c]) for c in columns[:-1]]
            lines.append("  " + "  ".join([*cells, _cell(row, columns[-1], lang)]))

    count_names = [word(k, lang) for k in COUNTS]
    lines += ["", word("by-phase", lang)]
    lines += _table(
        [word("phase", lang), word("dates", lang), *count_names],
        [
            [phase.name, span_text(phase, lang), *map(str, _counts(tally))]
            for phase, tally in plan.by_phase()
        ],
        numeric_from=2,
    )
    lines += ["", word("by-lead", lang)]
    lines += _table(
        [word("lead", lang), *count_names],
        [[name, *map(str, _counts(tally))] for _, name, tally in plan.by_lead()],
        numeric_from=1,
    )
    lines += ["", word("overdue-list", lang)]
    overdue = plan.overdue
    lines += [f"  {overdue_line(r, lang)}" for r in overdue] or [f"  {word('none-overdue', lang)}"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(plan: Plan, by: str, lang: Lang) -> str:
    lines = [f"# {_md(title(plan, by, lang))}", "", _md(standing(plan, lang))]
    columns = [c for c in ("id", "task", "lead", "phase", "due", "status") if c in columns_for(by)]
    for group in plan.groups(by, lang):
        lines += ["", f"## {_md(heading(plan, group, lang))}", ""]
        lines.append("| " + " | ".join(word(c, lang) for c in columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for row in group.rows:
            cells = [_md(_cell(row, c, lang)) for c in columns]
            if row.overdue:
                cells = [f"**{c}**" for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
    count_names = [word(k, lang) for k in COUNTS]
    lines += ["", f"## {word('by-phase', lang)}", ""]
    lines.append("| " + " | ".join([word("phase", lang), word("dates", lang), *count_names]) + " |")
    lines.append("|---|---|" + "--:|" * len(COUNTS))
    for phase, tally in plan.by_phase():
        cells = [_md(phase.name), span_text(phase, lang), *map(str, _counts(tally))]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"## {word('by-lead', lang)}", ""]
    lines.append("| " + " | ".join([word("lead", lang), *count_names]) + " |")
    lines.append("|---|" + "--:|" * len(COUNTS))
    for _, name, tally in plan.by_lead():
        lines.append("| " + " | ".join([_md(name), *map(str, _counts(tally))]) + " |")
    lines += ["", f"## {word('overdue-list', lang)}", ""]
    lines += [f"- {_md(overdue_line(r, lang))}" for r in plan.overdue] or [
        word("none-overdue", lang)
    ]
    return "\n".join(lines) + "\n"
