"""People who sign in to the pages: added with a unit and a role, their passwords hashed
with Argon2 (argon2-cffi, the OWASP choice), a session per browser."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dutylist.model import Catalog
from dutylist.service.access import ROLES, Caller
from dutylist.service.failures import Invalid
from dutylist.store.accounts import Accounts, Session, User, UserExists
from dutylist.store.log import Store

MIN_PASSWORD = 8
_hasher = PasswordHasher()
# verified against when the name is unknown, so that a wrong name takes as long as a
# wrong password (nobody learns which names exist)
_NOBODY = _hasher.hash("not a password anyone has")


@dataclass(frozen=True)
class SignedIn:
    secret: str  # for the cookie
    session: Session


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(422, f"password: at least {MIN_PASSWORD} characters",
                      f"密码至少 {MIN_PASSWORD} 个字符")  # fmt: skip
    return _hasher.hash(password)


class People:
    def __init__(self, store: Store) -> None:
        self.accounts = Accounts(store)

    def add(self, catalog: Catalog, name: str, unit: str, role: str, password: str) -> User:
        if role not in ROLES:
            raise Invalid(422, f"role: one of {', '.join(ROLES)}", f"role：可选 {'、'.join(ROLES)}")
        if unit not in catalog.units:
            raise Invalid(422, f"unit: no unit '{unit}'", f"unit：没有单位“{unit}”")
        if not name or len(name) > 100 or not name.isprintable():
            raise Invalid(422, "name: 1 to 100 printable characters", "name：1 到 100 个字符")
        hashed = hash_password(password)
        try:
            return self.accounts.add(name, unit, role, hashed)
        except UserExists:
            raise Invalid(409, f"there is already a user {name}", f"已有用户 {name}") from None

    def sign_in(self, name: str, password: str) -> SignedIn | None:
        user = self.accounts.find(name)
        try:
            _hasher.verify(user.password_hash if user else _NOBODY, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            self.accounts.set_password(name, _hasher.hash(password))
        secret = self.accounts.open_session(user)
        session = self.accounts.session(secret)
        assert session is not None
        return SignedIn(secret, session)

    def session(self, secret: str | None) -> Session | None:
        return self.accounts.session(secret) if secret else None

    def sign_out(self, secret: str) -> None:
        self.accounts.close_session(secret)


def caller_of_session(session: Session) -> Caller:
    return Caller(unit=session.user.unit, role=session.user.role)
