"""A whistle store filled with many whistles fast, for the read benchmarks.

Blowing a million whistles one transaction at a time takes a quarter of an hour; this
writes the same rows the store writes (whistles, a hash-chained log of events, the
obligations and evaluations indexes, deadlines), in large batches. The log it leaves
passes `Store.verify`, which the benchmark checks on every run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from dutylist.store.log import (
    FIRST_TIME,
    GENESIS,
    Store,
    deadlines,
    evaluations,
    event_hash,
    events,
    obligations,
    seconds_of,
    stamp,
    week_of,
    whistles,
)
from dutylist.store.stats import recount

LEADS = ["ga", "cgj", "scjg", "zjj", "sthj", "wlj", "jj", "xf", "mzj", "slj"]
STREETS = ["tuodong", "gulou", "donghua", "lianmeng", "jinchen", "qingyun", "longquan", "ciba",
           "songhua", "shuanglong", "dianyuan", "aziying"]  # fmt: skip
PROBLEMS = ["noise", "illegal-construction", "wall-opening", "illegal-business", "fire",
            "road-damage", "garbage", "water-outage", "power-outage", "street-vending"]  # fmt: skip
BATCH = 20_000


def fill(store: Store, count: int, start: dt.datetime, seed: int = 0) -> None:
    """`count` whistles blown a minute apart from `start`: each obliges its lead and two
    supporting units; the lead signs (mostly in time), arrives, and usually resolves;
    a third are evaluated. None is due for escalation after the last is blown."""
    rng = random.Random(seed)
    prev, seq = GENESIS, 0
    with store.engine.begin() as connection:
        last = connection.execute(sa.select(sa.func.max(events.c.seq))).scalar()
        assert last is None, "fill an empty store"
    for first in range(0, count, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {"w": [], "e": [], "o": [], "v": []}
        for number in range(first + 1, min(count, first + BATCH) + 1):
            blown = start + dt.timedelta(minutes=number)
            whistle = f"W{number:06d}"
            lead = rng.choice(LEADS)
            support = rng.sample([u for u in LEADS if u != lead], 2)
            street, problem = rng.choice(STREETS), rng.choice(PROBLEMS)
            answer = {"lead": lead, "support": support, "blower": street,
                      "respond_within_minutes": 30, "escalate": [], "problem": problem,
                      "place": street}  # fmt: skip
            at = stamp(blown)
            keys = {"street": street, "problem": problem, "week": week_of(at), "blown_at": at}
            rows["w"].append({"number": number, "id": whistle, "idempotency_key": None,
                              "place": street, "respond_s": 1800, **keys})  # fmt: skip
            obliged = {unit: {"whistle": whistle, "unit": unit, "since_s": seconds_of(at),
                              "respond_s": 1800, **keys, **{c: None for c in FIRST_TIME.values()}}
                       for unit in (lead, *support)}  # fmt: skip
            rows["o"].extend(obliged.values())
            steps: list[tuple[str, str | None, dict[str, Any], float]] = [("blow", None, answer, 0)]
            signed = rng.expovariate(1 / 12)
            steps.append(("sign", lead, {}, signed))
            steps.append(("arrive", lead, {}, signed + rng.expovariate(1 / 20)))
            if rng.random() < 0.8:
                steps.append(("resolve", lead, {}, signed + 60 + rng.expovariate(1 / 120)))
            if rng.random() < 0.3:
                score = rng.choice([2, 3, 4, 4, 5, 5])
                steps.append(("evaluate", None, {"by": "resident", "score": score}, 300))
                rows["v"].append({"whistle": whistle, "by": "resident", "score": score, **keys})
            for kind, unit, data, minutes in steps:
                seq += 1
                when = stamp(blown + dt.timedelta(minutes=minutes))
                text = json.dumps(data, ensure_ascii=False, sort_keys=True)
                digest = event_hash(prev, seq, whistle, when, kind, unit, street, text)
                rows["e"].append({"seq": seq, "whistle": whistle, "at": when, "kind": kind,
                                  "unit": unit, "actor": street, "data": text,
                                  "prev_hash": prev, "hash": digest,
                                  "at_s": seconds_of(when)})  # fmt: skip
                prev = digest
                if unit is not None and kind in FIRST_TIME:
                    obliged[unit][FIRST_TIME[kind]] = seconds_of(when)
        with store.engine.begin() as connection:
            connection.execute(whistles.insert(), rows["w"])
            connection.execute(events.insert(), rows["e"])
            connection.execute(obligations.insert(), rows["o"])
            if rows["v"]:
                connection.execute(evaluations.insert(), rows["v"])
        yield_progress(first + len(rows["w"]), count)
    with store.engine.begin() as connection:
        recount(connection)  # the running totals the events would have added up to
    # a few escalations still to come, so that the sweep has an index to look into
    later = start + dt.timedelta(minutes=count + 10_000)
    with store.engine.begin() as connection:
        connection.execute(deadlines.insert(), [
            {"whistle": f"W{n:06d}", "due_at": stamp(later), "step": 0,
             "to_unit": "panlong-deputies", "after_minutes": 60}
            for n in range(max(1, count - 999), count + 1)
        ])  # fmt: skip


def yield_progress(done: int, count: int) -> None:
    import sys

    sys.stderr.write(f"\r  filling: {done:,} of {count:,} whistles")
    if done >= count:
        sys.stderr.write("\n")
    sys.stderr.flush()


def sample(count: int, seed: int = 1) -> Iterator[str]:
    rng = random.Random(seed)
    while True:
        yield f"W{rng.randint(1, count):06d}"
