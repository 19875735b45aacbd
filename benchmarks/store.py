"""The whistle store and the HTTP service, measured against issue 12's targets, on
SQLite and on PostgreSQL side by side.

    python benchmarks/store.py                          SQLite and PostgreSQL, 1,000,000 stored
    python benchmarks/store.py --stored 20000 --backends sqlite     a quick look
    python benchmarks/store.py --db postgresql+psycopg://…          a server of your own

For each backend: blows per second in process (each its own transaction; SQLite with
synchronous=FULL, PostgreSQL with fsync on); then a store filled with --stored whistles
(benchmarks/filled.py; its hash chain is verified) for reading one whistle, the stats
and a sweep with nothing due, in process; then `dutylist serve` on it, with 8 clients
blowing over HTTP and 8 reading whistles. Only 127.0.0.1 is spoken to; the load is
bounded by --http-blows and --http-reads.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.filled import fill, sample  # noqa: E402

from dutylist.store.log import Store  # noqa: E402

ANSWER = {"lead": "ga", "support": ["scjg", "wlj"], "blower": "gulou",
          "respond_within_minutes": 30,
          "escalate": [{"after_minutes": 60, "to": "panlong-deputies"}]}  # fmt: skip
CASE = {"problem": "noise", "place": "gulou.taoyuan", "values": {"source": "社会生活"}}
CLIENTS = 8
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def in_process(url: str, count: int) -> dict[str, float]:
    store = Store(url)
    try:
        started = time.perf_counter()
        for _ in range(count):
            store.blow("noise", "gulou.taoyuan", ANSWER, "gulou")
        return {"blow_per_s": count / (time.perf_counter() - started)}
    finally:
        store.close()


def filled_reads(url: str, stored: int) -> dict[str, float]:
    store = Store(url)
    try:
        started = time.perf_counter()
        fill(store, stored, START)
        figures = {"fill_s": time.perf_counter() - started}
        started = time.perf_counter()
        assert store.verify() == [], "the filled log does not verify"
        figures["verify_s"] = time.perf_counter() - started
        reads = []
        for whistle, _ in zip(sample(stored), range(2000), strict=False):
            started = time.perf_counter()
            store.events(whistle)
            reads.append(time.perf_counter() - started)
        figures["read_p50_ms"], figures["read_p99_ms"] = _ms(reads, 0.5), _ms(reads, 0.99)
        for by in ("unit", "street", "problem", "week"):
            started = time.perf_counter()
            rows = store.stats(by)
            figures[f"stats_{by}_s"] = time.perf_counter() - started
            assert sum(r["obligations"] for r in rows) == 3 * stored
        middle = START + dt.timedelta(minutes=stored // 2, seconds=17)  # cuts a day
        started = time.perf_counter()
        store.stats("unit", since=middle, until=middle + dt.timedelta(days=30))
        figures["stats_month_s"] = time.perf_counter() - started
        now = START + dt.timedelta(minutes=stored + 1)
        sweeps = []
        for _ in range(20):
            started = time.perf_counter()
            assert store.sweep(now) == []
            sweeps.append(time.perf_counter() - started)
        figures["sweep_ms"] = statistics.median(sweeps) * 1000
        return figures
    finally:
        store.close()


@contextlib.contextmanager
def serving(url: str) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "dutylist", "serve", "--catalog", str(ROOT / "catalogs/panlong"),
         "--db", url, "--port", str(port), "--sweep-every", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/api/health")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("dutylist serve did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _clients(port: int, total: int, request: Any) -> tuple[float, list[float]]:
    """`total` requests from CLIENTS threads, each on its own keep-alive connection."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = total // CLIENTS

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for n in range(per_client):
            method, path, body, headers = request(number, n)
            started = time.perf_counter()
            connection.request(method, path, body, headers)
            answer = connection.getresponse()
            answer.read()
            mine.append(time.perf_counter() - started)
            assert answer.status in (200, 201), answer.status
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def over_http(url: str, stored: int, blows: int, reads: int) -> dict[str, float]:
    store = Store(url)
    token = store.create_token("gulou")[1]
    store.close()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps(CASE)
    figures: dict[str, float] = {}
    with serving(url) as port:

        def blow(client: int, n: int) -> tuple[str, str, str, dict[str, str]]:
            return "POST", "/api/whistles", body, {**auth, "Idempotency-Key": f"b-{client}-{n}"}

        rate, latencies = _clients(port, blows, blow)
        figures["http_blow_per_s"] = rate
        figures["http_blow_p50_ms"] = _ms(latencies, 0.5)
        figures["http_blow_p99_ms"] = _ms(latencies, 0.99)
        rng = random.Random(3)
        ids = [f"W{rng.randint(1, stored):06d}" for _ in range(reads)]

        def read(client: int, n: int) -> tuple[str, str, None, dict[str, str]]:
            return (
                "GET",
                f"/api/whistles/{ids[(client * reads // CLIENTS + n) % reads]}",
                None,
                auth,
            )

        rate, latencies = _clients(port, reads, read)
        figures["http_get_per_s"] = rate
        figures["http_get_p50_ms"] = _ms(latencies, 0.5)
        figures["http_get_p99_ms"] = _ms(latencies, 0.99)
    return figures


