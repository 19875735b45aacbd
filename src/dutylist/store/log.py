"""The whistle store's database: SQLAlchemy Core over SQLite (the embedded default) or
any URL SQLAlchemy takes; the schema is Alembic's (`migrations/`), brought to the newest
revision whenever a store is opened.

Every event is one row of `events`, never updated or deleted (the database's own
triggers refuse it), and carries the hash of the event before it: the log is one chain,
so `verify` finds an event changed, removed or inserted behind the store's back. An
event is checked against the whistle's state (folded from its events) and appended in
one transaction that holds the write lock, so two units signing at once, or one unit
resolving twice, cannot both pass the check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError as AlembicError

from dutylist.store.lifecycle import PENDING, REJECTED, WhistleState, apply, fold

GENESIS = "0" * 64
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = sa.MetaData()
whistles = sa.Table(
    "whistles",
    metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(32), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.String(200), unique=True),
    sa.Column("problem", sa.String(200), nullable=False),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("blown_at", sa.String(40), nullable=False),
    sa.Column("street", sa.String(200)),
    sa.Column("week", sa.String(10)),
    sa.Column("respond_s", sa.Integer),
)
events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("unit", sa.String(200)),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("at_s", sa.Float),  # the time in seconds, for the stats (not in the hash)
)
obligations = sa.Table(
    "obligations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("since_s", sa.Float, nullable=False),
)
evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
    sa.Column("by", sa.String(20), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
)

deadlines = sa.Table(
    "deadlines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
    sa.Column("due_at", sa.String(40), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("to_unit", sa.String(200), nullable=False),
    sa.Column("after_minutes", sa.Integer, nullable=False),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40)),
)


@dataclass(frozen=True)
class Token:
    id: int
    unit: str
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class Event:
    seq: int
    whistle: str
    at: str
    kind: str
    unit: str | None
    actor: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Whistle:
    number: int
    id: str
    problem: str
    place: str
    blown_at: str
    street: str | None
    idempotency_key: str | None


def _whistle_of(row: Any) -> Whistle:
    return Whistle(row.number, row.id, row.problem, row.place, row.blown_at, row.street,
                   row.idempotency_key)  # fmt: skip


@dataclass(frozen=True)
class Tampering:
    """An event whose stored hash is not what its content and its predecessor give."""

    seq: int
    whistle: str
    reason: str


def default_path() -> Path:
    """The embedded database: a file under the user's data folder."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dutylist" / "whistles.db"


