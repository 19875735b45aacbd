"""Renderers of findings: text, json, sarif, github. One function each, one interface."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dutylist.findings import Finding
from dutylist.i18n import Lang
from dutylist.report import github, jsonout, sarif, text

Renderer = Callable[[Sequence[Finding], Lang], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonout.render,
    "sarif": sarif.render,
    "github": github.render,
}
