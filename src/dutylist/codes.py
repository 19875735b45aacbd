"""The registry of finding codes: stable code → kind, severity and documentation.

The documentation (`dutylist explain CODE`) lives in `codes.yaml` beside this file, in
Chinese and English, with fixed sections: meaning, why, example, fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dutylist.findings import Finding, Location, Severity
from dutylist.i18n import Lang

KINDS = (
    "yaml",
    "schema",
    "reference",
    "overlap",
    "gap",
    "whistle-gap",
    "funnel",
    "cycle",
    "dead-rule",
    "task",
    "redundant",
    "orphan",
    "no-blower",
    "case",
    "dispute",
)
SECTIONS = ("meaning", "why", "example", "fix")


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    kind: str
    severity: Severity
    summary: Mapping[str, str]
    doc: Mapping[str, Mapping[str, str]]  # section → lang → text

    def section(self, name: str, lang: Lang) -> str:
        return self.doc[name][lang]


@cache
def registry() -> dict[str, CodeInfo]:
    import yaml  # only when a code's documentation is asked for, not at start-up

    text = resources.files("dutylist").joinpath("codes.yaml").read_text("utf-8")
    entries: Sequence[Mapping[str, Any]] = yaml.safe_load(text)["codes"]
    table: dict[str, CodeInfo] = {}
    for entry in entries:
        info = CodeInfo(
            code=entry["code"],
            name=entry["name"],
            kind=entry["kind"],
            severity=Severity(entry["severity"]),
            summary=entry["summary"],
            doc={section: entry[section] for section in SECTIONS},
        )
        table[info.code] = info
    return table


def finding(
    code: str,
    location: Location,
    message_key: str | None = None,
    args: Mapping[str, Any] | None = None,
    subjects: Sequence[str] = (),
    witness: Mapping[str, Any] | None = None,
    severity: Severity | None = None,
    period: tuple[Any, Any] | None = None,
) -> Finding:
    """A finding of a registered code; kind and default severity come from the registry."""
    info = registry()[code]
    return Finding(
        code=code,
        kind=info.kind,
        severity=severity or info.severity,
        location=location,
        message_key=message_key or code,
        args=dict(args or {}),
        subjects=tuple(subjects),
        witness=witness,
        period=period,
    )
