"""GitHub Actions workflow commands: `::error file=..,line=..,col=..,title=..::message`."""

from __future__ import annotations

from collections.abc import Sequence

from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], lang: Lang) -> str:
    lines = []
    for finding in findings:
        command = "error" if finding.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(finding.location.file)}"]
        if finding.location.line:
            props.append(f"line={finding.location.line}")
            props.append(f"col={finding.location.column}")
        props.append(f"title={_escape_property(f'{finding.code} {finding.kind}')}")
        lines.append(f"::{command} {','.join(props)}::{_escape_data(finding.message(lang))}")
    return "".join(line + "\n" for line in lines)
