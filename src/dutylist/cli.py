"""The command line: parse options, call the library, print through a renderer.

Only `main` turns outcomes into exit codes: 0 fine, 1 findings or a failed answer,
2 the command line is wrong, 3 a bug in dutylist (traceback only under --debug).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path

from dutylist import __version__
from dutylist.checker import check_folder, find_catalogs, select
from dutylist.codes import SECTIONS, registry
from dutylist.errors import UsageError
from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang, default_lang
from dutylist.load.schema import FILE_KINDS, standalone_schema
from dutylist.output import write_atomic
from dutylist.report import RENDERERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

CHECK_EXAMPLES = """\
examples:
  dutylist check catalogs/panlong                 check one catalogue and its rules
  dutylist check .                                every catalogue under ./catalogs/
  dutylist check catalogs/panlong --format json   machine-readable findings
  dutylist check --format sarif --output dutylist.sarif   for code-scanning dashboards
  dutylist check --select DL2 --ignore DL203      only reference findings, less one code
  dutylist check --strict                         warnings fail too (exit 1)
"""

EXPLAIN_EXAMPLES = """\
examples:
  dutylist explain DL003           what a duplicate key is, and what to write instead
  dutylist explain DL201 --lang zh
  dutylist explain --list          every code with its one-line summary
"""

SCHEMA_EXAMPLES = """\
examples:
  dutylist schema duties                      the JSON Schema of duties.yaml
  dutylist schema --write .schemas            one <kind>.schema.json per file kind
then, first line of catalogs/panlong/duties.yaml, for editor completion:
  # yaml-language-server: $schema=../../.schemas/duties.schema.json
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line of reason and one of hint (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, f"see: {self.prog} --help")


def _common(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        type=Path,
        help="catalogue folder (default: the current folder)",
    )
    parser.add_argument(
        "--format", choices=formats, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="language of messages (default: from the locale)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback if dutylist itself fails"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dutylist",
        description="Responsibility lists and dispatch rules for 街乡吹哨、部门报到: "
        "check a catalogue, and answer who must report.",
        epilog="Run 'dutylist COMMAND --help' for each command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"dutylist {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help="validate catalogues and rules; report findings",
        description="Validate catalogues and their dispatch rules and report every finding "
        "with its code, file, line and column. Exit 0: no errors; 1: errors (or warnings "
        "with --strict); 2: the command line is wrong.",
        epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="catalogue folders, or folders holding catalogs/",
    )
    _common(check, ("text", "json", "sarif", "github"))
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these codes, code prefixes or kinds (comma-separated; repeatable)",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="leave out these codes, code prefixes or kinds",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    check.set_defaults(handler=_run_check)

    explain = commands.add_parser(
        "explain",
        help="what a finding code means and what to write instead",
        description="Print what a finding code means, why it matters, an example and the fix.",
        epilog=EXPLAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("code", nargs="?", metavar="CODE", help="a code such as DL301")
    explain.add_argument("--list", action="store_true", help="list every code")
    _common(explain, ("text", "json"))
    explain.set_defaults(handler=_run_explain)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a catalogue file kind (for editors)",
        description="Print the JSON Schema (draft 2020-12) of one file kind: "
        f"{', '.join(FILE_KINDS)}.",
        epilog=SCHEMA_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schema.add_argument(
        "kind", nargs="?", choices=FILE_KINDS, metavar="KIND", help=", ".join(FILE_KINDS)
    )
    schema.add_argument(
        "--write", type=Path, metavar="DIR", help="write every kind's schema into DIR"
    )
    schema.set_defaults(handler=_run_schema)
    return parser


def _lang(args: argparse.Namespace) -> Lang:
    return args.lang or default_lang()


def _codes(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _run_check(args: argparse.Namespace) -> int:
    paths: list[Path] = list(args.paths) or [args.catalog or Path(".")]
    folders = [folder for path in paths for folder in find_catalogs(path)]
    findings: list[Finding] = []
    for folder in folders:
        _, found = check_folder(folder)
        findings.extend(found)
    findings = select(findings, _codes(args.select), _codes(args.ignore))
    lang = _lang(args)
    _emit(RENDERERS[args.format](findings, lang), args.output)
    errors = any(f.severity is Severity.ERROR for f in findings)
    return EXIT_FINDINGS if errors or (args.strict and findings) else EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    lang = _lang(args)
    table = registry()
    if args.list or args.code is None:
        if args.format == "json":
            listing = [
                {
                    "code": c.code,
                    "name": c.name,
                    "kind": c.kind,
                    "severity": c.severity.value,
                    "summary": c.summary[lang],
                }
                for c in table.values()
            ]
            sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
        else:
            for info in table.values():
                sys.stdout.write(
                    f"{info.code}  {info.kind:<12} {info.severity.value:<8} {info.summary[lang]}\n"
                )
        return EXIT_OK
    code = args.code.upper()
    if code not in table:
        raise UsageError(
            f"unknown finding code {args.code}", "list them with: dutylist explain --list"
        )
    info = table[code]
    if args.format == "json":
        doc = {
            "code": info.code,
            "name": info.name,
            "kind": info.kind,
            "severity": info.severity.value,
            "summary": info.summary[lang],
        }
        doc.update({section: info.section(section, lang) for section in SECTIONS})
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    titles = {
        "meaning": ("What it means", "含义"),
        "why": ("Why it matters", "为什么重要"),
        "example": ("Example", "示例"),
        "fix": ("What to write instead", "应当怎样写"),
    }
    out = [f"{info.code} {info.name} ({info.kind}, {info.severity.value})", info.summary[lang], ""]
    for section in SECTIONS:
        english, chinese = titles[section]
        out.append(chinese if lang == "zh" else english)
        out.append(textwrap.indent(info.section(section, lang).rstrip("\n"), "  "))
        out.append("")
    sys.stdout.write("\n".join(out))
    return EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    if args.write is not None:
        args.write.mkdir(parents=True, exist_ok=True)
        for kind in FILE_KINDS:
            text = json.dumps(standalone_schema(kind), ensure_ascii=False, indent=2) + "\n"
            write_atomic(args.write / f"{kind}.schema.json", text)
        return EXIT_OK
    if args.kind is None:
        raise UsageError("name a file kind", f"one of: {', '.join(FILE_KINDS)}")
    sys.stdout.write(json.dumps(standalone_schema(args.kind), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        code: int = args.handler(args)
        return code
    except UsageError as error:
        sys.stderr.write(f"dutylist: {error.reason}\n")
        if error.hint:
            sys.stderr.write(f"hint: {error.hint}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("dutylist: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            "dutylist: internal error — this is a bug in dutylist, not in your catalogue. "
            "Please report it with the output of the same command run with --debug.\n"
        )
        return EXIT_BUG
