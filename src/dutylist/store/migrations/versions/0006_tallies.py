"""Running totals for the stats: per Beijing day of the blow, unit, street and problem,
the obligations and how they went (`tallies`), and how long the waits to sign and to
arrive were, by tenth of a minute (`tally_waits`). Kept with each event from now on;
an existing store's are counted here from its obligations and evaluations.

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

KEY = ("day", "unit", "street", "problem")
COUNTERS = ("obligations", "signed_in_time", "arrived_in_time", "resolved", "rejected",
            "sign_n", "arrive_n", "evaluations_u", "satisfied_u", "evaluations_w",
            "satisfied_w")  # fmt: skip
SUMS = ("sign_sum_s", "arrive_sum_s")
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _keys() -> list[sa.Column[Any]]:
    return [sa.Column(name, sa.String(10 if name == "day" else 200), primary_key=True)
            for name in KEY]  # fmt: skip


def upgrade() -> None:
    tallies = op.create_table(
        "tallies",
        *_keys(),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTERS),
        *(sa.Column(name, sa.Float, nullable=False, server_default="0") for name in SUMS),
    )
    waits = op.create_table(
        "tally_waits",
        *_keys(),
        sa.Column("step", sa.String(10), primary_key=True),
        sa.Column("tenths", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False, server_default="0"),
    )
    assert tallies is not None and waits is not None
    _count_what_is_there(tallies, waits)


def _day(at: str) -> str:
    return dt.datetime.fromisoformat(at).astimezone(BEIJING).date().isoformat()


def _tenths(wait: float) -> int:
    scaled = wait / 6
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


def _count_what_is_there(tallies: sa.Table, waits: sa.Table) -> None:
    connection = op.get_bind()
    totals: dict[tuple[Any, ...], Counter[str]] = {}
    histogram: Counter[tuple[Any, ...]] = Counter()
    first_unit: dict[str, tuple[Any, ...]] = {}
    units_of: dict[str, list[tuple[Any, ...]]] = {}
    rows = connection.execute(sa.text(
        "SELECT id, whistle, unit, since_s, street, problem, blown_at, respond_s, signed_s, "
        "arrived_s, resolved_s, rejected_s FROM obligations ORDER BY id"
    ))  # fmt: skip
    for row in rows:
        key: tuple[Any, ...] = (_day(row.blown_at), row.unit, row.street or "", row.problem)
        got = totals.setdefault(key, Counter())
        got["obligations"] += 1
        first_unit.setdefault(row.whistle, key)
        units_of.setdefault(row.whistle, []).append(key)
        for step, at, (n, total, kept) in (
            ("sign", row.signed_s, ("sign_n", "sign_sum_s", "signed_in_time")),
            ("arrive", row.arrived_s, ("arrive_n", "arrive_sum_s", "arrived_in_time")),
        ):
            if at is None:
                continue
            wait = at - row.since_s
            got[n] += 1
            got[total] += wait
            got[kept] += 1 if row.respond_s is None or wait <= row.respond_s else 0
            histogram[(*key, step, _tenths(wait))] += 1
        got["resolved"] += row.resolved_s is not None
        got["rejected"] += row.rejected_s is not None
    for row in connection.execute(sa.text("SELECT whistle, score FROM evaluations")):
        satisfied = 1 if row.score >= 4 else 0
        for key in units_of.get(row.whistle, []):
            totals[key]["evaluations_u"] += 1
            totals[key]["satisfied_u"] += satisfied
        if row.whistle in first_unit:
            totals[first_unit[row.whistle]]["evaluations_w"] += 1
            totals[first_unit[row.whistle]]["satisfied_w"] += satisfied
    if totals:
        op.bulk_insert(tallies, [
            {**dict(zip(KEY, key, strict=True)), **{c: got[c] for c in (*COUNTERS, *SUMS)}}
            for key, got in totals.items()
        ])  # fmt: skip
    if histogram:
        op.bulk_insert(waits, [
            {**dict(zip((*KEY, "step", "tenths"), key, strict=True)), "n": n}
            for key, n in histogram.items()
        ])  # fmt: skip


def downgrade() -> None:
    op.drop_table("tally_waits")
    op.drop_table("tallies")