def url_of(db: str | Path | None) -> str:
    """A `--db` value as an SQLAlchemy URL: a URL as it is, anything else a SQLite file."""
    if db is not None and "://" in str(db):
        return str(db)
    path = Path(db) if db is not None else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def event_hash(prev: str, seq: int, whistle: str, at: str, kind: str, unit: str | None,
               actor: str, data: str) -> str:  # fmt: skip
    body = json.dumps([prev, seq, whistle, at, kind, unit, actor, data], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _p90(values: list[float]) -> float | None:
    """The 90th percentile, nearest rank (the value 90 % of the waits do not exceed)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


def _rate(part: Any, whole: int) -> float | None:
    return None if not whole else round(int(part or 0) / whole, 4)


def _seconds(at: str) -> float:
    return dt.datetime.fromisoformat(at).timestamp()


def _week(at: str) -> str:
    """The ISO week of a moment, in Beijing time (the week the street works in)."""
    local = dt.datetime.fromisoformat(at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def _now() -> str:
    return stamp(dt.datetime.now(dt.UTC))


def stamp(moment: dt.datetime) -> str:
    """A moment as the log writes it: UTC, to the microsecond, so that text order is time
    order (a moment without a zone is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _sqlite_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, isolation_level=None)  # transactions begun by hand below

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        # WAL: readers never wait for the writer; FULL: an acknowledged write survives
        # a power cut; foreign keys: SQLite leaves them off unless asked
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=10000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _write_lock(connection: Any) -> None:
        # take the write lock when the transaction starts, not at its first write: the
        # check of an event against the state and its append are one step
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class StoreUnavailable(Exception):
    """The store cannot be opened: a folder that cannot be made, a file that is not a
    database, a server that does not answer, a URL no driver reads. The message says
    which, in the user's terms."""


class Store:
    def __init__(self, db: str | Path | None = None) -> None:
        shown = str(db) if db is not None else str(default_path())
        try:
            self.url = url_of(db)
            self.engine = (
                _sqlite_engine(self.url)
                if self.url.startswith("sqlite")
                else sa.create_engine(self.url)
            )
            self._upgrade()
        except (
            OSError,
            ImportError,
            sa.exc.SQLAlchemyError,
            AlembicError,
        ) as error:  # ImportError: no driver for the URL
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise StoreUnavailable(f"cannot open the whistle store {shown}: {reason}") from None

    def _upgrade(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # several processes opening one database at once migrate it one by one
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7461)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------
    def blow(
        self,
        problem: str,
        place: str,
        answer: Mapping[str, Any],
        actor: str,
        key: str | None = None,
        at: str | None = None,
    ) -> tuple[str, bool]:
        """Blow a whistle with its routed answer (and the catalogue digest in it); returns
        its id and whether it is new — a blow retried with the same `key` is the same
        whistle, not a second one."""
        when = at or _now()
        with self.engine.begin() as connection:
            self._lock(connection)
            if key is not None:
                found = connection.execute(
                    sa.select(whistles.c.id).where(whistles.c.idempotency_key == key)
                ).scalar()
                if found is not None:
                    return str(found), False
            # writers hold the lock (`_lock`), so the next number is free to take
            last = connection.execute(sa.select(sa.func.max(whistles.c.number))).scalar()
            number = (last or 0) + 1
            whistle_id = f"W{number:06d}"
            connection.execute(
                whistles.insert().values(
                    number=number,
                    id=whistle_id,
                    idempotency_key=key,
                    problem=problem,
                    place=place,
                    blown_at=when,
                    street=answer.get("blower"),
                    week=_week(when),
                    respond_s=(
                        None
                        if answer.get("respond_within_minutes") is None
                        else int(answer["respond_within_minutes"]) * 60
                    ),
                )
            )
            data = {**answer, "problem": problem, "place": place}
            blown_state = apply(None, "blow", None, data)
            self._append(connection, whistle_id, when, "blow", None, actor, data)
            for unit in blown_state.obligations:
                connection.execute(
                    obligations.insert().values(
                        whistle=whistle_id, unit=unit, since_s=_seconds(when)
                    )
                )
            blown = dt.datetime.fromisoformat(when)
            for step, escalation in enumerate(answer.get("escalate") or ()):
                after = int(escalation["after_minutes"])
                connection.execute(
                    deadlines.insert().values(
                        whistle=whistle_id,
                        due_at=stamp(blown + dt.timedelta(minutes=after)),
                        step=step,
                        to_unit=escalation["to"],
                        after_minutes=after,
                    )
                )
        return whistle_id, True

    def record(
        self,
        whistle_id: str,
        kind: str,
        actor: str,
        unit: str | None = None,
        data: Mapping[str, Any] | None = None,
        at: str | None = None,
        guard: Callable[[WhistleState], None] | None = None,
    ) -> WhistleState:
        """Append one event, if the whistle's state allows it (`IllegalTransition` if
        not, `KeyError` for an unknown whistle); returns the state after it. `guard`, if
        given, sees the state under the write lock first and may refuse by raising (who
        may act depends on that state, and it must not change in between)."""
        payload = dict(data or {})
        with self.engine.begin() as connection:
            self._lock(connection)
            state = fold((e.kind, e.unit, e.data) for e in self._events(connection, whistle_id))
            if guard is not None:
                guard(state)
            after = apply(state, kind, unit, payload)
            when = at or _now()
            self._append(connection, whistle_id, when, kind, unit, actor, payload)
            for obliged, now_state in after.obligations.items():
                if state.obligations.get(obliged) in (None, REJECTED) and now_state == PENDING:
                    connection.execute(  # a new obligation, from a reassignment
                        obligations.insert().values(
                            whistle=whistle_id, unit=obliged, since_s=_seconds(when)
                        )
                    )
            if kind == "evaluate":
                connection.execute(
                    evaluations.insert().values(
                        whistle=whistle_id, by=payload["by"], score=int(payload["score"])
                    )
                )
        return after

    def _lock(self, connection: sa.Connection) -> None:
        """One writer at a time: the log is one hash chain, and an event is checked
        against the state its predecessors give. SQLite's BEGIN IMMEDIATE already holds
        the write lock; PostgreSQL takes a lock that only other writers wait for."""
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")

    def _append(
        self,
        connection: sa.Connection,
        whistle_id: str,
        at: str,
        kind: str,
        unit: str | None,
        actor: str,
        data: Mapping[str, Any],
    ) -> int:
        last = connection.execute(
            sa.select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
        ).first()
        prev = last.hash if last is not None else GENESIS
        seq = (last.seq if last is not None else 0) + 1
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        connection.execute(
            events.insert().values(
                seq=seq, whistle=whistle_id, at=at, kind=kind, unit=unit, actor=actor, data=text,
                prev_hash=prev,
                hash=event_hash(prev, seq, whistle_id, at, kind, unit, actor, text),
                at_s=_seconds(at),
            )
        )  # fmt: skip
        return seq

    def sweep(self, now: dt.datetime | None = None, actor: str = "sweep") -> list[Event]:
        """Escalate every open whistle whose time limit has passed by `now` (default: the
        real time; a test or a replay moves the clock). Idempotent: a step escalated once
        is not escalated again, and a sweep with nothing due reads only the index."""
        moment = stamp(now or dt.datetime.now(dt.UTC))
        done: list[Event] = []
        with self.engine.connect() as connection:
            due = connection.execute(
                sa.select(deadlines)
                .where(deadlines.c.due_at <= moment)
                .order_by(deadlines.c.due_at)
            ).all()
        for row in due:
            with self.engine.begin() as connection:
                self._lock(connection)
                still = connection.execute(
                    sa.select(deadlines.c.id).where(deadlines.c.id == row.id)
                ).scalar()
                if still is None:  # another sweep took it
                    continue
                connection.execute(deadlines.delete().where(deadlines.c.id == row.id))
                state = fold(
                    (e.kind, e.unit, e.data) for e in self._events(connection, row.whistle)
                )
                if state.status != "open":
                    continue
                data = {"step": row.step, "to": row.to_unit, "after_minutes": row.after_minutes,
                        "due_at": row.due_at}  # fmt: skip
                apply(state, "escalate", None, data)
                seq = self._append(connection, row.whistle, moment, "escalate", None, actor, data)
                done.append(Event(seq, row.whistle, moment, "escalate", None, actor, data))
        return done

    # -- stats ---------------------------------------------------------------------------------
    def stats(
        self, by: str, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> list[dict[str, Any]]:
        """The rates of the reform, by `unit`, `street`, `problem` or `week`, computed by SQL
        over the events: obligations; signed and arrived within the whistle's time limit
        (响应率, 按时报到率); resolved (解决率); rejected (退单); the mean minutes to sign
        and to arrive (and their 90th percentile); evaluations and those scoring 4 or 5
        (满意率). `since` / `until` keep the whistles blown in that period (until: before)."""
        period = sa.and_(
            whistles.c.blown_at >= stamp(since) if since else sa.true(),
            whistles.c.blown_at < stamp(until) if until else sa.true(),
        )
        key = {
            "unit": obligations.c.unit,
            "street": whistles.c.street,
            "problem": whistles.c.problem,
            "week": whistles.c.week,
        }[by]
        first = {
            kind: sa.select(events.c.whistle, events.c.unit, sa.func.min(events.c.at_s).label("t"))
            .where(events.c.kind == kind)
            .group_by(events.c.whistle, events.c.unit)
            .subquery(kind)
            for kind in ("sign", "arrive", "resolve", "reject")
        }
        joined = obligations.join(whistles, whistles.c.id == obligations.c.whistle)
        for sub in first.values():
            joined = joined.outerjoin(
                sub,
                sa.and_(sub.c.whistle == obligations.c.whistle, sub.c.unit == obligations.c.unit),
            )

        def in_time(sub: Any) -> Any:
            limit = whistles.c.respond_s
            waited = sub.c.t - obligations.c.since_s
            return sa.func.sum(
                sa.case(
                    (sa.and_(sub.c.t.is_not(None), sa.or_(limit.is_(None), waited <= limit)), 1),
                    else_=0,
                )
            )

        def happened(sub: Any) -> Any:
            return sa.func.sum(sa.case((sub.c.t.is_not(None), 1), else_=0))

        query = (
            sa.select(
                key.label("key"),
                sa.func.count().label("obligations"),
                in_time(first["sign"]).label("signed_in_time"),
                in_time(first["arrive"]).label("arrived_in_time"),
                happened(first["resolve"]).label("resolved"),
                happened(first["reject"]).label("rejected"),
                sa.func.avg(first["sign"].c.t - obligations.c.since_s).label("sign_s"),
                sa.func.avg(first["arrive"].c.t - obligations.c.since_s).label("arrive_s"),
            )
            .select_from(joined)
            .where(period)
            .group_by(key)
            .order_by(key)
        )
        waits = (
            sa.select(
                key.label("key"),
                (first["sign"].c.t - obligations.c.since_s).label("sign"),
                (first["arrive"].c.t - obligations.c.since_s).label("arrive"),
            )
            .select_from(joined)
            .where(period)
        )
        judged = evaluations.join(whistles, whistles.c.id == evaluations.c.whistle)
        if by == "unit":
            judged = judged.join(obligations, obligations.c.whistle == evaluations.c.whistle)
        satisfaction = (
            sa.select(
                key.label("key"),
                sa.func.count().label("evaluations"),
                sa.func.sum(sa.case((evaluations.c.score >= 4, 1), else_=0)).label("satisfied"),
            )
            .select_from(judged)
            .where(period)
            .group_by(key)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            judged_rows = {r.key: r for r in connection.execute(satisfaction)}
            waited: dict[Any, dict[str, list[float]]] = {}
            for wait in connection.execute(waits):
                mine = waited.setdefault(wait.key, {"sign": [], "arrive": []})
                for name in ("sign", "arrive"):
                    if getattr(wait, name) is not None:
                        mine[name].append(float(getattr(wait, name)))
        result = []
        for row in rows:
            judged_row = judged_rows.get(row.key)
            count = int(row.obligations)
            evaluated = int(judged_row.evaluations) if judged_row else 0
            satisfied = int(judged_row.satisfied or 0) if judged_row else 0
            result.append({
                "key": row.key,
                "obligations": count,
                "signed_in_time": int(row.signed_in_time or 0),
                "arrived_in_time": int(row.arrived_in_time or 0),
                "resolved": int(row.resolved or 0),
                "rejected": int(row.rejected or 0),
                "response_rate": _rate(row.signed_in_time, count),
                "on_time_rate": _rate(row.arrived_in_time, count),
                "resolution_rate": _rate(row.resolved, count),
                "mean_sign_minutes": _minutes(row.sign_s),
                "mean_arrive_minutes": _minutes(row.arrive_s),
                "p90_sign_minutes": _minutes(_p90(waited.get(row.key, {}).get("sign", []))),
                "p90_arrive_minutes": _minutes(_p90(waited.get(row.key, {}).get("arrive", []))),
                "evaluations": evaluated,
                "satisfaction_rate": _rate(satisfied, evaluated),
            })  # fmt: skip
        return result

    # -- tokens ------------------------------------------------------------------------------
    def create_token(self, unit: str) -> tuple[int, str]:
        """A new API token for `unit`: its number, and the secret — shown this once; the
        store keeps only its SHA-256 (a random 256-bit secret needs no slow hash)."""
        secret = "dl_" + secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            inserted = connection.execute(
                tokens.insert().values(unit=unit, digest=_digest(secret), created_at=_now())
            ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0]), secret

    def revoke_token(self, number: int) -> bool:
        """Revoke a token; False if there is no such token or it was revoked already."""
        with self.engine.begin() as connection:
            done = connection.execute(
                tokens.update()
                .where(tokens.c.id == number, tokens.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
        return bool(done.rowcount)

    def unit_of_token(self, secret: str) -> str | None:
        """The unit a token acts for; None for an unknown or revoked token."""
        with self.engine.connect() as connection:
            unit = connection.execute(
                sa.select(tokens.c.unit).where(
                    tokens.c.digest == _digest(secret), tokens.c.revoked_at.is_(None)
                )
            ).scalar()
        return None if unit is None else str(unit)

    def token_list(self) -> list[Token]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(tokens).order_by(tokens.c.id)).all()
        return [Token(r.id, r.unit, r.created_at, r.revoked_at) for r in rows]

    # -- reading ---------------------------------------------------------------------------
    def events(self, whistle_id: str) -> list[Event]:
        with self.engine.connect() as connection:
            return self._events(connection, whistle_id)

    def _events(self, connection: sa.Connection, whistle_id: str) -> list[Event]:
        rows = connection.execute(
            sa.select(events).where(events.c.whistle == whistle_id).order_by(events.c.seq)
        ).all()
        if not rows:
            raise KeyError(whistle_id)
        return [
            Event(r.seq, r.whistle, r.at, r.kind, r.unit, r.actor, json.loads(r.data)) for r in rows
        ]

    def all_events(self) -> Iterator[Event]:
        """Every event of the log, in order (read in pages: a million whistles fit)."""
        after = 0
        with self.engine.connect() as connection:
            while True:
                rows = connection.execute(
                    sa.select(events).where(events.c.seq > after).order_by(events.c.seq).limit(5000)
                ).all()
                if not rows:
                    return
                for r in rows:
                    yield Event(r.seq, r.whistle, r.at, r.kind, r.unit, r.actor, json.loads(r.data))
                after = rows[-1].seq

    def whistle(self, whistle_id: str) -> Whistle:
        """What the store keeps of one whistle besides its events (`KeyError` if none)."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(whistles).where(whistles.c.id == whistle_id)).first()
        if row is None:
            raise KeyError(whistle_id)
        return _whistle_of(row)

    def whistle_by_key(self, key: str) -> Whistle | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(whistles).where(whistles.c.idempotency_key == key)
            ).first()
        return None if row is None else _whistle_of(row)

    def page(
        self,
        after: int = 0,
        limit: int = 100,
        problem: str | None = None,
        street: str | None = None,
        newest_first: bool = False,
    ) -> list[tuple[Whistle, list[Event]]]:
        """Up to `limit` whistles after number `after` (before it, newest first), each
        with its events: a page of a list that may hold a million."""
        number = whistles.c.number
        query = sa.select(whistles)
        if problem is not None:
            query = query.where(whistles.c.problem == problem)
        if street is not None:
            query = query.where(whistles.c.street == street)
        if newest_first:
            query = query.where(number < after) if after else query
            query = query.order_by(number.desc())
        else:
            query = query.where(number > after).order_by(number)
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit)).all()
            ids = [r.id for r in rows]
            found: dict[str, list[Event]] = {i: [] for i in ids}
            if ids:
                for r in connection.execute(
                    sa.select(events).where(events.c.whistle.in_(ids)).order_by(events.c.seq)
                ):
                    found[r.whistle].append(
                        Event(r.seq, r.whistle, r.at, r.kind, r.unit, r.actor, json.loads(r.data))
                    )
        return [(_whistle_of(r), found[r.id]) for r in rows]

    def state(self, whistle_id: str) -> WhistleState:
        return fold((e.kind, e.unit, e.data) for e in self.events(whistle_id))

    def whistle_ids(self) -> list[str]:
        with self.engine.connect() as connection:
            return [
                str(row.id)
                for row in connection.execute(sa.select(whistles.c.id).order_by(whistles.c.number))
            ]

    def verify(self) -> list[Tampering]:
        """Walk the chain: every event's hash must be what its content and the previous
        event's hash give, and the sequence must have no holes."""
        found: list[Tampering] = []
        prev, expected_seq = GENESIS, 1
        with self.engine.connect() as connection:
            for row in connection.execute(sa.select(events).order_by(events.c.seq)):
                if row.seq != expected_seq:
                    found.append(
                        Tampering(
                            row.seq, row.whistle, f"events {expected_seq}–{row.seq - 1} are missing"
                        )
                    )
                if row.prev_hash != prev:
                    found.append(
                        Tampering(row.seq, row.whistle, "does not follow the event before it")
                    )
                again = event_hash(row.prev_hash, row.seq, row.whistle, row.at, row.kind,
                                   row.unit, row.actor, row.data)  # fmt: skip
                if again != row.hash:
                    found.append(Tampering(row.seq, row.whistle, "its content was changed"))
                prev, expected_seq = row.hash, row.seq + 1
        return found