TARGETS = [
    ("blow_per_s", "blow, in process (/s)", ">= 1,000"),
    ("http_blow_per_s", "blow over HTTP, 8 clients (/s)", ">= 500"),
    ("http_blow_p50_ms", "  its p50 (ms)", ""),
    ("http_blow_p99_ms", "  its p99 (ms)", "<= 50"),
    ("read_p99_ms", "read one whistle, in process p99 (ms)", ""),
    ("http_get_p50_ms", "GET one whistle over HTTP p50 (ms)", ""),
    ("http_get_p99_ms", "GET one whistle over HTTP p99 (ms)", "<= 20"),
    ("stats_unit_s", "stats by unit, all time (s)", "<= 2"),
    ("stats_street_s", "stats by street (s)", "<= 2"),
    ("stats_problem_s", "stats by problem (s)", "<= 2"),
    ("stats_week_s", "stats by week (s)", "<= 2"),
    ("stats_month_s", "stats by unit, 30 days cut mid-day (s)", "<= 2"),
    ("sweep_ms", "sweep, nothing due (ms)", "<= 50"),
    ("fill_s", "filling the store (s, not a target)", ""),
    ("verify_s", "verify the whole chain (s)", ""),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=3000, help="blows in process")
    parser.add_argument("--stored", type=int, default=1_000_000, help="whistles to read among")
    parser.add_argument("--http-blows", type=int, default=4000)
    parser.add_argument("--http-reads", type=int, default=8000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--db", help="a PostgreSQL URL of your own (instead of a throwaway one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                urls = [str(Path(scratch) / f"{name}.db") for name in ("blows", "filled")]
            else:
                server = args.db or stack.enter_context(_postgres())
                urls = [_database(server, name) for name in ("blows", "filled")]
            sys.stderr.write(f"{backend}: blowing {args.count:,} in process\n")
            figures = in_process(urls[0], args.count)
            sys.stderr.write(f"{backend}: filling {args.stored:,} whistles\n")
            figures.update(filled_reads(urls[1], args.stored))
            sys.stderr.write(f"{backend}: over HTTP\n")
            figures.update(over_http(urls[1], args.stored, args.http_blows, args.http_reads))
            results[backend] = figures
    if args.json:
        print(json.dumps({"stored": args.stored, **results}, indent=2))
        return 0
    names = list(results)
    print(f"whistles stored: {args.stored:,}; {CLIENTS} HTTP clients")
    print(f"{'':42}" + "".join(f"{n:>12}" for n in names) + "   target")
    for key, label, target in TARGETS:
        cells = "".join(f"{results[n].get(key, float('nan')):>12,.1f}" for n in names)
        print(f"{label:42}{cells}   {target}")
    return 0


@contextlib.contextmanager
def _postgres() -> Iterator[str]:
    from tests.postgres import running_server

    with running_server(durable=True) as url:
        yield url


def _database(server: str, name: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(server.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "bench_{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "bench_{name}"')
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/bench_{name}"


if __name__ == "__main__":
    sys.exit(main())
