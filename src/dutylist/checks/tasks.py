"""The implementation plan (《实施方案》): its phases, its key tasks and their results.

The plan is a schedule as much as a list: phases follow one another, every task is due
inside its phase, a task is done on a date that has come, and each kind of result has
the lead unit the plan names. Whether a task is overdue depends on the day the check is
run, so that day is a parameter (`dutylist check --today DATE`), never read silently.
Unknown leads and phases are the `references` check's (DL201), not repeated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.model import Catalog, Phase, Task

CODES = ("DL501", "DL502", "DL503", "DL504", "DL505", "DL506", "DL507", "DL508")

RESULT_KINDS: Mapping[str, Mapping[str, str]] = {
    "实践成果": {"en": "实践成果 (practice results)", "zh": "实践成果"},
    "制度成果": {"en": "制度成果 (institutional results)", "zh": "制度成果"},
    "理论成果": {"en": "理论成果 (theory results)", "zh": "理论成果"},
}
# how an overdue task stands, after "still" / "仍"
STILL: Mapping[str, Mapping[str, str]] = {
    "not-started": {"en": "not started", "zh": "未开始"},
    "in-progress": {"en": "in progress", "zh": "在推进中"},
}


def consolidation_phase(phases: Sequence[Phase]) -> Phase | None:
    """The last phase, where results are fixed as documents (固化成果) — if the plan has
    more than one phase: a plan of one phase has no separate consolidation phase."""
    return phases[-1] if len(phases) > 1 else None


def phase_span(phase: Phase) -> dict[str, str]:
    """'2019-07-10 – 2019-09-30', or 'from 2019-10-01' for an open-ended phase."""
    if phase.end is None:
        return {"en": f"from {phase.start}", "zh": f"{phase.start} 起"}
    return {"en": f"{phase.start} – {phase.end}", "zh": f"{phase.start} 至 {phase.end}"}


def check(loaded: Loaded, today: dt.date) -> Iterator[Finding]:
    """The plan's findings; overdue tasks and completion dates judged as of `today`."""
    catalog = loaded.catalog
    assert catalog is not None
    yield from _count(catalog)
    yield from _phase_order(list(catalog.phases.values()))
    for task in catalog.tasks:
        yield from _due_in_phase(catalog, task)
        yield from _done_date(task, today)
        yield from _documents(catalog, task)
        if task.is_overdue(today):
            yield _overdue(task, today)
    yield from _results_leads(catalog)


def _count(catalog: Catalog) -> Iterator[Finding]:
    if catalog.key_tasks is None or catalog.key_tasks == len(catalog.tasks):
        return
    yield finding(
        "DL501",
        catalog.at("key_tasks"),
        args={"declared": catalog.key_tasks, "listed": len(catalog.tasks)},
        subjects=[catalog.id],
    )


def _phase_order(phases: Sequence[Phase]) -> Iterator[Finding]:
    previous: Phase | None = None
    for phase in phases:
        if phase.start is None:  # a bad date is a schema finding; the phase is left out
            continue
        if phase.end is not None and phase.end < phase.start:
            yield finding(
                "DL502",
                phase.at("end"),
                "DL502.reversed",
                args={"id": phase.id, "name": phase.name, "start": phase.start, "end": phase.end},
                subjects=[phase.id],
            )
        if previous is not None and previous.end is None:
            yield finding(
                "DL502",
                previous.at("start"),
                "DL502.open",
                args={"id": previous.id, "name": previous.name, "next": phase.id},
                subjects=[previous.id, phase.id],
            )
        elif previous is not None and previous.end is not None and phase.start <= previous.end:
            yield finding(
                "DL502",
                phase.at("start"),
                "DL502.overlap",
                args={
                    "id": phase.id,
                    "name": phase.name,
                    "start": phase.start,
                    "previous": previous.id,
                    "previous_name": previous.name,
                    "previous_end": previous.end,
                },
                subjects=[phase.id, previous.id],
            )
        previous = phase


def _due_in_phase(catalog: Catalog, task: Task) -> Iterator[Finding]:
    phase = catalog.phases.get(task.phase)
    if phase is None or phase.start is None or task.due is None:
        return
    if phase.start <= task.due and (phase.end is None or task.due <= phase.end):
        return
    yield finding(
        "DL503",
        task.at("due"),
        args={
            "id": task.id,
            "due": task.due,
            "phase": phase.id,
            "name": phase.name,
            "span": phase_span(phase),
        },
        subjects=[task.id],
    )


def _done_date(task: Task, today: dt.date) -> Iterator[Finding]:
    if task.status == "done" and task.done_on is None:
        yield finding("DL504", task.at("status"), args={"id": task.id}, subjects=[task.id])
    elif task.status != "done" and task.done_on is not None:
        yield finding(
            "DL504",
            task.at("done_on"),
            "DL504.not_done",
            args={"id": task.id, "done_on": task.done_on, "status": task.status},
            subjects=[task.id],
        )
    elif task.done_on is not None and task.done_on > today:
        yield finding(
            "DL505",
            task.at("done_on"),
            args={"id": task.id, "done_on": task.done_on, "today": today},
            subjects=[task.id],
        )


def _documents(catalog: Catalog, task: Task) -> Iterator[Finding]:
    last = consolidation_phase(list(catalog.phases.values()))
    if last is None or task.phase != last.id or task.status != "done" or task.documents:
        return
    yield finding(
        "DL506",
        task.at("status"),
        args={"id": task.id, "phase": last.id, "name": last.name},
        subjects=[task.id],
    )


def _results_leads(catalog: Catalog) -> Iterator[Finding]:
    for result, unit_id in catalog.results_leads.items():
        unit = catalog.units.get(unit_id)
        if unit is None:  # an unknown unit is a reference finding (DL201)
            continue
        producing = [t for t in catalog.tasks if result in t.results]
        if any(t.lead == unit_id for t in producing):
            continue
        yield finding(
            "DL507",
            catalog.at(f"results_leads.{result}"),
            "DL507" if producing else "DL507.none",
            args={
                "result": RESULT_KINDS.get(result, {"en": result, "zh": result}),
                "unit": unit_id,
                "name": unit.name,
                "tasks": [t.id for t in producing],
            },
            subjects=[unit_id],
        )


def _overdue(task: Task, today: dt.date) -> Finding:
    assert task.due is not None
    return finding(
        "DL508",
        task.at("due"),
        args={
            "id": task.id,
            "name": task.name,
            "due": task.due,
            "today": today,
            "days": (today - task.due).days,
            "status": STILL.get(task.status, {"en": task.status, "zh": task.status}),
        },
        subjects=[task.id],
    )
