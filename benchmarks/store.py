"""The whistle store's speed, in process, on SQLite (and on PostgreSQL with --db URL).

    python benchmarks/store.py                 2,000 blows into a fresh SQLite file
    python benchmarks/store.py --count 20000
    python benchmarks/store.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

Prints: blows per second (each its own transaction, synchronous=FULL), the p50 and p99
time to read one whistle's events with COUNT stored, and a sweep with nothing due.
Issue 12's targets (at 1,000,000 whistles, over HTTP too) are printed beside them; the
HTTP figures wait for the service.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from dutylist.store.log import Store

ANSWER = {
    "lead": "ga",
    "support": ["scjg", "wlj"],
    "blower": "gulou",
    "respond_within_minutes": 30,
    "escalate": [{"after_minutes": 60, "to": "panlong-deputies"}],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--db", help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(args.db or Path(scratch) / "bench.db")
        blown_at = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
        started = time.perf_counter()
        ids = [
            store.blow("noise", "gulou.taoyuan", ANSWER, "gulou", at=blown_at.isoformat())[0]
            for _ in range(args.count)
        ]
        blow_rate = args.count / (time.perf_counter() - started)
        for whistle in ids[: args.count // 2]:
            store.record(whistle, "sign", "ga", unit="ga")
        rng = random.Random(1)
        reads = []
        for _ in range(500):
            whistle = rng.choice(ids)
            started = time.perf_counter()
            store.events(whistle)
            reads.append(time.perf_counter() - started)
        reads.sort()
        started = time.perf_counter()
        assert store.sweep(blown_at + dt.timedelta(minutes=1)) == []
        sweep_ms = (time.perf_counter() - started) * 1000
        store.close()
    p50, p99 = statistics.median(reads) * 1000, reads[int(len(reads) * 0.99)] * 1000
    print(f"whistles stored          {args.count:>10,}")
    print(f"blow, in process         {blow_rate:>10,.0f} /s   target >= 1,000 /s")
    print(f"read one whistle p50     {p50:>10.2f} ms")
    print(f"read one whistle p99     {p99:>10.2f} ms   target <= 20 ms (at 1,000,000 stored)")
    print(f"sweep with nothing due   {sweep_ms:>10.2f} ms   target <= 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
