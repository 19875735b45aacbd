"""The registry of checks run by `dutylist check`, in order.

A check is a small self-describing unit: a name, the codes it may report, and a
function from the loaded catalogue to findings. Adding one touches its module, this
list and its tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from dutylist.checks import (
    blowers,
    context,
    coverage,
    cycles,
    dates,
    dead,
    escalation,
    funnel,
    lists,
    orphans,
    overlap,
    redundancy,
    references,
    tasks,
)
from dutylist.dated import Period, as_of, joined, periods, runs
from dutylist.findings import Finding, Severity
from dutylist.load.build import Loaded

# A model with these errors is partial (entries left out, ids unresolved): analysing
# it would report gaps and overlaps that are only the shadow of those errors.
UNSOUND_KINDS = ("yaml", "schema", "reference", "cycle")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: Callable[..., Iterator[Finding]]  # (loaded) or, when judged by date, (loaded, today)
    needs_sound_model: bool = True
    judged_by_date: bool = False
    by_period: bool = False  # an analysis of what is in force: run on each period alone


CHECKS: tuple[Check, ...] = (
    Check("references", references.CODES, references.check, needs_sound_model=False),
    Check("unit-cycles", cycles.CODES, cycles.check, needs_sound_model=False),
    Check("overlap", overlap.CODES, overlap.check, by_period=True),
    Check("coverage", coverage.CODES, coverage.check, by_period=True),
    Check("redundancy", redundancy.CODES, redundancy.check, by_period=True),
    Check("dead", dead.CODES, dead.check, by_period=True),
    Check("funnel", funnel.CODES, funnel.check, by_period=True),
    Check("township-lists", lists.CODES, lists.check),
    Check("orphans", orphans.CODES, orphans.check, by_period=True),
    Check("no-blower", blowers.CODES, blowers.check, by_period=True),
    Check("escalation-loops", escalation.CODES, escalation.check, by_period=True),
    Check("dates", dates.CODES, dates.check),
    Check("tasks", tasks.CODES, tasks.check, judged_by_date=True),
)


def run_checks(
    loaded: Loaded, today: dt.date | None = None, earlier: Loaded | None = None
) -> list[Finding]:
    """Every check's findings; the analyses only over a sound model. Overdue tasks and
    completion dates are judged against `today` (default: the real date). `earlier`: a
    check of the catalogue before an edit, whose analyses of unchanged problems are
    reused (the findings are the same as without it)."""
    if loaded.catalog is None:
        return []
    if earlier is not None:
        context.reuse(loaded, earlier)
    try:
        return _run_checks(loaded, today)
    finally:
        context.done_reusing(loaded)


def _run_checks(loaded: Loaded, today: dt.date | None) -> list[Finding]:
    assert loaded.catalog is not None
    day = today or dt.date.today()
    findings: list[Finding] = []
    spans = periods(loaded.catalog)
    for check in CHECKS:
        sound = not any(
            f.kind in UNSOUND_KINDS and f.severity is Severity.ERROR
            for f in (*loaded.findings, *findings)
        )
        if check.needs_sound_model and not sound:
            continue
        if check.by_period and len(spans) > 1:
            findings.extend(_by_period(check, loaded, spans))
        else:
            findings.extend(check.run(loaded, day) if check.judged_by_date else check.run(loaded))
    return findings


def _by_period(check: Check, loaded: Loaded, spans: list[Period]) -> list[Finding]:
    """The check run on the catalogue in force in each period; a finding that holds in
    following periods alike is one finding over all of them, with the days it holds on
    (none when it holds on every day)."""
    assert loaded.catalog is not None
    seen: dict[tuple[Any, ...], tuple[Finding, list[int]]] = {}
    for number, period in enumerate(spans):
        cache = loaded.cache.setdefault(f"period {period.as_text()}", {})
        in_force = replace(loaded, catalog=as_of(loaded.catalog, period.a_day()), cache=cache)
        for found in check.run(in_force):
            key = (found.code, found.location, found.subjects, found.message_key,
                   repr(sorted(found.args.items())))  # fmt: skip
            seen.setdefault(key, (found, []))[1].append(number)
    merged = []
    for found, numbers in seen.values():
        for run in runs(numbers):
            period = joined(spans, run)
            always = period.start is None and period.end is None
            merged.append(found if always else replace(found, period=(period.start, period.end)))
    return merged
