"""`dutylist serve`: the whistle desk over HTTP — a JSON API, Open311 GeoReport v2, and
the OpenAPI docs at /docs — on one catalogue and one store."""

from __future__ import annotations

import argparse
import gc
import socket
import sys
from pathlib import Path

from dutylist.commands.common import (
    EXIT_OK,
    UsageError,
    add_subcommand,
    catalog_path,
    lang_of,
    open_store,
)

EXAMPLES = """\
examples:
  dutylist serve --catalog catalogs/panlong            on http://127.0.0.1:8000 (docs: /docs)
  dutylist serve --catalog catalogs/panlong --db /srv/dutylist/whistles.db --port 8080
  dutylist serve --catalog catalogs/panlong --db postgresql+psycopg://dutylist@db/dutylist
  curl -s localhost:8000/open311/v2/services.json      the problems, as Open311 services
Units act with their tokens (dutylist token create UNIT); whistles and stats are read
with a token too, unless --public. Every --sweep-every seconds the service escalates
whistles whose time limit has passed (0: never; run `dutylist whistle sweep` instead).
Stop it with Ctrl-C: requests in flight are finished first.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "serve",
        "the whistle desk over HTTP: JSON API, Open311, docs at /docs",
        "Serve one catalogue and one whistle store over HTTP (FastAPI + uvicorn).",
        EXAMPLES,
    )
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        type=Path,
        help="catalogue folder (default: the current folder)",
    )
    parser.add_argument("--db", metavar="FILE|URL", help="the store (default: your data folder)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--public", action="store_true", help="anyone may read whistles and stats (no token)"
    )
    parser.add_argument(
        "--sweep-every",
        type=_seconds,
        default=60,
        metavar="SECONDS",
        help="escalate overdue whistles this often (default: 60; 0: never)",
    )
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the start-up messages")
    parser.add_argument("--debug", action="store_true", help="show a traceback if dutylist fails")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from dutylist.dispatcher import Dispatcher
    from dutylist.service.desk import Desk
    from dutylist.web.app import create_app

    _free(args.host, args.port)
    dispatcher = Dispatcher(catalog_path(args), lang=lang_of(args))
    store = open_store(args.db)
    app = create_app(Desk(dispatcher, store, public=args.public), sweep_every=args.sweep_every)
    session = dispatcher.session
    sys.stderr.write(
        f"dutylist: serving {session.catalog.name} ({session.catalog.id}) "
        f"from {store.url} on http://{args.host}:{args.port} (docs: /docs)\n"
    )
    # A long-running server collects its garbage (the CLI pauses the collector for bulk
    # work), but not the catalogue's hundreds of thousands of long-lived objects: frozen,
    # they are never rescanned, and a full collection no longer stalls every request.
    gc.freeze()
    gc.enable()
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        store.close()
    return EXIT_OK


def _free(host: str, port: int) -> None:
    """Say plainly that the address is taken (or not ours) before loading anything."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise UsageError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            "is another dutylist serve running? choose another --port",
        ) from None


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UsageError(f"--port {text}: a number from 1 to 65535", "e.g. --port 8000")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 86400:
        raise UsageError(f"--sweep-every {text}: seconds, 0 to 86400", "e.g. --sweep-every 60")
    return value
