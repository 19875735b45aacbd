"""The reform's rates — 响应率, 按时报到率, 解决率, 满意率, 退单, the minutes to sign and
to arrive — by unit, street, problem or week, over any period, by SQL.

Every event adds to running totals (`tallies`, `tally_waits`) per Beijing day of the
blow, unit, street and problem, in the transaction that appends it; a period's whole
days are read from the totals (a few thousand rows, however many whistles), and its
partial first and last day from the obligations themselves. Both paths count the same
things, and a test recomputes every figure from the events alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from dutylist.store.tables import (
    BEIJING,
    COUNTERS,
    SUMS,
    day_of,
    evaluations,
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
def _key(day: str, unit: str, street: str | None, problem: str) -> dict[str, str]:
    return {"day": day, "unit": unit, "street": street or "", "problem": problem}


def _add(connection: sa.Connection, table: sa.Table, key: Mapping[str, Any],
         increments: Mapping[str, float]) -> None:  # fmt: skip
    _add_all(connection, table, [(key, increments)])


def _add_all(connection: sa.Connection, table: sa.Table,
             rows: list[tuple[Mapping[str, Any], Mapping[str, float]]]) -> None:  # fmt: skip
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
    day = day_of(keys["blown_at"])
    _add_all(connection, tallies, [(_key(day, unit, keys["street"], keys["problem"]),
                                    {"obligations": 1}) for unit in units])  # fmt: skip


def tally_obligation(connection: sa.Connection, keys: Mapping[str, Any], unit: str) -> None:
    key = _key(day_of(keys["blown_at"]), unit, keys["street"], keys["problem"])
    _add(connection, tallies, key, {"obligations": 1})


def tally_step(connection: sa.Connection, obligation: Any, kind: str, at_s: float) -> None:
    """The first sign, arrive, resolve or reject of one obligation (a row of
    `obligations`, before its time for `kind` is set)."""
    key = _key(day_of(obligation.blown_at), obligation.unit, obligation.street,
               obligation.problem)  # fmt: skip
    if kind in ONE_OFF:
        _add(connection, tallies, key, {ONE_OFF[kind]: 1})
        return
    count, total, kept = STEP_COLUMNS[kind]
    wait = at_s - obligation.since_s
    limit = obligation.respond_s
    in_time = 1 if limit is None or wait <= limit else 0
    _add(connection, tallies, key, {count: 1, total: wait, kept: in_time})
    _add(connection, tally_waits, {**key, "step": kind, "tenths": tenths(wait)}, {"n": 1})


def tally_evaluation(connection: sa.Connection, keys: Mapping[str, Any], units: list[str],
                     score: int) -> None:  # fmt: skip
    """An evaluation counts once for the whistle (by street, problem, week: on the row
    of its first obligation) and once for each unit it obliges (by unit)."""
    satisfied = 1 if score >= SATISFIED else 0
    day = day_of(keys["blown_at"])
    rows: list[tuple[Mapping[str, Any], Mapping[str, float]]] = []
    for n, unit in enumerate(units):
        counted = {"evaluations_u": 1, "satisfied_u": satisfied}
        if n == 0:
            counted.update(evaluations_w=1, satisfied_w=satisfied)
        rows.append((_key(day, unit, keys["street"], keys["problem"]), counted))
    if rows:
        _add_all(connection, tallies, rows)


def tenths(wait_s: float) -> int:
    """A wait in tenths of a minute, rounded half away from zero as SQL's ROUND does: the
    90th percentile of the rounded waits is the rounded 90th percentile."""
    scaled = wait_s / 6
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


def recount(connection: sa.Connection) -> None:
    """Count the totals again from the obligations and the evaluations (what the events
    have added up to, one by one): after a bulk load, or to check them."""
    connection.execute(tally_waits.delete())
    connection.execute(tallies.delete())
    totals: dict[tuple[str, ...], Counter[str]] = {}
    histogram: Counter[tuple[Any, ...]] = Counter()
    units_of: dict[str, list[tuple[str, ...]]] = {}
    for row in connection.execute(sa.select(obligations).order_by(obligations.c.id)):
        key = tuple(_key(day_of(row.blown_at), row.unit, row.street, row.problem).values())
        got = totals.setdefault(key, Counter())
        got["obligations"] += 1
        units_of.setdefault(row.whistle, []).append(key)
        for step, at in (("sign", row.signed_s), ("arrive", row.arrived_s)):
            if at is None:
                continue
            count, total, kept = STEP_COLUMNS[step]
            wait = at - row.since_s
            got[count] += 1
            got[total] += wait
            got[kept] += 1 if row.respond_s is None or wait <= row.respond_s else 0
            histogram[(*key, step, tenths(wait))] += 1
        got["resolved"] += row.resolved_s is not None
        got["rejected"] += row.rejected_s is not None
    for row in connection.execute(sa.select(evaluations.c.whistle, evaluations.c.score)):
        satisfied = 1 if row.score >= SATISFIED else 0
        for n, key in enumerate(units_of.get(row.whistle, [])):
            totals[key].update(evaluations_u=1, satisfied_u=satisfied)
            if n == 0:
                totals[key].update(evaluations_w=1, satisfied_w=satisfied)
    names = ("day", "unit", "street", "problem")
    if totals:
        connection.execute(tallies.insert(), [
            {**dict(zip(names, key, strict=True)), **{c: got[c] for c in (*COUNTERS, *SUMS)}}
            for key, got in totals.items()
        ])  # fmt: skip
    if histogram:
        connection.execute(tally_waits.insert(), [
            {**dict(zip((*names, "step", "tenths"), key, strict=True)), "n": n}
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
    first_day, last_day, partial = _split(since, until)
    if first_day is None or last_day is None or first_day < last_day:
        _from_totals(connection, by, first_day, last_day, totals, waits)
    for low, high in partial:
        _from_obligations(connection, by, low, high, totals, waits)
    evaluated = "evaluations_u" if by == "unit" else "evaluations_w"
    satisfied = "satisfied_u" if by == "unit" else "satisfied_w"
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
            "evaluations": got[evaluated],
            "satisfaction_rate": _rate(got[satisfied], got[evaluated]),
        })  # fmt: skip
    return rows


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BEIJING)


def _split(
    since: dt.datetime | None, until: dt.datetime | None
) -> tuple[str | None, str | None, list[tuple[dt.datetime, dt.datetime]]]:
    """[since, until) as whole Beijing days [first_day, last_day) (None: unbounded) read
    from the totals, and the partial days on either side, read from the obligations."""
    since = since.replace(tzinfo=dt.UTC) if since and since.tzinfo is None else since
    until = until.replace(tzinfo=dt.UTC) if until and until.tzinfo is None else until
    if since and until and since >= until:
        return "1", "0", []  # an empty period: nothing from the totals, nothing else
    first = last = None
    partial = []
    if since is not None:
        day = since.astimezone(BEIJING).date()
        start = _midnight(day)
        if start < since:
            day += dt.timedelta(days=1)
            edge = _midnight(day) if until is None else min(_midnight(day), until)
            partial.append((since, edge))
        first = day
    if until is not None:
        day = until.astimezone(BEIJING).date()
        start = _midnight(day)
        if first is not None and day < first:  # since and until within one day
            return "1", "0", [(since, until)] if since else []
        if start < until and (since is None or start >= since):
            partial.append((start, until))
        last = day
    return (first.isoformat() if first else None, last.isoformat() if last else None, partial)


def _from_totals(connection: sa.Connection, by: str, first: str | None, last: str | None,
                 totals: dict[Any, Counter[str]],
                 waits: dict[Any, dict[str, Counter[int]]]) -> None:  # fmt: skip
    def within(table: sa.Table) -> list[Any]:
        return [table.c.day >= first if first else sa.true(),
                table.c.day < last if last else sa.true()]  # fmt: skip

    group = tallies.c.day if by == "week" else tallies.c[by]
    sums = [sa.func.sum(tallies.c[name]).label(name) for name in (*COUNTERS, *SUMS)]
    query = sa.select(group.label("key"), *sums).where(*within(tallies)).group_by(group)
    for row in connection.execute(query):
        got = totals.setdefault(_shown(by, row.key), Counter())
        for name in (*COUNTERS, *SUMS):
            got[name] += row._mapping[name] or 0
    wait_group = tally_waits.c.day if by == "week" else tally_waits.c[by]
    histogram = (
        sa.select(wait_group.label("key"), tally_waits.c.step, tally_waits.c.tenths,
                  sa.func.sum(tally_waits.c.n).label("n"))
        .where(*within(tally_waits))
        .group_by(wait_group, tally_waits.c.step, tally_waits.c.tenths)
    )  # fmt: skip
    for row in connection.execute(histogram):
        mine = waits.setdefault(_shown(by, row.key), {"sign": Counter(), "arrive": Counter()})
        mine[row.step][int(row.tenths)] += int(row.n)


def _shown(by: str, value: Any) -> Any:
    """A totals key as the stats show it: a day's week, no street as None."""
    if by == "week":
        return week_of_day(value)
    if by == "street" and value == "":
        return None
    return value


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
            mine[step][tenths(float(row.wait))] += 1
    judged = evaluations.c
    source: sa.FromClause
    if by == "unit":
        source = evaluations.join(obligations, held.whistle == judged.whistle)
        group, when, suffix = held.unit, held.blown_at, "u"
    else:
        source, group, when, suffix = evaluations, judged[by], judged.blown_at, "w"
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
        got[f"evaluations_{suffix}"] += int(row.evaluations)
        got[f"satisfied_{suffix}"] += int(row.satisfied or 0)


def _p90(histogram: Counter[int]) -> float | None:
    """The 90th percentile, nearest rank (the wait 90 % of the waits do not exceed), in
    minutes, from counts of waits by tenth of a minute."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = -(-9 * total // 10)  # ceil(0.9 n)
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket / 10
    raise AssertionError("unreachable: the counts add up to the total")


def _mean(total_s: float, count: int) -> float | None:
    return None if not count else round(total_s / count / 60, 1)


def _rate(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)
