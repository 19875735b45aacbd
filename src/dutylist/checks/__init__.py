"""The registry of checks run by `dutylist check`, in order.

A check is a small self-describing unit: a name, the codes it may report, and a
function from the loaded catalogue to findings. Adding one touches its module, this
list and its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dutylist.checks import cycles, references
from dutylist.findings import Finding
from dutylist.load.build import Loaded


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: Callable[[Loaded], Iterator[Finding]]


CHECKS: tuple[Check, ...] = (
    Check("references", references.CODES, references.check),
    Check("unit-cycles", cycles.CODES, cycles.check),
)


def run_checks(loaded: Loaded) -> list[Finding]:
    """Every check's findings over a catalogue whose model could be built."""
    if loaded.catalog is None:
        return []
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check.run(loaded))
    return findings
