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

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError as AlembicError

from dutylist.store.lifecycle import PENDING, WhistleState, apply, fold
from dutylist.store.stats import rates, tally_blow, tally_evaluation, tally_obligation, tally_step
from dutylist.store.tables import (
    FIRST_TIME,
    deadlines,
    evaluations,
    events,
    metadata,
    now_stamp,
    obligations,
    seconds_of,
    stamp,
    tokens,
    week_of,
    whistles,
)

__all__ = ["FIRST_TIME", "GENESIS", "Store", "StoreUnavailable", "metadata", "stamp"]

GENESIS = "0" * 64
MIGRATIONS = Path(__file__).parent / "migrations"


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


def digest_of_secret(secret: str) -> str:
    """What the store keeps of a token or a session's secret: its SHA-256 (a random
    256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


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


# statements built once: a blow runs a dozen, and building them was most of its time
_LAST_EVENT = sa.select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
_LAST_NUMBER = sa.select(sa.func.max(whistles.c.number))
_BY_KEY = sa.select(whistles.c.id).where(whistles.c.idempotency_key == sa.bindparam("key"))
_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer_of(url: str) -> threading.Lock:
    """One lock per database in this process, shared by every Store opened on it."""
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(url, threading.Lock())


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
                # enough connections for a service's worker threads to wait on none
                else sa.create_engine(self.url, pool_size=16, max_overflow=16)
            )
            self._local_writer = _writer_of(self.url)
            self._upgrade()
        except (
            OSError,
            ImportError,
            sa.exc.SQLAlchemyError,
            AlembicError,
        ) as error:  # ImportError: no driver for the URL
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise StoreUnavailable(f"cannot open the whistle store {shown}: {reason}") from None

    def _config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def _upgrade(self) -> None:
        config = self._config()
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
        when = at or now_stamp()
        with self._writing() as connection:
            if key is not None:
                found = connection.execute(_BY_KEY, {"key": key}).scalar()
                if found is not None:
                    return str(found), False
            # writers hold the lock (`_writing`), so the next number is free to take
            last = connection.execute(_LAST_NUMBER).scalar()
            number = (last or 0) + 1
            whistle_id = f"W{number:06d}"
            keys = {
                "problem": problem,
                "blown_at": when,
                "street": answer.get("blower"),
                "week": week_of(when),
                "respond_s": (
                    None
                    if answer.get("respond_within_minutes") is None
                    else int(answer["respond_within_minutes"]) * 60
                ),
            }
            connection.execute(
                whistles.insert(),
                {"number": number, "id": whistle_id, "idempotency_key": key, "place": place,
                 **keys},
            )  # fmt: skip
            data = {**answer, "problem": problem, "place": place}
            blown_state = apply(None, "blow", None, data)
            self._append(connection, whistle_id, when, "blow", None, actor, data)
            if blown_state.obligations:
                connection.execute(
                    obligations.insert(),
                    [{"whistle": whistle_id, "unit": unit, "since_s": seconds_of(when), **keys}
                     for unit in blown_state.obligations],
                )  # fmt: skip
                tally_blow(connection, keys, blown_state.obligations)
            blown = dt.datetime.fromisoformat(when)
            steps = [
                {"whistle": whistle_id, "step": step, "to_unit": escalation["to"],
                 "after_minutes": int(escalation["after_minutes"]),
                 "due_at": stamp(blown + dt.timedelta(minutes=int(escalation["after_minutes"])))}
                for step, escalation in enumerate(answer.get("escalate") or ())
            ]  # fmt: skip
            if steps:
                connection.execute(deadlines.insert(), steps)
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
        with self._writing() as connection:
            state = fold((e.kind, e.unit, e.data) for e in self._events(connection, whistle_id))
            if guard is not None:
                guard(state)
            after = apply(state, kind, unit, payload)
            when = at or now_stamp()
            self._append(connection, whistle_id, when, kind, unit, actor, payload)
            self._index(connection, whistle_id, kind, unit, payload, when, state, after)
        return after

    def _index(
        self,
        connection: sa.Connection,
        whistle_id: str,
        kind: str,
        unit: str | None,
        payload: Mapping[str, Any],
        when: str,
        before: WhistleState,
        after: WhistleState,
    ) -> None:
        """Keep the stats' tables in step with the event just appended: an obligation
        per unit a reassignment newly names, the first time of each unit's step, an
        evaluation with its whistle's keys."""
        keys = None
        for obliged, now_state in after.obligations.items():
            if obliged in before.obligations or now_state != PENDING:
                continue
            # one obligation per unit and whistle, however often it is reassigned back
            existing = connection.execute(
                sa.select(obligations.c.id).where(
                    obligations.c.whistle == whistle_id, obligations.c.unit == obliged
                )
            ).first()
            if existing is None:
                keys = keys or self._keys(connection, whistle_id)
                connection.execute(  # a new obligation, from a reassignment
                    obligations.insert().values(
                        whistle=whistle_id, unit=obliged, since_s=seconds_of(when), **keys
                    )
                )
                tally_obligation(connection, keys, obliged)
        if kind in FIRST_TIME and unit is not None:
            column = obligations.c[FIRST_TIME[kind]]
            held = connection.execute(
                sa.select(obligations).where(
                    obligations.c.whistle == whistle_id, obligations.c.unit == unit
                )
            ).first()
            if held is not None and held._mapping[FIRST_TIME[kind]] is None:
                connection.execute(
                    obligations.update()
                    .where(obligations.c.id == held.id)
                    .values({column: seconds_of(when)})
                )
                tally_step(connection, held, kind, seconds_of(when))
        if kind == "evaluate":
            keys = keys or self._keys(connection, whistle_id)
            connection.execute(
                evaluations.insert().values(
                    whistle=whistle_id, by=payload["by"], score=int(payload["score"]),
                    **{k: v for k, v in keys.items() if k != "respond_s"},
                )
            )  # fmt: skip
            units = connection.execute(
                sa.select(obligations.c.unit)
                .where(obligations.c.whistle == whistle_id)
                .order_by(obligations.c.id)
            ).scalars()
            tally_evaluation(connection, keys, list(units), int(payload["score"]))

    def _keys(self, connection: sa.Connection, whistle_id: str) -> dict[str, Any]:
        row = connection.execute(
            sa.select(whistles.c.problem, whistles.c.blown_at, whistles.c.street,
                      whistles.c.week, whistles.c.respond_s)
            .where(whistles.c.id == whistle_id)
        ).one()  # fmt: skip
        return dict(row._mapping)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A transaction that is the only writer: the log is one hash chain, and an event
        is checked against the state its predecessors give. SQLite's BEGIN IMMEDIATE
        holds the write lock — taken after a lock of this process's own, so that its
        threads queue for it in turn rather than in SQLite's sleeping retries (a writer
        in another process still waits in those); PostgreSQL takes a lock that only
        other writers wait for."""
        with self._local_writer, self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
            yield connection

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
        last = connection.execute(_LAST_EVENT).first()
        prev = last.hash if last is not None else GENESIS
        seq = (last.seq if last is not None else 0) + 1
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        connection.execute(events.insert(), {
            "seq": seq, "whistle": whistle_id, "at": at, "kind": kind, "unit": unit,
            "actor": actor, "data": text, "prev_hash": prev,
            "hash": event_hash(prev, seq, whistle_id, at, kind, unit, actor, text),
            "at_s": seconds_of(at),
        })  # fmt: skip
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
            with self._writing() as connection:
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
        """The rates of the reform by `unit`, `street`, `problem` or `week` (`stats.rates`)."""
        with self.engine.connect() as connection:
            return rates(connection, by, since, until)

    # -- tokens ------------------------------------------------------------------------------
    def create_token(self, unit: str) -> tuple[int, str]:
        """A new API token for `unit`: its number, and the secret — shown this once; the
        store keeps only its SHA-256 (a random 256-bit secret needs no slow hash)."""
        secret = "dl_" + secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            inserted = connection.execute(
                tokens.insert().values(
                    unit=unit, digest=digest_of_secret(secret), created_at=now_stamp()
                )
            ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0]), secret

    def revoke_token(self, number: int) -> bool:
        """Revoke a token; False if there is no such token or it was revoked already."""
        with self.engine.begin() as connection:
            done = connection.execute(
                tokens.update()
                .where(tokens.c.id == number, tokens.c.revoked_at.is_(None))
                .values(revoked_at=now_stamp())
            )
        return bool(done.rowcount)

    def unit_of_token(self, secret: str) -> str | None:
        """The unit a token acts for; None for an unknown or revoked token."""
        with self.engine.connect() as connection:
            unit = connection.execute(
                sa.select(tokens.c.unit).where(
                    tokens.c.digest == digest_of_secret(secret), tokens.c.revoked_at.is_(None)
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
