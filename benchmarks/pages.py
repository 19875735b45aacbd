"""The pages at city scale (issue 13's targets): the dispatch page's autocomplete and its
live answer, server side, and how much each page weighs on the wire.

    python benchmarks/pages.py              the generated city (1,000 problems, ~7,000 communities)
    python benchmarks/pages.py --scale 0.1  a quick look

Requests go through the service in process (FastAPI's test client: the server's own
work, with none of the network's); each figure is the p50 and p99 of many requests.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import generate  # noqa: E402

PASSWORD = "a-long-password"


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def main(argv: list[str] | None = None) -> int:
    described = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=described)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--catalog", type=Path, help="a generated city already on disk")
    args = parser.parse_args(argv)

    from fastapi.testclient import TestClient

    from dutylist.dispatcher import Dispatcher
    from dutylist.service.desk import Desk
    from dutylist.service.people import People
    from dutylist.store.log import Store
    from dutylist.web.app import create_app

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.catalog
        if folder is None:
            out = Path(scratch) / "city"
            generate(out, scale=args.scale, seed=0, overlaps=0, gaps=0)
            folder = out / "catalogs" / "synth"
        store = Store(Path(scratch) / "w.db")
        desk = Desk(Dispatcher(folder), store)
        catalog = desk.catalog
        places = [u for u in catalog.units.values() if u.is_place]
        communities = sum(1 for u in places if u.kind == "community")
        problems = list(catalog.problems.values())
        street = next(u for u in catalog.units.values() if u.kind == "street")
        People(store).add(catalog, "desk", street.id, "admin", PASSWORD)
        client = TestClient(create_app(desk))
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post("/login", data={"name": "desk", "password": PASSWORD,
                                    "csrf_token": token.group(1)})  # fmt: skip
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
        assert csrf
        rng = random.Random(1)

        def timed(call: object, count: int) -> list[float]:
            times = []
            for _ in range(count):
                started = time.perf_counter()
                call()  # type: ignore[operator]
                times.append(time.perf_counter() - started)
            return times

        def typed(name: str) -> str:
            return name[: rng.randint(1, max(1, len(name)))]

        n = args.requests

        def place() -> None:
            client.get("/dispatch/place", params={"place": typed(rng.choice(places).name)})

        def problem() -> None:
            client.get("/dispatch/problem", params={"problem": typed(rng.choice(problems).name)})

        place_times, problem_times = timed(place, n), timed(problem, n)

        def answer() -> None:
            problem = rng.choice(problems)
            fields = {"csrf_token": csrf.group(1), "problem": problem.id,
                      "place": rng.choice(places).id}  # fmt: skip
            for key in problem.attributes:
                attribute = catalog.attributes[key]
                if attribute.values:
                    fields[f"v.{key}"] = rng.choice(attribute.values)
            client.post("/dispatch/answer", data=fields)

        answer_times = timed(answer, n)
        sizes = {}
        for path in ("/", "/board", "/stats", "/catalog", "/static/htmx.min.js",
                     "/static/dutylist.css", "/static/countdown.js"):  # fmt: skip
            body = client.get(path).content
            sizes[path] = (len(body), len(gzip.compress(body)))
        store.close()
    print(
        f"catalogue: {len(problems):,} problems, {communities:,} communities, "
        f"{len(places):,} places"
    )
    rows = [("autocomplete, place", place_times, 50), ("autocomplete, problem", problem_times, 50),
            ("dispatch answer", answer_times, 100)]  # fmt: skip
    for label, times, target in rows:
        print(f"{label:26} p50 {_ms(times, 0.5):6.1f} ms   p99 {_ms(times, 0.99):6.1f} ms"
              f"   target p99 <= {target} ms")  # fmt: skip
    for path, (raw, packed) in sizes.items():
        print(f"{path:26} {raw / 1024:7.1f} KB ({packed / 1024:5.1f} KB gzipped)")
    page = sum(v[0] for k, v in sizes.items() if k in ("/", *(
        p for p in sizes if p.startswith("/static"))))  # fmt: skip
    print(f"{'dispatch page, all told':26} {page / 1024:7.1f} KB   target <= 200 KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
