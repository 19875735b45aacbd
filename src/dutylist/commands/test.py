"""`dutylist test [PATH]`: run cases.yaml; the last line is `N passed, N failed`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_common,
    add_output,
    add_path,
    add_subcommand,
    catalog_path,
    emit,
    lang_of,
)
from dutylist.engine.select import ENGINES, make_engine
from dutylist.i18n import Lang
from dutylist.session import open_session

if TYPE_CHECKING:
    from dutylist.casetest import CaseResult

EXAMPLES = """\
examples:
  dutylist test catalogs/panlong                     run the catalogue's expectations
  dutylist test catalogs/panlong --engine durable    the same, on the durable-rules engine
  dutylist test --format junit --output cases.xml    JUnit XML for CI dashboards
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "test",
        "run the catalogue's expected cases (cases.yaml)",
        "Route every case in cases.yaml and compare with its expectations. Prints each "
        "failing case with its file:line, then 'N passed, N failed'. Exit 0 when all pass.",
        EXAMPLES,
    )
    add_path(parser)
    parser.add_argument(
        "--engine", choices=ENGINES, default="index", help="routing engine (default: index)"
    )
    add_output(parser)
    add_common(parser, ("text", "junit", "json"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    session = open_session(catalog_path(args, args.path), lang)
    from dutylist.casetest import run_cases

    results = run_cases(session.catalog, make_engine(session.compiled, args.engine))
    if args.format == "junit":
        emit(_junit(results, args.engine), args.output)
    elif args.format == "json":
        emit(json.dumps(_json(results), ensure_ascii=False, indent=2) + "\n", args.output)
    else:
        emit(_text(results, lang), args.output)
    return EXIT_OK if all(r.passed for r in results) else EXIT_FINDINGS


def _failure(result: CaseResult, lang: Lang) -> str:
    if result.error is not None:
        return result.error
    parts = []
    for m in result.mismatches:
        if lang == "zh":
            parts.append(f"{m.field}：期望 {m.expected}，实际 {m.actual}")
        else:
            parts.append(f"{m.field}: expected {m.expected}, got {m.actual}")
    return "; ".join(parts)


def _text(results: list[CaseResult], lang: Lang) -> str:
    lines = [f"{r.case.loc}: {r.case.name}: {_failure(r, lang)}" for r in results if not r.passed]
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines) + "\n"


def _json(results: list[CaseResult]) -> dict[str, object]:
    return {
        "cases": [
            {
                "name": r.case.name,
                "file": r.case.loc.file,
                "line": r.case.loc.line,
                "passed": r.passed,
                "error": r.error,
                "mismatches": [
                    {"field": m.field, "expected": m.expected, "actual": m.actual}
                    for m in r.mismatches
                ],
            }
            for r in results
        ],
        "summary": {
            "passed": sum(r.passed for r in results),
            "failed": sum(not r.passed for r in results),
        },
    }


def _junit(results: list[CaseResult], engine: str) -> str:
    failures = sum(not r.passed for r in results)
    suite = ET.Element(
        "testsuite",
        name=f"dutylist cases ({engine})",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=result.case.loc.file,
            name=result.case.name,
            file=result.case.loc.file,
            line=str(result.case.loc.line),
        )
        if not result.passed:
            failure = ET.SubElement(case, "failure", message=_failure(result, "en"))
            failure.text = f"{result.case.loc}: {_failure(result, 'en')}"
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
