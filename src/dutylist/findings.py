"""Findings: immutable values that say what is wrong, where, and with what evidence.

Findings carry no formatting; `dutylist.report` renders them. Messages are kept as a
template key with arguments so that one finding renders in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dutylist.i18n import Lang, render_message


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position in a file; line and column 0 mean 'the whole file'."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    kind: str
    severity: Severity
    location: Location
    message_key: str
    args: Mapping[str, Any] = field(default_factory=dict)
    subjects: tuple[str, ...] = ()
    witness: Mapping[str, Any] | None = None
    # in a catalogue with dated items: the days it holds on (first, last; None is open)
    period: tuple[dt.date | None, dt.date | None] | None = None
    # an imported duty's source cell ('履职事项清单!C7'), as well as its YAML line
    source: str | None = None

    def message(self, lang: Lang) -> str:
        text = render_message(self.message_key, self.args, lang)
        if self.source is not None:
            text += f"（来源 {self.source}）" if lang == "zh" else f" (from {self.source})"
        if self.period is None:
            return text
        return text + (f"（{period_text(self.period)}）" if lang == "zh" else
                       f" ({period_text(self.period, lang)})")  # fmt: skip

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.code)


def period_text(period: tuple[dt.date | None, dt.date | None], lang: Lang = "zh") -> str:
    """'from 2027-01-01', 'until 2026-12-31', '2027-01-01 – 2027-03-31' (zh: 自…起, 至…止)."""
    start, end = period
    if start is not None and end is not None:
        return f"{start.isoformat()} – {end.isoformat()}"
    if start is not None:
        return f"自 {start.isoformat()} 起" if lang == "zh" else f"from {start.isoformat()}"
    if end is not None:
        return f"至 {end.isoformat()} 止" if lang == "zh" else f"until {end.isoformat()}"
    return "始终" if lang == "zh" else "always"


def tally(findings: Sequence[Finding]) -> dict[str, int]:
    """The summary every report ends with: how many errors and how many warnings."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return {"errors": errors, "warnings": len(findings) - errors}
