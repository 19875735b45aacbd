"""`dutylist schema [KIND]`: the JSON Schema of a catalogue file kind, for editors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dutylist.commands.common import EXIT_OK, add_subcommand
from dutylist.errors import UsageError
from dutylist.load.paths import FILE_KINDS
from dutylist.output import write_atomic

EXAMPLES = """\
examples:
  dutylist schema duties                      the JSON Schema of duties.yaml
  dutylist schema --write .schemas            one <kind>.schema.json per file kind
then, as the first line of catalogs/panlong/duties.yaml, for completion in editors:
  # yaml-language-server: $schema=../../.schemas/duties.schema.json
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "schema",
        "print the JSON Schema of a catalogue file kind (for editors)",
        f"Print the JSON Schema (draft 2020-12) of one file kind: {', '.join(FILE_KINDS)}.",
        EXAMPLES,
    )
    parser.add_argument(
        "kind", nargs="?", choices=FILE_KINDS, metavar="KIND", help=", ".join(FILE_KINDS)
    )
    parser.add_argument(
        "--write", type=Path, metavar="DIR", help="write every kind's schema into DIR"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback if dutylist itself fails"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.load.schema import standalone_schema  # its validators: not for other commands

    if args.write is not None:
        try:
            args.write.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(
                f"cannot make the folder {args.write}: {error.strerror}", "give a writable folder"
            ) from None
        for kind in FILE_KINDS:
            text = json.dumps(standalone_schema(kind), ensure_ascii=False, indent=2) + "\n"
            write_atomic(args.write / f"{kind}.schema.json", text)
        return EXIT_OK
    if args.kind is None:
        raise UsageError("name a file kind", f"one of: {', '.join(FILE_KINDS)}")
    sys.stdout.write(json.dumps(standalone_schema(args.kind), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
