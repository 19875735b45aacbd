"""`dutylist tasks --format html`: one self-contained page — a timeline of the plan's
phases with every task's due date on it, then the summaries and the table.

Inline CSS and inline SVG only: no scripts, no fonts or styles fetched from anywhere, so
the file can be mailed, archived and printed as it is. Hover tooltips use SVG <title>.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Sequence
from html import escape

from dutylist.i18n import Lang
from dutylist.plan import (
    STATUSES,
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
from dutylist.report.tasks_text import heading, overdue_line, standing

COLOURS = {"done": "#2e9d5b", "in-progress": "#2f6fdb", "not-started": "#8f99a3"}
OVERDUE = "#d93025"
PHASE_TINTS = ("#f1e8d8", "#e6e0f3", "#dcebf9", "#dcf0e3", "#f6e1e6", "#e9eef2")
PHASE_INKS = ("#8a6a2f", "#5f4b8b", "#2d5f93", "#2f7a4a", "#9a3c55", "#4d5b66")

WIDTH = 1200
LABEL_X = 16  # where the task labels start
CHART_X0, CHART_X1 = 430, 1170  # the date axis
LABEL_SIZE = 13  # px
WIDE, THIN = 'stroke-width="2"', 'stroke-width="1.5"'

STYLE = """
:root { --done: #2e9d5b; --progress: #2f6fdb; --idle: #8f99a3; --late: #d93025;
        --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "Hiragino Sans GB", system-ui, sans-serif;
       margin: 0; color: var(--ink); background: #f5f7fa; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 34px 0 12px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { background: #fff; border-radius: 10px; padding: 12px 18px; min-width: 130px;
        box-shadow: 0 1px 2px rgba(0,0,0,.08); border-top: 4px solid var(--line); }
.card b { display: block; font-size: 30px; line-height: 1.1; }
.card span { color: var(--muted); font-size: 13px; }
.card.done { border-color: var(--done); } .card.done b { color: var(--done); }
.card.in-progress { border-color: var(--progress); } .card.in-progress b { color: var(--progress); }
.card.not-started { border-color: var(--idle); } .card.not-started b { color: var(--idle); }
.card.overdue { border-color: var(--late); } .card.overdue.some b { color: var(--late); }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; margin: 16px 0 0;
       background: var(--line); }
.bar i { display: block; }
.panel { background: #fff; border-radius: 10px; padding: 16px 18px;
         box-shadow: 0 1px 2px rgba(0,0,0,.08); }
svg { display: block; width: 100%; height: auto; }
.legend { display: flex; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 13px;
          margin-top: 10px; }
.legend span::before { content: ""; display: inline-block; width: 11px; height: 11px;
                       border-radius: 50%; margin-right: 6px; vertical-align: -1px;
                       background: var(--c); border: 2px solid var(--c); }
