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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError as AlembicError

from dutylist.store.lifecycle import WhistleState, apply, fold

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
                )
            )
            data = {"problem": problem, "place": place, **answer}
            apply(None, "blow", None, data)
            self._append(connection, whistle_id, when, "blow", None, actor, data)
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
    ) -> WhistleState:
        """Append one event, if the whistle's state allows it (`IllegalTransition` if
        not, `KeyError` for an unknown whistle); returns the state after it."""
        payload = dict(data or {})
        with self.engine.begin() as connection:
            self._lock(connection)
            state = fold((e.kind, e.unit, e.data) for e in self._events(connection, whistle_id))
            after = apply(state, kind, unit, payload)
            self._append(connection, whistle_id, at or _now(), kind, unit, actor, payload)
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
