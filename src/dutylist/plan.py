"""The implementation plan (《实施方案》) as people follow it: each key task with its lead,
phase, due date and status, judged against one day, grouped and summed up.

This is the model behind `dutylist tasks`; `dutylist.report.tasks_text` and
`dutylist.report.tasks_html` render it, and `plan_json` is its JSON (PRODUCT.md,
`tasks --format json`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dutylist.i18n import Lang
from dutylist.model import Catalog, Phase, Task, Unit

GROUP_KEYS: dict[str, Callable[[Task], str]] = {
    "phase": lambda task: task.phase,
    "lead": lambda task: task.lead,
    "aim": lambda task: task.aim or "",
    "status": lambda task: task.status,
}
GROUPINGS = tuple(GROUP_KEYS)
STATUSES = ("not-started", "in-progress", "done")
AIMS = ("明责瘦身、赋权提能", "聚焦重点、破解难题", "优化流程、健全机制", "协同配合、凝聚合力")

# words every rendering of the plan shares: key → (English, Chinese)
WORDS: dict[str, tuple[str, str]] = {
    "not-started": ("not started", "未开始"),
    "in-progress": ("in progress", "进行中"),
    "done": ("done", "已完成"),
    "overdue": ("overdue", "逾期"),
    "total": ("tasks", "任务"),
    "id": ("id", "编号"),
    "task": ("task", "任务"),
    "lead": ("lead", "牵头单位"),
    "support": ("support", "配合单位"),
    "phase": ("phase", "阶段"),
    "dates": ("dates", "起止日期"),
    "aim": ("aim", "目标"),
    "due": ("due", "完成时限"),
    "status": ("status", "状态"),
    "results": ("results", "成果"),
    "documents": ("documents", "文件"),
    "no-aim": ("no aim given", "未标明目标"),
    "ended": ("ended", "已结束"),
    "current": ("under way", "正在进行"),
    "upcoming": ("not yet begun", "尚未开始"),
    "today": ("today", "今天"),
    "key-tasks": ("Key tasks", "重点任务"),
    "by-phase": ("By phase", "各阶段小结"),
    "by-lead": ("By lead unit", "各牵头单位小结"),
    "overdue-list": ("Overdue", "逾期任务"),
    "none-overdue": ("No task is overdue.", "没有逾期任务。"),
    "timeline": ("Timeline", "时间轴"),
    "no-tasks": ("(tasks.yaml lists no key tasks)", "（tasks.yaml 没有列出重点任务）"),
}
GROUPED_BY: dict[str, tuple[str, str]] = {
    "phase": ("by phase", "按阶段"),
    "lead": ("by lead unit", "按牵头单位"),
    "aim": ("by aim", "按目标"),
    "status": ("by status", "按状态"),
}


def word(key: str, lang: Lang) -> str:
    english, chinese = WORDS[key]
    return chinese if lang == "zh" else english


def grouped_by(by: str, lang: Lang) -> str:
    english, chinese = GROUPED_BY[by]
    return chinese if lang == "zh" else english


def days(count: int, lang: Lang) -> str:
    if lang == "zh":
        return f"{count} 天"
    return f"{count} day{'s' * (count != 1)}"


@dataclass(frozen=True, slots=True)
class Row:
    """One key task as the table shows it."""

    task: Task
    lead: Unit | None
    phase: Phase | None
    support: tuple[Unit, ...]
    overdue: bool
    days_overdue: int  # 0 unless overdue

    @property
    def lead_name(self) -> str:
        return self.lead.name if self.lead else self.task.lead

    @property
    def phase_name(self) -> str:
        return self.phase.name if self.phase else self.task.phase


@dataclass(frozen=True, slots=True)
class Tally:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Tally:
        rows = list(rows)
        return cls(
            total=len(rows),
            done=sum(1 for r in rows if r.task.status == "done"),
            in_progress=sum(1 for r in rows if r.task.status == "in-progress"),
            not_started=sum(1 for r in rows if r.task.status == "not-started"),
            overdue=sum(1 for r in rows if r.overdue),
        )

    def as_json(self) -> dict[str, int]:
        return {
            "total": self.total,
            "done": self.done,
            "in-progress": self.in_progress,
            "not-started": self.not_started,
            "overdue": self.overdue,
        }

    def text(self, lang: Lang) -> str:
        """'7 done, 10 in progress, 6 not started' (zeros left out, overdue last)."""
        parts = [
            (self.done, "done"),
            (self.in_progress, "in-progress"),
            (self.not_started, "not-started"),
            (self.overdue, "overdue"),
        ]
        shown = [
            f"{word(key, lang)} {n}" if lang == "zh" else f"{n} {word(key, lang)}"
            for n, key in parts
            if n
        ]
        return ("，" if lang == "zh" else ", ").join(shown)


@dataclass(frozen=True, slots=True)
class Group:
    key: str  # a phase id, a unit id, an aim, a status
    label: str  # what people read: the phase or unit name, the aim, the status word
    rows: tuple[Row, ...]
    phase: Phase | None = None  # set when grouped by phase

    @property
    def tally(self) -> Tally:
        return Tally.of(self.rows)


@dataclass(frozen=True)
class Plan:
    catalog: Catalog
    today: dt.date
    rows: tuple[Row, ...]  # in the order of tasks.yaml
    phases: tuple[Phase, ...]

    @property
    def tally(self) -> Tally:
        return Tally.of(self.rows)

    @property
    def overdue(self) -> list[Row]:
        return sorted((r for r in self.rows if r.overdue), key=lambda r: -r.days_overdue)

    def phase_state(self, phase: Phase) -> str:
        """ended | current | upcoming, as of `today`."""
        if phase.start is not None and self.today < phase.start:
            return "upcoming"
        if phase.end is not None and phase.end < self.today:
            return "ended"
        return "current"

    def by_phase(self) -> list[tuple[Phase, Tally]]:
        return [
            (phase, Tally.of(r for r in self.rows if r.task.phase == phase.id))
            for phase in self.phases
        ]

    def by_lead(self) -> list[tuple[str, str, Tally]]:
        """(unit id, unit name, tally), the units leading most tasks first."""
        return [(g.key, g.label, g.tally) for g in self.groups("lead", "zh")]

    def groups(self, by: str, lang: Lang) -> list[Group]:
        """The rows grouped by phase (in plan order), lead unit (most tasks first), aim
        (in the plan's order) or status; empty groups left out."""
        if by not in GROUP_KEYS:
            raise ValueError(f"unknown grouping {by!r}")
        members: dict[str, list[Row]] = {}
        for row in self.rows:
            members.setdefault(GROUP_KEYS[by](row.task), []).append(row)
        if by == "phase":
            keys = [*(p.id for p in self.phases), *members]
        elif by == "lead":  # sorted is stable: ties keep the order of tasks.yaml
            keys = sorted(members, key=lambda lead: -len(members[lead]))
        elif by == "aim":
            keys = [*AIMS, *members]
        else:
            keys = [*STATUSES, *members]
        phases = {p.id: p for p in self.phases}
        return [
            Group(
                key,
                self._label(by, key, members[key][0], lang),
                self._in_work_order(members[key]),
                phase=phases.get(key) if by == "phase" else None,
            )
            for key in dict.fromkeys(keys)
            if key in members
        ]

    @staticmethod
    def _label(by: str, key: str, first: Row, lang: Lang) -> str:
        if by == "phase":
            return first.phase_name
        if by == "lead":
            return first.lead_name
        if by == "aim":
            return key or word("no-aim", lang)
        return word(key, lang) if key in STATUSES else key

    def _in_work_order(self, rows: Iterable[Row]) -> tuple[Row, ...]:
        """In the order people work through them: by phase, then by due date."""
        order = {p.id: i for i, p in enumerate(self.phases)}
        return tuple(
            sorted(
                rows,
                key=lambda r: (order.get(r.task.phase, len(order)), r.task.due or dt.date.max),
            )
        )


def build_plan(catalog: Catalog, today: dt.date) -> Plan:
    rows = []
    for task in catalog.tasks:
        overdue = task.is_overdue(today)
        rows.append(
            Row(
                task=task,
                lead=catalog.units.get(task.lead),
                phase=catalog.phases.get(task.phase),
                support=tuple(catalog.units[u] for u in task.support if u in catalog.units),
                overdue=overdue,
                days_overdue=(today - task.due).days if overdue and task.due else 0,
            )
        )
    return Plan(catalog, today, tuple(rows), tuple(catalog.phases.values()))


def _ref(item_id: str, name: str) -> dict[str, str]:
    return {"id": item_id, "name": name}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def task_json(row: Row) -> dict[str, Any]:
    task = row.task
    return {
        "id": task.id,
        "name": task.name,
        "lead": _ref(task.lead, row.lead_name),
        "phase": _ref(task.phase, row.phase_name),
        "due": _date(task.due),
        "status": task.status,
        "overdue": row.overdue,
        "results": list(task.results),
        "aim": task.aim,
        "support": [_ref(u.id, u.name) for u in row.support],
        "done_on": _date(task.done_on),
        "days_overdue": row.days_overdue,
        "documents": [
            {"title": d.title, "number": d.number, "date": _date(d.date)} for d in task.documents
        ],
    }


def plan_json(plan: Plan, by: str = "phase", lang: Lang = "zh") -> dict[str, Any]:
    """PRODUCT.md's `tasks --format json`, with the summaries by phase and by lead, the
    overdue tasks and the grouping asked for added."""
    return {
        "today": plan.today.isoformat(),
        "tasks": [task_json(r) for r in plan.rows],
        "summary": plan.tally.as_json(),
        "phases": [
            {
                **_ref(phase.id, phase.name),
                "start": _date(phase.start),
                "end": _date(phase.end),
                "state": plan.phase_state(phase),
                "summary": tally.as_json(),
            }
            for phase, tally in plan.by_phase()
        ],
        "leads": [
            {**_ref(unit_id, name), "summary": tally.as_json()}
            for unit_id, name, tally in plan.by_lead()
        ],
        "overdue": [r.task.id for r in plan.overdue],
        "by": by,
        "groups": [
            {"key": g.key, "name": g.label, "tasks": [r.task.id for r in g.rows]}
            for g in plan.groups(by, lang)
        ],
    }


def span_text(phase: Phase, lang: Lang) -> str:
    """'2019-07-10 至 2019-09-30' / '2019-07-10 – 2019-09-30'; open-ended: '2019-10-01 起'."""
    if phase.end is None:
        return f"{phase.start} 起" if lang == "zh" else f"from {phase.start}"
    return f"{phase.start} 至 {phase.end}" if lang == "zh" else f"{phase.start} – {phase.end}"


def status_text(row: Row, lang: Lang, short_dates: bool = True) -> str:
    """'已完成 07-26', '进行中，逾期 15 天' / 'done 07-26', 'in progress, 15 days late'."""
    task = row.task
    text = word(task.status, lang) if task.status in STATUSES else task.status
    if task.status == "done" and task.done_on:
        text += f" {task.done_on.isoformat()[5:] if short_dates else task.done_on}"
    if row.overdue:
        late = days(row.days_overdue, lang)
        text += f"，逾期 {late}" if lang == "zh" else f", {late} late"
    return text


def columns_for(by: str) -> Sequence[str]:
    """The table's columns; the phase or lead the rows are grouped by is the group's
    heading (the status column stays: it also tells the done date and how late)."""
    every = ("id", "task", "lead", "phase", "due", "status")
    return tuple(c for c in every if c != by or by not in ("phase", "lead"))
