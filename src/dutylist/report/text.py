"""`file:line:col: CODE severity: message` — one line per finding, then a summary."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dutylist.findings import Finding, Severity, tally
from dutylist.i18n import Lang

SEVERITY_WORDS = {
    Severity.ERROR: {"en": "error", "zh": "错误"},
    Severity.WARNING: {"en": "warning", "zh": "警告"},
}


def render(findings: Sequence[Finding], lang: Lang) -> str:
    lines = [_line(f, lang) for f in findings]
    summary = tally(findings)
    errors, warnings = summary["errors"], summary["warnings"]
    if lang == "zh":
        lines.append(f"{errors} 个错误，{warnings} 个警告")
    else:
        lines.append(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        )
    return "\n".join(lines) + "\n"


def _line(finding: Finding, lang: Lang) -> str:
    severity = SEVERITY_WORDS[finding.severity][lang]
    text = f"{finding.location}: {finding.code} {severity}: {finding.message(lang)}"
    if finding.witness is not None:
        label = "例" if lang == "zh" else "witness"
        text += f"\n    {label}: {json.dumps(finding.witness, ensure_ascii=False)}"
    return text
