"""SARIF 2.1.0, with rule metadata from the code registry, for code-scanning dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from dutylist import __version__
from dutylist.codes import registry
from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(code: str, lang: Lang) -> dict[str, Any]:
    info = registry()[code]
    help_text = f"{info.section('meaning', lang)}\n\n{info.section('fix', lang)}"
    return {
        "id": code,
        "name": info.name,
        "shortDescription": {"text": info.summary[lang]},
        "fullDescription": {"text": info.section("meaning", lang)},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _level(info.severity)},
        "properties": {"kind": info.kind},
    }


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _result(finding: Finding, rule_index: int, lang: Lang) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": PurePath(finding.location.file).as_posix()}
    }
    if finding.location.line:
        physical["region"] = {
            "startLine": finding.location.line,
            "startColumn": max(finding.location.column, 1),
        }
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _level(finding.severity),
        "message": {"text": finding.message(lang)},
        "locations": [{"physicalLocation": physical}],
        "properties": {"kind": finding.kind, "subjects": list(finding.subjects)},
    }
    if finding.witness is not None:
        result["properties"]["witness"] = finding.witness
    return result


def render(findings: Sequence[Finding], lang: Lang) -> str:
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dutylist",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/dutylist/",
                        "rules": [_rule(code, lang) for code in codes],
                    }
                },
                "results": [_result(f, index[f.code], lang) for f in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
