"""Options and helpers every subcommand shares."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dutylist.errors import UsageError
from dutylist.i18n import Lang, default_lang
from dutylist.output import check_target, write_atomic

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line of reason and one of hint (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # the top parser also reports a subcommand's unknown flags: the hint then names the
        # subcommand's help (cli.main works it out from the words)
        hint = f"see: {self.prog} --help" if " " in self.prog else None
        raise UsageError(message, hint)


def add_common(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        type=Path,
        help="catalogue folder (default: the current folder)",
    )
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format (default: {formats[0]})",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="language of messages (default: from the locale)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback if dutylist itself fails"
    )


def add_path(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH", help="catalogue folder")


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        type=output_file,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )


def add_subcommand(
    commands: argparse._SubParsersAction, name: str, summary: str, description: str, examples: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def lang_of(args: argparse.Namespace) -> Lang:
    chosen: Lang | None = args.lang
    return chosen or default_lang()


def catalog_path(args: argparse.Namespace, positional: Path | None = None) -> Path:
    if positional is not None and args.catalog is not None and positional != args.catalog:
        raise UsageError("give the catalogue once: as PATH or as --catalog", None)
    return positional or args.catalog or Path(".")


def emit(text: str, output: Path | None = None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def output_file(text: str) -> Path:
    """An `--output FILE` value, refused at once if it cannot or must not be written."""
    path = Path(text)
    check_target(path)
    return path


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_today(text: str, option: str = "--today") -> dt.date:
    """A --today value: a date written YYYY-MM-DD."""
    try:
        if not _DATE.fullmatch(text.strip()):  # Python also reads 20190801 and 2019-W31-4
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date: write it as YYYY-MM-DD", f"e.g. {option} 2019-08-15"
        ) from None


def parse_on(text: str) -> dt.date:
    return parse_today(text, "--on")


def add_on_option(parser: argparse.ArgumentParser, what: str = "answer with") -> None:
    """`--on DATE`: the day whose catalogue is in force (duties, rules, units and whistles
    with `effective` dates)."""
    parser.add_argument(
        "--on",
        type=parse_on,
        metavar="DATE",
        help=f"{what} what is in force on DATE, YYYY-MM-DD (default: today)",
    )


def add_today_option(parser: argparse.ArgumentParser) -> None:
    """`--today DATE`, shared with `check`: the day overdue tasks are judged against."""
    parser.add_argument(
        "--today",
        type=parse_today,
        metavar="DATE",
        help="judge overdue tasks as of DATE, YYYY-MM-DD (default: the real date)",
    )


def open_store(db: str | None) -> Any:
    """The whistle store at `--db` (default: the user's data folder), or a usage error
    that says why it cannot be opened."""
    from dutylist.store.log import Store, StoreUnavailable

    try:
        return Store(db)
    except StoreUnavailable as error:
        raise UsageError(
            str(error), "give --db a writable file, or a database URL that answers"
        ) from None


def unit_id(args: argparse.Namespace, text: str) -> str:
    """The id of the unit `text` names (id, name or alias) in the `--catalog`, or a usage
    error with a suggestion."""
    from dutylist.lookup import Lookup
    from dutylist.session import open_session

    catalog = open_session(catalog_path(args), lang_of(args)).catalog
    lookup = Lookup(catalog.units)
    unit = lookup.find(text)
    if unit is None:
        close = lookup.suggest(text)
        raise UsageError(
            f"unknown unit '{text}'", "did you mean " + " or ".join(close) + "?" if close else None
        )
    return unit.id