.legend .hollow::before { background: #fff; }
.legend .today::before { width: 2px; border-radius: 0; border: 0; height: 13px; }
.duo { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12.5px; white-space: nowrap; }
td.status { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.late { color: var(--late); font-weight: 600; }
tr.group th { background: #eef2f6; color: var(--ink); font-size: 14px; padding: 8px; }
tr.overdue td { background: #fdecea; }
td small { display: block; color: var(--muted); font-size: 12px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff;
        font-size: 12px; white-space: nowrap; }
.mono { font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.late { margin: 0; padding-left: 20px; } ul.late li { margin: 4px 0; color: var(--late); }
.ok { color: var(--done); }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
@media (max-width: 800px) { .duo { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .panel, .card { box-shadow: none; }
               main { padding: 0; } tr { break-inside: avoid; } }
"""


def _text_width(text: str, size: float = LABEL_SIZE) -> float:
    """About how wide `text` is drawn: Chinese characters are square, Latin about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.56 for c in text)


def _fit(text: str, width: float, size: float = LABEL_SIZE) -> str:
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


class Axis:
    """Dates to x positions. The axis spans the tasks' dates and today, and the phases
    that fall within or after them: a long pilot phase that ended before the first task
    is cut at the left edge rather than squeezing the months where the work is."""

    def __init__(self, plan: Plan) -> None:
        task_dates: list[dt.date] = [plan.today]
        for row in plan.rows:
            task_dates += [d for d in (row.task.due, row.task.done_on) if d]
        phase_dates = [d for p in plan.phases for d in (p.start, p.end) if d]
        if len(task_dates) == 1:  # no task: the phases are all there is to show
            task_dates += phase_dates
        first = min(task_dates)
        last = max([*task_dates, *phase_dates])
        margin = max(10, (last - first).days // 12)
        self.start = first - dt.timedelta(days=margin)
        self.end = last + dt.timedelta(days=margin)
        self.span = max(1, (self.end - self.start).days)

    def x(self, day: dt.date) -> float:
        offset = (day - self.start).days / self.span
        offset = min(max(offset, 0.0), 1.0)
        return round(CHART_X0 + offset * (CHART_X1 - CHART_X0), 1)

    def months(self) -> Iterator[dt.date]:
        month = dt.date(self.start.year, self.start.month, 1)
        while month <= self.end:
            if month >= self.start:
                yield month
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_label(month: dt.date, lang: Lang) -> str:
    return f"{month.month}月" if lang == "zh" else month.strftime("%b")


def _year_label(month: dt.date, lang: Lang) -> str:
    return f"{month.year}年" if lang == "zh" else str(month.year)


def _svg_text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    style = f' style="{css}"' if css else ""
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}"{style}>{escape(text)}</text>'


def _done_of(tally: Tally, lang: Lang) -> str:
    if lang == "zh":
        return f"已完成 {tally.done}/{tally.total}"
    return f"{tally.done}/{tally.total} done"


def _two_lines(name: str) -> tuple[str, str]:
    """A phase name broken in two, before its '阶段' if it has one."""
    if name.endswith("阶段") and len(name) > 4:
        return name[:-2], name[-2:]
    half = (len(name) + 1) // 2
    return name[:half], name[half:]


class Timeline:
    """The SVG: a lane of phase bars over a date axis, one row per task with a marker at
    its due date, and a dashed line at today."""

    TODAY_Y = 4  # the today label's box
    PHASE_Y, PHASE_H = 56, 30  # the lane of phase bars
    TOP = PHASE_Y + PHASE_H + 40  # the first row, under the month and year labels
    ROW_H, GROUP_H = 24, 30

    def __init__(self, plan: Plan, groups: Sequence[Group], lang: Lang) -> None:
        self.plan, self.groups, self.lang = plan, groups, lang
        self.axis = Axis(plan)

    def svg(self) -> str:
        rows, bottom = self._rows()
        parts = [
            *self._phases(bottom),
            *self._months(self.PHASE_Y + self.PHASE_H + 15, bottom),
            *rows,
            *self._months(bottom + 16, None),
            *self._today(bottom),
        ]
        height = bottom + 48
        caption = f"{word('timeline', self.lang)}: {self.plan.catalog.name}"
        return (
            f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(caption)}">'
            + "".join(parts)
            + "</svg>"
        )

    def _phases(self, bottom: float) -> Iterator[str]:
        axis, top = self.axis, self.PHASE_Y
        above: list[tuple[float, float]] = []  # label spans placed above the lane
        for index, phase in enumerate(self.plan.phases):
            if phase.start is None or (phase.end is not None and phase.end < axis.start):
                continue
            tint, ink = PHASE_TINTS[index % len(PHASE_TINTS)], PHASE_INKS[index % len(PHASE_INKS)]
            x0 = axis.x(phase.start)
            x1 = axis.x(phase.end + dt.timedelta(days=1)) if phase.end else CHART_X1
            width = max(x1 - x0, 2.0)
            cut_left = phase.start < axis.start
            fill = tint
            if cut_left or phase.end is None:  # fade out where the phase runs off the axis
                fill = f"url(#fade{index})"
                stops = [(0.0, 0.0 if cut_left else 1.0), (0.25 if cut_left else 0.0, 1.0)]
                if phase.end is None:
                    stops += [(0.6, 1.0), (1.0, 0.0)]
                yield (
                    f'<defs><linearGradient id="fade{index}" x1="0" x2="1">'
                    + "".join(
                        f'<stop offset="{o}" stop-color="{tint}" stop-opacity="{a}"/>'
                        for o, a in stops
                    )
                    + "</linearGradient></defs>"
                )
            tip = f"{phase.name}  {span_text(phase, self.lang)}"
            yield (
                f'<rect x="{x0}" y="{top}" width="{width}" height="{bottom - top}" '
                f'fill="{fill}" opacity="0.45"/>'
            )
            yield (
                f'<g><title>{escape(tip)}</title><rect x="{x0}" y="{top}" width="{width}" '
                f'height="{self.PHASE_H}" rx="4" fill="{fill}"/></g>'
            )
            css = f"font-weight:600;fill:{ink}"
            first, second = _two_lines(phase.name)
            left = x0 + (width * 0.2 if cut_left else 8)
            room = x0 + width - left - 6
            if _text_width(phase.name, 13) <= room:
                yield _svg_text(left, top + 20, phase.name, f"font-size:13px;{css}")
            elif max(_text_width(first, 11), _text_width(second, 11)) <= room:
                yield _svg_text(left, top + 13, first, f"font-size:11px;{css}")
                yield _svg_text(left, top + 26, second, f"font-size:11px;{css}")
            else:  # too short a phase: its name above the lane, clear of its neighbours
                span = _text_width(phase.name, 12)
                start = max(CHART_X0, x0 + width / 2 - span / 2)
                for taken_from, taken_to in above:
                    if start < taken_to + 10 and start + span > taken_from:
                        start = taken_to + 10
                above.append((start, start + span))
                yield (
                    f'<line x1="{x0 + width / 2}" y1="{top}" x2="{start + span / 2}" '
                    f'y2="{top - 8}" stroke="{ink}" stroke-width="1"/>'
                )
                yield _svg_text(start, top - 11, phase.name, f"font-size:12px;{css}")

    def _months(self, y: float, bottom: float | None) -> Iterator[str]:
        """Month names at `y`, the year under the first month and under each January;
        with `bottom`, a white rule down through the rows at each month."""
        for index, month in enumerate(self.axis.months()):
            x = self.axis.x(month)
            if bottom is not None:
                yield (
                    f'<line x1="{x}" y1="{self.PHASE_Y + self.PHASE_H}" x2="{x}" '
                    f'y2="{bottom}" stroke="#fff" stroke-width="1.2"/>'
                )
            yield _svg_text(x + 3, y, _month_label(month, self.lang), "font-size:11px;fill:#616e7c")
            if index == 0 or month.month == 1:
                year = _year_label(month, self.lang)
                yield _svg_text(x + 3, y + 14, year, "font-size:11px;font-weight:700;fill:#3e4c59")

    def _rows(self) -> tuple[list[str], float]:
        parts: list[str] = []
        y = float(self.TOP)
        for group in self.groups:
            y += self.GROUP_H
            label = _fit(group.label, CHART_X0 - LABEL_X - 90, 13.5)
            tally = group.tally
            parts.append(_svg_text(LABEL_X, y - 9, label, "font-size:13.5px;font-weight:700"))
            parts.append(
                _svg_text(
                    CHART_X0 - 14,
                    y - 9,
                    _done_of(tally, self.lang),
                    "font-size:12px;fill:#616e7c",
                    "end",
                )
            )
            parts.append(
                f'<line x1="{LABEL_X}" y1="{y - 3}" x2="{CHART_X1}" y2="{y - 3}" '
                f'stroke="#cbd2d9" stroke-width="1"/>'
            )
            for index, row in enumerate(group.rows):
                parts += self._row(row, y, index % 2 == 1)
                y += self.ROW_H
        return parts, y + 8

    def _row(self, row: Row, y: float, striped: bool) -> Iterator[str]:
        middle = y + self.ROW_H / 2
        if striped:
            yield (
                f'<rect x="{LABEL_X - 6}" y="{y}" width="{CHART_X1 - LABEL_X + 6}" '
                f'height="{self.ROW_H}" fill="#000" opacity="0.025"/>'
            )
        yield _svg_text(
            LABEL_X,
            middle + 4.5,
            row.task.id,
            "font-size:12px;fill:#616e7c;font-variant-numeric:tabular-nums",
        )
        ink = OVERDUE if row.overdue else "#1f2933"
        name = _fit(row.task.name, CHART_X0 - LABEL_X - 56)
        yield (
            f"<g><title>{escape(row.task.name)} — {escape(row.lead_name)}</title>"
            + _svg_text(LABEL_X + 36, middle + 4.5, name, f"font-size:{LABEL_SIZE}px;fill:{ink}")
            + "</g>"
        )
        yield from self._marker(row, middle)

    def _marker(self, row: Row, y: float) -> Iterator[str]:
        task, lang = row.task, self.lang
        if task.due is None:
            return
        x = self.axis.x(task.due)
        colour = OVERDUE if row.overdue else COLOURS.get(task.status, "#8f99a3")
        tip = (
            f"{task.id} {task.name}\n{word('lead', lang)}: {row.lead_name}\n"
            f"{word('due', lang)}: {task.due}\n"
            f"{word('status', lang)}: {status_text(row, lang, short_dates=False)}"
        )
        yield f"<g><title>{escape(tip)}</title>"
        if row.overdue:  # how late: a red trail from the due date to today
            today_x = self.axis.x(self.plan.today)
            yield (
                f'<line x1="{x}" y1="{y}" x2="{today_x}" y2="{y}" stroke="{OVERDUE}" '
                f'stroke-width="3" stroke-linecap="round" opacity="0.5"/>'
            )
            yield f'<circle cx="{x}" cy="{y}" r="10.5" fill="{OVERDUE}" opacity="0.18"/>'
        if task.status == "done" and task.done_on and task.done_on != task.due:
            done_x = self.axis.x(task.done_on)
            yield (
                f'<line x1="{done_x}" y1="{y}" x2="{x}" y2="{y}" stroke="{colour}" '
                f'stroke-width="2" opacity="0.5"/>'
            )
            yield (
                f'<line x1="{done_x}" y1="{y - 5}" x2="{done_x}" y2="{y + 5}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        if task.status == "not-started" and not row.overdue:
            yield f'<circle cx="{x}" cy="{y}" r="5.5" fill="#fff" stroke="{colour}" {WIDE}/>'
        else:
            yield f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}" stroke="#fff" {THIN}/>'
        if task.status == "done":
            yield (
                f'<path d="M{x - 3} {y} l2.2 2.4 l4 -4.6" fill="none" stroke="#fff" '
                f'stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>'
            )
        yield "</g>"
        if row.overdue:
            yield _svg_text(
                x - 14,
                y + 4,
                days(row.days_overdue, lang),
                f"font-size:11px;fill:{OVERDUE};font-weight:600",
                "end",
            )

    def _today(self, bottom: float) -> Iterator[str]:
        x = self.axis.x(self.plan.today)
        label = f"{word('today', self.lang)} {self.plan.today}"
        width = _text_width(label, 12) + 12
        left = min(max(x - width / 2, CHART_X0 - 20), WIDTH - width - 4)
        yield (
            f'<line x1="{x}" y1="{self.TODAY_Y + 18}" x2="{x}" y2="{bottom}" '
            f'stroke="{OVERDUE}" stroke-width="1.6" stroke-dasharray="5 4"/>'
        )
        yield (
            f'<rect x="{left}" y="{self.TODAY_Y}" width="{width}" height="19" rx="4" '
            f'fill="{OVERDUE}"/>'
        )
        yield _svg_text(
            left + width / 2,
            self.TODAY_Y + 14,
            label,
            "font-size:12px;fill:#fff;font-weight:600",
            "middle",
        )


def _cards(plan: Plan, lang: Lang) -> str:
    tally = plan.tally
    items = [
        ("total", tally.total, ""),
        ("done", tally.done, "done"),
        ("in-progress", tally.in_progress, "in-progress"),
        ("not-started", tally.not_started, "not-started"),
        ("overdue", tally.overdue, "overdue some" if tally.overdue else "overdue"),
    ]
    cards = "".join(
        f'<div class="card {css}"><b>{count}</b><span>{escape(word(key, lang))}</span></div>'
        for key, count, css in items
    )
    total = max(1, tally.total)
    bar = "".join(
        f'<i style="width:{100 * n / total:.2f}%;background:{COLOURS[s]}" '
        f'title="{escape(word(s, lang))} {n}"></i>'
        for s, n in (
            ("done", tally.done),
            ("in-progress", tally.in_progress),
            ("not-started", tally.not_started),
        )
        if n
    )
    return f'<div class="cards">{cards}</div><div class="bar">{bar}</div>'


def _legend(lang: Lang) -> str:
    items = [
        (f"--c:{COLOURS['done']}", "", word("done", lang)),
        (f"--c:{COLOURS['in-progress']}", "", word("in-progress", lang)),
        (f"--c:{COLOURS['not-started']}", "hollow", word("not-started", lang)),
        (f"--c:{OVERDUE}", "", word("overdue", lang)),
        (f"--c:{OVERDUE}", "today", word("today", lang)),
    ]
    spans = "".join(
        f'<span class="{css}" style="{style}">{escape(text)}</span>' for style, css, text in items
    )
    note = (
        "圆点为完成时限；已完成任务左侧短竖线为实际完成日期"
        if lang == "zh"
        else "dots mark due dates; a tick to the left marks when a done task was completed"
    )
    return f'<div class="legend">{spans}<span style="--c:transparent">{escape(note)}</span></div>'


def _tally_cells(tally: Tally) -> str:
    late = ' class="n late"' if tally.overdue else ' class="n"'
    return (
        f'<td class="n">{tally.total}</td><td class="n">{tally.done}</td>'
        f'<td class="n">{tally.in_progress}</td><td class="n">{tally.not_started}</td>'
        f"<td{late}>{tally.overdue}</td>"
    )


def _tally_head(first: str, lang: Lang) -> str:
    counts = "".join(
        f'<th class="n">{escape(word(k, lang))}</th>'
        for k in ("total", "done", "in-progress", "not-started", "overdue")
    )
    return f"<tr><th>{escape(first)}</th>{counts}</tr>"


def _summaries(plan: Plan, lang: Lang) -> str:
    phases = "".join(
        f"<tr><td>{escape(p.name)}<small>{escape(span_text(p, lang))} · "
        f"{escape(word(plan.phase_state(p), lang))}</small></td>{_tally_cells(t)}</tr>"
        for p, t in plan.by_phase()
    )
    leads = "".join(
        f"<tr><td>{escape(name)}</td>{_tally_cells(t)}</tr>" for _, name, t in plan.by_lead()
    )
    return (
        f'<div class="duo"><div><h2>{escape(word("by-phase", lang))}</h2>'
        f"<table>{_tally_head(word('phase', lang), lang)}{phases}</table></div>"
        f"<div><h2>{escape(word('by-lead', lang))}</h2>"
        f"<table>{_tally_head(word('lead', lang), lang)}{leads}</table></div></div>"
    )


def _overdue(plan: Plan, lang: Lang) -> str:
    title = f"<h2>{escape(word('overdue-list', lang))}</h2>"
    if not plan.overdue:
        return f'{title}<p class="ok">✓ {escape(word("none-overdue", lang))}</p>'
    items = "".join(f"<li>{escape(overdue_line(r, lang))}</li>" for r in plan.overdue)
    return f'{title}<ul class="late">{items}</ul>'


def _pill(row: Row, lang: Lang) -> str:
    status = row.task.status
    colour = COLOURS.get(status, "#8f99a3")
    text = word(status, lang) if status in STATUSES else status
    pill = f'<span class="pill" style="background:{colour}">{escape(text)}</span>'
    if status == "done" and row.task.done_on:
        pill += f' <span class="mono">{row.task.done_on}</span>'
    if row.overdue:
        late = days(row.days_overdue, lang)
        words = f"逾期 {late}" if lang == "zh" else f"{late} late"
        pill += f' <span class="pill" style="background:{OVERDUE}">{escape(words)}</span>'
    return pill


def _row_cells(row: Row, columns: Sequence[str], lang: Lang) -> str:
    task = row.task
    cells = []
    for column in columns:
        if column == "id":
            cells.append(f'<td class="mono">{escape(task.id)}</td>')
        elif column == "task":
            extra = []
            if task.results:
                extra.append(" ".join(task.results))
            if task.documents:
                extra.append(
                    "；".join(
                        d.title + (f"（{d.number}）" if d.number else "") for d in task.documents
                    )
                )
            small = "".join(f"<small>{escape(e)}</small>" for e in extra)
            cells.append(f"<td>{escape(task.name)}{small}</td>")
        elif column == "lead":
            support = "、".join(u.name for u in row.support)
            small = (
                f"<small>{escape(word('support', lang))}{'：' if lang == 'zh' else ': '}"
                f"{escape(support)}</small>"
                if support
                else ""
            )
            cells.append(f"<td>{escape(row.lead_name)}{small}</td>")
        elif column == "phase":
            cells.append(f"<td>{escape(row.phase_name)}</td>")
        elif column == "due":
            css = "mono late" if row.overdue else "mono"
            cells.append(f'<td class="{css}">{task.due or ""}</td>')
        elif column == "status":
            cells.append(f'<td class="status">{_pill(row, lang)}</td>')
    return "".join(cells)


def _table(plan: Plan, groups: Sequence[Group], by: str, lang: Lang) -> str:
    columns = [c for c in ("id", "task", "lead", "phase", "due", "status") if c in columns_for(by)]
    head = "".join(f"<th>{escape(word(c, lang))}</th>" for c in columns)
    body = []
    for group in groups:
        body.append(
            f'<tr class="group"><th colspan="{len(columns)}">'
            f"{escape(heading(plan, group, lang))}</th></tr>"
        )
        for row in group.rows:
            css = ' class="overdue"' if row.overdue else ""
            body.append(f"<tr{css}>{_row_cells(row, columns, lang)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(plan: Plan, by: str, lang: Lang) -> str:
    """The whole page: header, cards, timeline, summaries, overdue list and the table."""
    groups = plan.groups(by, lang)
    name = plan.catalog.name
    if lang == "zh":
        title = f"{name} 《实施方案》重点任务"
        sub = (
            f"截至 {plan.today} · {plan.tally.total} 项重点任务 · {grouped_by(by, lang)} · "
            f"{standing(plan, lang)}"
        )
    else:
        title = f"{name}: key tasks of the implementation plan"
        sub = (
            f"as of {plan.today} · {plan.tally.total} key tasks · {grouped_by(by, lang)} · "
            f"{standing(plan, lang)}"
        )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f'<h1>{escape(title)}</h1><p class="sub">{escape(sub)}</p>'
        f"{_cards(plan, lang)}"
        f"<h2>{escape(word('timeline', lang))}</h2>"
        f'<div class="panel">{Timeline(plan, groups, lang).svg()}{_legend(lang)}</div>'
        f"{_summaries(plan, lang)}"
        f"{_overdue(plan, lang)}"
        f"<h2>{escape(word('key-tasks', lang))}</h2>"
        f"{_table(plan, groups, by, lang)}"
        f"<footer>dutylist tasks · {escape(plan.catalog.id)} · {plan.today}</footer>"
        "</main></body></html>\n"
    )
