"""Findings: immutable values that say what is wrong, where, and with what evidence.

Findings carry no formatting; `dutylist.report` renders them. Messages are kept as a
template key with arguments so that one finding renders in Chinese or English.
"""

from __future__ import annotations

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

    def message(self, lang: Lang) -> str:
        return render_message(self.message_key, self.args, lang)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.code)


def tally(findings: Sequence[Finding]) -> dict[str, int]:
    """The summary every report ends with: how many errors and how many warnings."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return {"errors": errors, "warnings": len(findings) - errors}
