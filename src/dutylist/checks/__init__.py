"""The registry of checks run by `dutylist check`, in order.

A check is a small self-describing unit: a name, the codes it may report, and a
function from the loaded catalogue to findings. Adding one touches its module, this
list and its tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dutylist.checks import (
    blowers,
    coverage,
    cycles,
    dead,
    escalation,
    funnel,
    orphans,
    overlap,
    redundancy,
    references,
    tasks,
)
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


CHECKS: tuple[Check, ...] = (
    Check("references", references.CODES, references.check, needs_sound_model=False),
    Check("unit-cycles", cycles.CODES, cycles.check, needs_sound_model=False),
    Check("overlap", overlap.CODES, overlap.check),
    Check("coverage", coverage.CODES, coverage.check),
    Check("redundancy", redundancy.CODES, redundancy.check),
    Check("dead", dead.CODES, dead.check),
    Check("funnel", funnel.CODES, funnel.check),
    Check("orphans", orphans.CODES, orphans.check),
    Check("no-blower", blowers.CODES, blowers.check),
    Check("escalation-loops", escalation.CODES, escalation.check),
    Check("tasks", tasks.CODES, tasks.check, judged_by_date=True),
)


def run_checks(loaded: Loaded, today: dt.date | None = None) -> list[Finding]:
    """Every check's findings; the analyses only over a sound model. Overdue tasks and
    completion dates are judged against `today` (default: the real date)."""
    if loaded.catalog is None:
        return []
    day = today or dt.date.today()
    findings: list[Finding] = []
    for check in CHECKS:
        sound = not any(
            f.kind in UNSOUND_KINDS and f.severity is Severity.ERROR
            for f in (*loaded.findings, *findings)
        )
        if check.needs_sound_model and not sound:
            continue
        findings.extend(check.run(loaded, day) if check.judged_by_date else check.run(loaded))
    return findings
