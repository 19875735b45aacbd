"""The JSON report of PRODUCT.md: findings and a summary of errors and warnings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dutylist.findings import Finding, tally
from dutylist.i18n import Lang


def finding_dict(finding: Finding, lang: Lang) -> dict[str, Any]:
    shown = {
        "code": finding.code,
        "kind": finding.kind,
        "severity": finding.severity.value,
        "message": finding.message(lang),
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "subjects": list(finding.subjects),
        "witness": finding.witness,
    }
    if finding.source is not None:  # an imported duty: the sheet cell it came from
        shown["source"] = finding.source
    if finding.period is not None:  # only a catalogue with dated items has periods
        start, end = finding.period
        shown["period"] = {
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        }
    return shown


def render(findings: Sequence[Finding], lang: Lang) -> str:
    report = {"findings": [finding_dict(f, lang) for f in findings], "summary": tally(findings)}
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
