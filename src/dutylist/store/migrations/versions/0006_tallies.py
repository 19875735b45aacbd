"""Running totals for the stats, per Beijing week of the blow and per unit, street,
problem and week: the obligations and how they went (`tallies`), and how many waits to
sign and to arrive took each whole number of minutes (`tally_waits`). Kept with each
event from now on; an existing store's are counted here from its obligations and
evaluations (a frozen copy of `stats.recount` as it was: migrations do not change when
the code does).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEY = ("week", "by", "value")
COUNTERS = ("obligations", "signed_in_time", "arrived_in_time", "resolved", "rejected",
            "sign_n", "arrive_n", "evaluations", "satisfied")  # fmt: skip
SUMS = ("sign_sum_s", "arrive_sum_s")
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _key_columns() -> list[sa.Column[Any]]:
    sizes = {"week": 10, "by": 10, "value": 200}
    return [sa.Column(name, sa.String(sizes[name]), primary_key=True) for name in KEY]


def upgrade() -> None:
    tallies = op.create_table(
        "tallies",
        *_key_columns(),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTERS),
        *(sa.Column(name, sa.Float, nullable=False, server_default="0") for name in SUMS),
    )
    waits = op.create_table(
        "tally_waits",
        *_key_columns(),
        sa.Column("step", sa.String(10), primary_key=True),
        sa.Column("minutes", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False, server_default="0"),
    )
    assert tallies is not None and waits is not None
    _count_what_is_there(tallies, waits)


def _keys(row: Any) -> list[tuple[str, str, str]]:
    day = dt.datetime.fromisoformat(row.blown_at).astimezone(BEIJING).date()
    monday = day - dt.timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    values = {"unit": row.unit, "street": row.street or "", "problem": row.problem,
              "week": f"{year}-W{week:02d}"}  # fmt: skip
    return [(monday.isoformat(), by, value) for by, value in values.items()]


def _minutes(wait: float) -> int:
    scaled = wait / 60
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


def _count_what_is_there(tallies: sa.Table, waits: sa.Table) -> None:
    connection = op.get_bind()
    totals: dict[tuple[str, str, str], Counter[str]] = {}
    histogram: Counter[tuple[Any, ...]] = Counter()
    obliged: dict[str, list[Any]] = {}
    rows = connection.execute(sa.text(
        "SELECT id, whistle, unit, since_s, street, problem, blown_at, respond_s, signed_s, "
        "arrived_s, resolved_s, rejected_s FROM obligations ORDER BY id"
    ))  # fmt: skip
    for row in rows:
        obliged.setdefault(row.whistle, []).append(row)
        for key in _keys(row):
            got = totals.setdefault(key, Counter())
            got["obligations"] += 1
            for step, at in (("sign", row.signed_s), ("arrive", row.arrived_s)):
                if at is None:
                    continue
                wait = at - row.since_s
                kept = row.respond_s is None or wait <= row.respond_s
                done = "signed" if step == "sign" else "arrived"
                got.update({f"{step}_n": 1, f"{step}_sum_s": wait, f"{done}_in_time": int(kept)})
                histogram[(*key, step, _minutes(wait))] += 1
            got["resolved"] += row.resolved_s is not None
            got["rejected"] += row.rejected_s is not None
    for row in connection.execute(sa.text("SELECT whistle, score FROM evaluations")):
        for n, held in enumerate(obliged.get(row.whistle, [])):
            for key in _keys(held):
                if key[1] == "unit" or n == 0:
                    totals[key].update(evaluations=1, satisfied=int(row.score >= 4))
    if totals:
        op.bulk_insert(tallies, [
            {**dict(zip(KEY, key, strict=True)), **{c: got[c] for c in (*COUNTERS, *SUMS)}}
            for key, got in totals.items()
        ])  # fmt: skip
    if histogram:
        op.bulk_insert(waits, [
            {**dict(zip((*KEY, "step", "minutes"), key, strict=True)), "n": n}
            for key, n in histogram.items()
        ])  # fmt: skip


def downgrade() -> None:
    op.drop_table("tally_waits")
    op.drop_table("tallies")
