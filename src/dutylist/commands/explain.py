"""`dutylist explain CODE`: what a finding code means and what to write instead."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from dutylist.codes import SECTIONS, CodeInfo, registry
from dutylist.commands.common import EXIT_OK, add_common, add_subcommand, lang_of
from dutylist.errors import UsageError
from dutylist.i18n import Lang

EXAMPLES = """\
examples:
  dutylist explain DL003           what a duplicate key is, and what to write instead
  dutylist explain DL201 --lang zh
  dutylist explain --list          every code with its one-line summary
"""
TITLES = {
    "meaning": ("What it means", "含义"),
    "why": ("Why it matters", "为什么重要"),
    "example": ("Example", "示例"),
    "fix": ("What to write instead", "应当怎样写"),
}


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "explain",
        "what a finding code means and what to write instead",
        "Print what a finding code means, why it matters, an example and the fix.",
        EXAMPLES,
    )
    parser.add_argument("code", nargs="?", metavar="CODE", help="a code such as DL301")
    parser.add_argument("--list", action="store_true", help="list every code")
    add_common(parser, ("text", "json"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    table = registry()
    if args.list or args.code is None:
        _listing(list(table.values()), args.format, lang)
        return EXIT_OK
    info = table.get(args.code.upper())
    if info is None:
        raise UsageError(
            f"unknown finding code {args.code}", "list them with: dutylist explain --list"
        )
    if args.format == "json":
        doc = _summary(info, lang) | {s: info.section(s, lang) for s in SECTIONS}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_page(info, lang))
    return EXIT_OK


def _summary(info: CodeInfo, lang: Lang) -> dict[str, str]:
    return {
        "code": info.code,
        "name": info.name,
        "kind": info.kind,
        "severity": info.severity.value,
        "summary": info.summary[lang],
    }


def _listing(infos: list[CodeInfo], fmt: str, lang: Lang) -> None:
    if fmt == "json":
        sys.stdout.write(
            json.dumps([_summary(i, lang) for i in infos], ensure_ascii=False, indent=2) + "\n"
        )
        return
    for info in infos:
        sys.stdout.write(
            f"{info.code}  {info.kind:<12} {info.severity.value:<8} {info.summary[lang]}\n"
        )


def _page(info: CodeInfo, lang: Lang) -> str:
    out = [f"{info.code} {info.name} ({info.kind}, {info.severity.value})", info.summary[lang], ""]
    for section in SECTIONS:
        english, chinese = TITLES[section]
        out.append(chinese if lang == "zh" else english)
        out.append(textwrap.indent(info.section(section, lang).rstrip("\n"), "  "))
        out.append("")
    return "\n".join(out)
