"""`dutylist token create UNIT | revoke N | list`: API tokens, one unit each."""

from __future__ import annotations

import argparse
import json
import sys

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Parser,
    add_common,
    add_subcommand,
    open_store,
    unit_id,
)

EXAMPLES = """\
examples:
  dutylist token create ga --catalog catalogs/panlong   a token for 区公安分局, shown once
  dutylist token list                                    every token: its number, unit, state
  dutylist token revoke 3                                it no longer opens anything
The secret is shown once and stored only as its SHA-256: keep it where the unit's
officers keep their keys. Tokens are for the HTTP service (and its Open311 face).
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "token",
        "API tokens for units: create (shown once), list, revoke",
        "Each unit acts through its own tokens; a token is stored only as a hash and can "
        "be revoked.",
        EXAMPLES,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    create = actions.add_parser("create", help="a new token for a unit (id, name or alias)")
    create.add_argument("unit", metavar="UNIT")
    revoke = actions.add_parser("revoke", help="revoke a token by its number")
    revoke.add_argument("number", type=int, metavar="N")
    actions.add_parser("list", help="every token, without its secret")
    for sub in actions.choices.values():
        add_common(sub, ("text", "json"))
        sub.add_argument("--db", metavar="FILE|URL", help="the store (default: your data folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    try:
        if args.action == "create":
            unit = unit_id(args, args.unit)
            number, secret = store.create_token(unit)
            _out(args, {"number": number, "unit": unit, "token": secret},
                 f"token {number} for {unit} (shown once, keep it safe):\n{secret}")  # fmt: skip
            return EXIT_OK
        if args.action == "revoke":
            if not store.revoke_token(args.number):
                sys.stderr.write(f"dutylist: no token {args.number}, or it was revoked already\n")
                return EXIT_FINDINGS
            _out(args, {"number": args.number, "revoked": True}, f"token {args.number} revoked")
            return EXIT_OK
        listed = store.token_list()
        rows = [vars(t) for t in listed]
        text = "\n".join(
            f"{t.id:>4}  {t.unit}  created {t.created_at}"
            + (f"  revoked {t.revoked_at}" if t.revoked_at else "")
            for t in listed
        )
        _out(args, {"tokens": rows}, text)
        return EXIT_OK
    finally:
        store.close()


def _out(args: argparse.Namespace, document: dict[str, object], text: str) -> None:
    if args.format == "json":
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif text:
        sys.stdout.write(text + "\n")
