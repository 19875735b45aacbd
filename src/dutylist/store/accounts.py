"""The people who sign in to the pages and their sessions, as the store keeps them: a
password only as the hash it is given, a session only as the SHA-256 of its secret."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from dutylist.store.log import Store, digest_of_secret
from dutylist.store.tables import now_stamp, sessions, stamp, users


@dataclass(frozen=True)
class User:
    id: int
    name: str
    unit: str
    role: str
    password_hash: str
    disabled: bool


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str  # the token every form of this session carries


class UserExists(Exception):
    pass


def _user(row: sa.Row[tuple[object, ...]]) -> User:
    return User(int(row.id), str(row.name), str(row.unit), str(row.role),
                str(row.password_hash), row.disabled_at is not None)  # fmt: skip


class Accounts:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def add(self, name: str, unit: str, role: str, password_hash: str) -> User:
        with self.engine.begin() as connection:
            if connection.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise UserExists(name)
            connection.execute(users.insert(), {
                "name": name, "unit": unit, "role": role, "password_hash": password_hash,
                "created_at": now_stamp(),
            })  # fmt: skip
        found = self.find(name)
        assert found is not None
        return found

    def set_password(self, name: str, password_hash: str) -> bool:
        with self.engine.begin() as connection:
            done = connection.execute(
                users.update().where(users.c.name == name).values(password_hash=password_hash)
            )
            user = connection.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if user is not None:  # a new password ends every session of the old one
                connection.execute(sessions.delete().where(sessions.c.user == user.id))
        return bool(done.rowcount)

    def disable(self, name: str) -> bool:
        with self.engine.begin() as connection:
            user = connection.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if user is None:
                return False
            connection.execute(
                users.update().where(users.c.id == user.id).values(disabled_at=now_stamp())
            )
            connection.execute(sessions.delete().where(sessions.c.user == user.id))
        return True

    def find(self, name: str) -> User | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(users.c.name == name)).first()
        return None if row is None else _user(row)

    def listed(self) -> list[User]:
        with self.engine.connect() as connection:
            return [_user(r) for r in connection.execute(sa.select(users).order_by(users.c.name))]

    # -- sessions --------------------------------------------------------------------------
    def open_session(self, user: User, hours: float = 12) -> str:
        """A new session for `user`; its secret, for the cookie (the store keeps a hash)."""
        secret = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        with self.engine.begin() as connection:
            connection.execute(sessions.delete().where(sessions.c.expires_at < stamp(now)))
            connection.execute(sessions.insert(), {
                "digest": digest_of_secret(secret), "user": user.id,
                "csrf": secrets.token_urlsafe(32),
                "created_at": stamp(now), "expires_at": stamp(now + dt.timedelta(hours=hours)),
            })  # fmt: skip
        return secret

    def session(self, secret: str) -> Session | None:
        """The live session a cookie's secret opens (None: unknown, expired, or its user
        disabled)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(sessions.c.csrf, sessions.c.expires_at, users)
                .join(users, users.c.id == sessions.c.user)
                .where(sessions.c.digest == digest_of_secret(secret))
            ).first()
        if row is None or row.expires_at < now_stamp() or row.disabled_at is not None:
            return None
        return Session(_user(row), str(row.csrf))

    def close_session(self, secret: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sessions.delete().where(sessions.c.digest == digest_of_secret(secret))
            )
