"""The reform's rates — 响应率, 按时报到率, 解决率, 满意率, 退单, the minutes to sign and
to arrive — by unit, street, problem or week, over any period, by SQL.

Every event adds to running totals (`tallies`, `tally_waits`) per Beijing week of the
blow and per unit, street, problem and week, in the transaction that appends it; a
period's whole weeks are read from the totals (a few thousand rows, however many
whistles), and the part of a week at either end from the obligations themselves. The
90th percentiles are of the waits rounded to the minute. Both paths count the same
things, and a test recomputes every figure from the events alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from dutylist.store.tables import (
    BEIJING,
    COUNTERS,
    DIMENSIONS,
    SUMS,
    evaluations,
    monday_of,
    obligations,
    stamp,
    tallies,
    tally_waits,
    week_of_day,
)

STEP_COLUMNS = {"sign": ("sign_n", "sign_sum_s", "signed_in_time"),
                "arrive": ("arrive_n", "arrive_sum_s", "arrived_in_time")}  # fmt: skip
ONE_OFF = {"resolve": "resolved", "reject": "rejected"}
SATISFIED = 4  # a score of 4 or 5 is a satisfied evaluation


# -- keeping the totals -------------------------------------------------------------------
def _keys(keys: Mapping[str, Any] | Any, unit: str) -> list[dict[str, str]]:
    """The rows of totals one obligation counts in: its unit's, its street's, its
    problem's and its week's, in the week of the blow."""
    week = monday_of(keys["blown_at"])
    values = {"unit": unit, "street": keys["street"] or "", "problem": keys["problem"],
              "week": week_of_day(week)}  # fmt: skip
    return [{"week": week, "by": by, "value": values[by]} for by in DIMENSIONS]


def _add_all(connection: sa.Connection, table: sa.Table,
             rows: Sequence[tuple[Mapping[str, Any], Mapping[str, float]]]) -> None:  # fmt: skip
    """Add to rows of totals, making each that is the first: one upsert on SQLite and
    PostgreSQL; elsewhere an update, then an insert if there was nothing to update (the
    caller holds the store's write lock, so nothing can make the row in between)."""
    added = sorted({name for _, increments in rows for name in increments})
    values = [{**key, **{name: increments.get(name, 0) for name in added}}
              for key, increments in rows]  # fmt: skip
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        connection.execute(_upsert(table, dialect, tuple(added)), values)
        return
    for key, increments in rows:
        where = [table.c[name] == value for name, value in key.items()]
        plus = {table.c[c]: table.c[c] + v for c, v in increments.items()}
        if not connection.execute(table.update().where(*where).values(plus)).rowcount:
            connection.execute(table.insert().values(**key, **increments))


@functools.lru_cache(maxsize=64)
def _upsert(table: sa.Table, dialect: str, added: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT DO UPDATE adding to `added`, built once per shape."""
    from sqlalchemy.dialects import postgresql, sqlite

    upsert: Any = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
    keys = [c.name for c in table.primary_key.columns]
    return upsert.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + upsert.excluded[name] for name in added}
    )


def tally_blow(connection: sa.Connection, keys: Mapping[str, Any], units: Iterable[str]) -> None:
    """A whistle blown: one obligation for each unit it names."""
    counted = [(key, {"obligations": 1}) for unit in units for key in _keys(keys, unit)]
    _add_all(connection, tallies, counted)


def tally_obligation(connection: sa.Connection, keys: Mapping[str, Any], unit: str) -> None:
    tally_blow(connection, keys, [unit])


def tally_step(connection: sa.Connection, obligation: Any, kind: str, at_s: float) -> None:
    """The first sign, arrive, resolve or reject of one obligation (a row of
    `obligations`, before its time for `kind` is set)."""
    keys = _keys(obligation._mapping, obligation.unit)
    if kind in ONE_OFF:
        _add_all(connection, tallies, [(key, {ONE_OFF[kind]: 1}) for key in keys])
        return
    count, total, kept = STEP_COLUMNS[kind]
    wait = at_s - obligation.since_s
    limit = obligation.respond_s
    in_time = 1 if limit is None or wait <= limit else 0
    _add_all(connection, tallies, [(key, {count: 1, total: wait, kept: in_time}) for key in keys])
    bucket = minutes(wait)
    _add_all(connection, tally_waits,
             [({**key, "step": kind, "minutes": bucket}, {"n": 1}) for key in keys])  # fmt: skip


def tally_evaluation(connection: sa.Connection, keys: Mapping[str, Any], units: list[str],
                     score: int) -> None:  # fmt: skip
    """An evaluation counts for each unit the whistle obliges (by unit), and once for
    its street, its problem and its week."""
    if not units:
        return
    counted = {"evaluations": 1, "satisfied": 1 if score >= SATISFIED else 0}
    rows = [(key, counted) for unit in units for key in _keys(keys, unit) if key["by"] == "unit"]
    rows += [(key, counted) for key in _keys(keys, units[0]) if key["by"] != "unit"]
    _add_all(connection, tallies, rows)


def minutes(wait_s: float) -> int:
    """A wait in whole minutes, rounded half away from zero as SQL's ROUND does: the
    90th percentile of the rounded waits is the rounded 90th percentile."""
    scaled = wait_s / 60
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


def recount(connection: sa.Connection) -> None:
    """Count the totals again from the obligations and the evaluations (what the events
    have added up to, one by one): after a bulk load, or to check them."""
    connection.execute(tally_waits.delete())
    connection.execute(tallies.delete())
    totals: dict[tuple[str, ...], Counter[str]] = {}
    histogram: Counter[tuple[Any, ...]] = Counter()
    obliged: dict[str, list[Any]] = {}
    for row in connection.execute(sa.select(obligations).order_by(obligations.c.id)):
        obliged.setdefault(row.whistle, []).append(row)
        for key in _keys(row._mapping, row.unit):
            got = totals.setdefault(tuple(key.values()), Counter())
            got["obligations"] += 1
            for step, at in (("sign", row.signed_s), ("arrive", row.arrived_s)):
                if at is None:
                    continue
                count, total, kept = STEP_COLUMNS[step]
                wait = at - row.since_s
                kept_time = row.respond_s is None or wait <= row.respond_s
                got.update({count: 1, total: wait, kept: 1 if kept_time else 0})
                histogram[(*key.values(), step, minutes(wait))] += 1
            got["resolved"] += row.resolved_s is not None
            got["rejected"] += row.rejected_s is not None
    for row in connection.execute(sa.select(evaluations.c.whistle, evaluations.c.score)):
        rows = obliged.get(row.whistle, [])
        satisfied = 1 if row.score >= SATISFIED else 0
        for n, held in enumerate(rows):
            for key in _keys(held._mapping, held.unit):
                if key["by"] == "unit" or n == 0:
                    totals[tuple(key.values())].update(evaluations=1, satisfied=satisfied)
    names = ("week", "by", "value")
    if totals:
        connection.execute(tallies.insert(), [
            {**dict(zip(names, key, strict=True)), **{c: got[c] for c in (*COUNTERS, *SUMS)}}
            for key, got in totals.items()
        ])  # fmt: skip
    if histogram:
        connection.execute(tally_waits.insert(), [
            {**dict(zip((*names, "step", "minutes"), key, strict=True)), "n": n}
            for key, n in histogram.items()
        ])  # fmt: skip


# -- reading them ------------------------------------------------------------------------
def rates(
    connection: sa.Connection, by: str, since: dt.datetime | None, until: dt.datetime | None
) -> list[dict[str, Any]]:
    """One row per unit, street, problem or week for the whistles blown in [since,
    until): the obligations and how they went."""
    totals: dict[Any, Counter[str]] = {}
    waits: dict[Any, dict[str, Counter[int]]] = {}
    first_week, last_week, partial = _split(since, until)
    if first_week is None or last_week is None or first_week < last_week:
        _from_totals(connection, by, first_week, last_week, totals, waits)
    for low, high in partial:
        _from_obligations(connection, by, low, high, totals, waits)
    rows = []
    for key in sorted(totals, key=lambda k: (k is None, k or "")):
        got = totals[key]
        count = got["obligations"]
        if not count:
            continue
        mine = waits.get(key, {})
        rows.append({
            "key": key,
            "obligations": count,
            "signed_in_time": got["signed_in_time"],
            "arrived_in_time": got["arrived_in_time"],
            "resolved": got["resolved"],
            "rejected": got["rejected"],
            "response_rate": _rate(got["signed_in_time"], count),
            "on_time_rate": _rate(got["arrived_in_time"], count),
            "resolution_rate": _rate(got["resolved"], count),
            "mean_sign_minutes": _mean(got["sign_sum_s"], got["sign_n"]),
            "mean_arrive_minutes": _mean(got["arrive_sum_s"], got["arrive_n"]),
            "p90_sign_minutes": _p90(mine.get("sign", Counter())),
            "p90_arrive_minutes": _p90(mine.get("arrive", Counter())),
            "evaluations": got["evaluations"],
            "satisfaction_rate": _rate(got["satisfied"], got["evaluations"]),
        })  # fmt: skip
    return rows


def _monday(moment: dt.datetime) -> dt.date:
    day = moment.astimezone(BEIJING).date()
    return day - dt.timedelta(days=day.weekday())


def _start(monday: dt.date) -> dt.datetime:
    return dt.datetime.combine(monday, dt.time(), BEIJING)


def _split(
    since: dt.datetime | None, until: dt.datetime | None
) -> tuple[str | None, str | None, list[tuple[dt.datetime, dt.datetime]]]:
    """[since, until) as whole Beijing weeks [first, last) (their Mondays; None:
    unbounded), read from the totals, and the part of a week on either side, read from
    the obligations."""
    since = since.replace(tzinfo=dt.UTC) if since and since.tzinfo is None else since
    until = until.replace(tzinfo=dt.UTC) if until and until.tzinfo is None else until
    if since and until and since >= until:
        return "1", "0", []  # an empty period: nothing from the totals, nothing else
    first = _monday(since) if since else None
    if since and first is not None and _start(first) < since:
        first += dt.timedelta(days=7)
    last = _monday(until) if until else None
    if first is not None and last is not None and first >= last:  # within a week or two
        return "1", "0", [(since, until)]  # type: ignore[list-item]
    partial = []
    if since and first is not None and _start(first) > since:
        partial.append((since, _start(first)))
    if until and last is not None and _start(last) < until:
        partial.append((_start(last), until))
    return (first.isoformat() if first else None, last.isoformat() if last else None, partial)


def _from_totals(connection: sa.Connection, by: str, first: str | None, last: str | None,
                 totals: dict[Any, Counter[str]],
                 waits: dict[Any, dict[str, Counter[int]]]) -> None:  # fmt: skip
    def chosen(table: sa.Table) -> list[Any]:
        return [table.c.by == by, table.c.week >= first if first else sa.true(),
                table.c.week < last if last else sa.true()]  # fmt: skip

    sums = [sa.func.sum(tallies.c[name]).label(name) for name in (*COUNTERS, *SUMS)]
    query = sa.select(tallies.c.value, *sums).where(*chosen(tallies)).group_by(tallies.c.value)
    for row in connection.execute(query):
        got = totals.setdefault(_shown(by, row.value), Counter())
        for name in (*COUNTERS, *SUMS):
            got[name] += row._mapping[name] or 0
    histogram = (
        sa.select(tally_waits.c.value, tally_waits.c.step, tally_waits.c.minutes,
                  sa.func.sum(tally_waits.c.n).label("n"))
        .where(*chosen(tally_waits))
        .group_by(tally_waits.c.value, tally_waits.c.step, tally_waits.c.minutes)
    )  # fmt: skip
    for row in connection.execute(histogram):
        mine = waits.setdefault(_shown(by, row.value), {"sign": Counter(), "arrive": Counter()})
        mine[row.step][int(row.minutes)] += int(row.n)


def _shown(by: str, value: Any) -> Any:
    """A totals key as the stats show it: no street as None."""
    return None if by == "street" and value == "" else value


def _from_obligations(connection: sa.Connection, by: str, low: dt.datetime, high: dt.datetime,
                      totals: dict[Any, Counter[str]],
                      waits: dict[Any, dict[str, Counter[int]]]) -> None:  # fmt: skip
    """The same counts for whistles blown in [low, high), from the obligations."""
    held = obligations.c
    period = [held.blown_at >= stamp(low), held.blown_at < stamp(high)]
    key = held[by]
    limit = held.respond_s

    def waited(column: Any) -> Any:
        return column - held.since_s

    def in_time(column: Any) -> Any:
        kept = sa.and_(column.is_not(None), sa.or_(limit.is_(None), waited(column) <= limit))
        return sa.func.sum(sa.case((kept, 1), else_=0))

    query = (
        sa.select(
            key.label("key"),
            sa.func.count().label("obligations"),
            in_time(held.signed_s).label("signed_in_time"),
            in_time(held.arrived_s).label("arrived_in_time"),
            sa.func.count(held.resolved_s).label("resolved"),
            sa.func.count(held.rejected_s).label("rejected"),
            sa.func.count(held.signed_s).label("sign_n"),
            sa.func.sum(waited(held.signed_s)).label("sign_sum_s"),
            sa.func.count(held.arrived_s).label("arrive_n"),
            sa.func.sum(waited(held.arrived_s)).label("arrive_sum_s"),
        )
        .where(*period)
        .group_by(key)
    )
    for row in connection.execute(query):
        got = totals.setdefault(row.key, Counter())
        for name, value in row._mapping.items():
            if name != "key":
                got[name] += value or 0
    for step, column in (("sign", held.signed_s), ("arrive", held.arrived_s)):
        for row in connection.execute(
            sa.select(key.label("key"), waited(column).label("wait")).where(
                *period, column.is_not(None)
            )
        ):
            mine = waits.setdefault(row.key, {"sign": Counter(), "arrive": Counter()})
            mine[step][minutes(float(row.wait))] += 1
    judged = evaluations.c
    source: sa.FromClause
    if by == "unit":
        source = evaluations.join(obligations, held.whistle == judged.whistle)
        group, when = held.unit, held.blown_at
    else:
        source, group, when = evaluations, judged[by], judged.blown_at
    satisfaction = (
        sa.select(
            group.label("key"),
            sa.func.count().label("evaluations"),
            sa.func.sum(sa.case((judged.score >= SATISFIED, 1), else_=0)).label("satisfied"),
        )
        .select_from(source)
        .where(when >= stamp(low), when < stamp(high))
        .group_by(group)
    )
    for row in connection.execute(satisfaction):
        got = totals.setdefault(row.key, Counter())
        got["evaluations"] += int(row.evaluations)
        got["satisfied"] += int(row.satisfied or 0)


def _p90(histogram: Counter[int]) -> float | None:
    """The 90th percentile, nearest rank (the wait 90 % of the waits do not exceed), in
    minutes, from counts of waits by whole minute."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = -(-9 * total // 10)  # ceil(0.9 n)
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return float(bucket)
    raise AssertionError("unreachable: the counts add up to the total")


def _mean(total_s: float, count: int) -> float | None:
    return None if not count else round(total_s / count / 60, 1)


def _rate(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)
