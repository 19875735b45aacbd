"""A real PostgreSQL server for the store's tests, started by the tests themselves.

Debian's `postgresql` package (installed by `make test` when missing) provides `initdb`
and `postgres`; a throwaway cluster is made in a temporary folder, listening only on
127.0.0.1 at a free port, with trust authentication, and stopped at the end. As root
(CI), the server runs as the `postgres` user, since PostgreSQL refuses to run as root.
Without the binaries the PostgreSQL tests are skipped — except under CI=true, where a
missing server is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix that runs a program as a user PostgreSQL accepts, and its uid."""
    if os.geteuid() != 0:
        return [], None
    user = pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"], user.pw_uid


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    binaries = _binaries()
    if binaries is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — under CI a missing server is a failure")
        # a developer's machine without the package: the SQLite half still runs; CI (and
        # `make test`, which installs the package) never gets here
        pytest.skip(reason=message)  # a developer's machine without the package; never CI
    with running_server(binaries) as url:
        yield url


@contextlib.contextmanager
def running_server(binaries: Path | None = None, durable: bool = False) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1; its URL. The tests run it without
    fsync (nothing of it must survive); a benchmark asks for a `durable` one, as a
    district would run it."""
    binaries = binaries or _binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    prefix, uid = _as_server_user()
    # not under pytest's folder: as root that is closed to the server's own user
    home = Path(tempfile.mkdtemp(prefix="dutylist-postgres-"))
    data = home / "data"
    if uid is not None:
        os.chown(home, uid, -1)
    subprocess.run(
        [*prefix, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
         "--no-sync", "-E", "UTF8", "--locale=C"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [*prefix, str(binaries / "postgres"), "-D", str(data), "-p", str(port),
         "-h", "127.0.0.1", "-k", str(home), "-c", f"fsync={'on' if durable else 'off'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        _wait(port, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


def _wait(port: int, server: subprocess.Popen[bytes]) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres"):
                return
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def fresh_database(url: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    import psycopg

    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a SQLite file, or a fresh database on the server."""
    if request.param == "sqlite":
        return str(tmp_path / "whistles.db")
    server = request.getfixturevalue("postgres_url")
    return fresh_database(server, f"t{abs(hash(request.node.nodeid)) % 10**9}")
