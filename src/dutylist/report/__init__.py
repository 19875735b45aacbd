"""Renderers of findings: text, json, sarif, github. One function each, one interface."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang
from dutylist.report import github, jsonout, sarif, text

Renderer = Callable[[Sequence[Finding], Lang], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonout.render,
    "sarif": sarif.render,
    "github": github.render,
}


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return {"errors": errors, "warnings": len(findings) - errors}
