"""`dutylist user add NAME --unit UNIT --role ROLE | list | disable NAME | password NAME`:
the people who sign in to the pages."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Parser,
    UsageError,
    add_common,
    add_subcommand,
    catalog_path,
    lang_of,
    open_store,
    unit_id,
)

EXAMPLES = """\
examples:
  dutylist user add wang --unit 鼓楼街道 --role dispatcher --catalog catalogs/panlong
  echo "$PASSWORD" | dutylist user add li --unit 公安 --role officer --password-stdin
  dutylist user list
  dutylist user disable li                    signs li out everywhere and keeps li out
roles: dispatcher (吹哨, 改派, 结案, 评价), officer (签收, 报到, 办结, 退单),
       policy (reads the catalogue, the board and the stats), admin (all its unit may do).
The password is asked for twice (or read from standard input with --password-stdin) and
kept only as its Argon2 hash.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands, "user", "people who sign in to the pages: add, list, disable, password",
        "Each person is bound to a unit and a role; the pages let them do only what both "
        "allow.", EXAMPLES,
    )  # fmt: skip
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    added = actions.add_parser("add", help="a new person, with a unit and a role")
    added.add_argument("name", metavar="NAME")
    added.add_argument("--unit", required=True, help="id, name or alias of their unit")
    added.add_argument("--role", required=True,
                       choices=("dispatcher", "officer", "policy", "admin"))  # fmt: skip
    for name, text in (("disable", "keep a person out from now on"),
                       ("password", "set a new password (signs them out)")):  # fmt: skip
        action = actions.add_parser(name, help=text)
        action.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="every person, their unit and role")
    for name, sub in actions.choices.items():
        add_common(sub, ("text", "json"))
        sub.add_argument("--db", metavar="FILE|URL", help="the store (default: your data folder)")
        if name in ("add", "password"):
            sub.add_argument("--password-stdin", action="store_true",
                             help="read the password from standard input")  # fmt: skip
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.service.failures import Refused
    from dutylist.service.people import People
    from dutylist.session import open_session

    store = open_store(args.db)
    try:
        people = People(store)
        if args.action == "list":
            listed = people.accounts.listed()
            if args.format == "json":
                rows = [{"name": u.name, "unit": u.unit, "role": u.role, "disabled": u.disabled}
                        for u in listed]  # fmt: skip
                sys.stdout.write(json.dumps({"users": rows}, ensure_ascii=False, indent=2) + "\n")
            else:
                for u in listed:
                    gone = "  (disabled)" if u.disabled else ""
                    sys.stdout.write(f"{u.name}  {u.unit}  {u.role}{gone}\n")
            return EXIT_OK
        if args.action == "disable":
            if not people.accounts.disable(args.name):
                sys.stderr.write(f"dutylist: no user {args.name}\n")
                return EXIT_FINDINGS
            sys.stdout.write(f"{args.name} disabled\n")
            return EXIT_OK
        password = _password(args)
        if args.action == "password":
            from dutylist.service.people import hash_password

            if not people.accounts.set_password(args.name, hash_password(password)):
                sys.stderr.write(f"dutylist: no user {args.name}\n")
                return EXIT_FINDINGS
            sys.stdout.write(f"new password for {args.name}\n")
            return EXIT_OK
        catalog = open_session(catalog_path(args), lang_of(args)).catalog
        try:
            user = people.add(catalog, args.name, unit_id(args, args.unit), args.role, password)
        except Refused as refused:
            raise UsageError(refused.message(lang_of(args))) from None
        sys.stdout.write(
            f"{user.name}: {user.role} of {catalog.units[user.unit].name} ({user.unit})\n"
        )
        return EXIT_OK
    finally:
        store.close()


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ", "type the same password twice")
    return first
