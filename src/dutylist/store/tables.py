"""The whistle store's tables, as SQLAlchemy Core sees them (the migrations in
`migrations/` make them; a test holds the two to the same columns), and how moments are
written in them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

BEIJING = dt.timezone(dt.timedelta(hours=8))

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
    # copied from the whistle, so that the stats read this one table (migration 0005)
    sa.Column("street", sa.String(200)),
    sa.Column("problem", sa.String(200)),
    sa.Column("week", sa.String(10)),
    sa.Column("blown_at", sa.String(40)),
    sa.Column("respond_s", sa.Integer),
    # when the unit first signed, arrived, resolved, rejected (seconds, as events.at_s)
    sa.Column("signed_s", sa.Float),
    sa.Column("arrived_s", sa.Float),
    sa.Column("resolved_s", sa.Float),
    sa.Column("rejected_s", sa.Float),
)
FIRST_TIME = {"sign": "signed_s", "arrive": "arrived_s", "resolve": "resolved_s",
              "reject": "rejected_s"}  # fmt: skip
evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
    sa.Column("by", sa.String(20), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("street", sa.String(200)),
    sa.Column("problem", sa.String(200)),
    sa.Column("week", sa.String(10)),
    sa.Column("blown_at", sa.String(40)),
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

# Running totals per Beijing week of the blow and per unit, street, problem or week
# (`by`, `value`), kept with each event (migration 0006): the stats over a million
# whistles read a few thousand rows. No street is "" (key columns cannot be null).
DIMENSIONS = ("unit", "street", "problem", "week")
COUNTERS = ("obligations", "signed_in_time", "arrived_in_time", "resolved", "rejected",
            "sign_n", "arrive_n", "evaluations", "satisfied")  # fmt: skip
SUMS = ("sign_sum_s", "arrive_sum_s")
tallies = sa.Table(
    "tallies",
    metadata,
    sa.Column("week", sa.String(10), primary_key=True),  # its Monday, YYYY-MM-DD
    sa.Column("by", sa.String(10), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTERS),
    *(sa.Column(name, sa.Float, nullable=False, server_default="0") for name in SUMS),
)
# how many waits to sign / to arrive took each whole number of minutes (for the p90)
tally_waits = sa.Table(
    "tally_waits",
    metadata,
    sa.Column("week", sa.String(10), primary_key=True),
    sa.Column("by", sa.String(10), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("step", sa.String(10), primary_key=True),
    sa.Column("minutes", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.Integer, nullable=False, server_default="0"),
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


def seconds_of(at: str) -> float:
    return dt.datetime.fromisoformat(at).timestamp()


def week_of(at: str) -> str:
    """The ISO week of a moment, in Beijing time (the week the street works in)."""
    return week_of_day(day_of(at))


def day_of(at: str) -> str:
    """The date of a moment in Beijing time, YYYY-MM-DD."""
    return dt.datetime.fromisoformat(at).astimezone(BEIJING).date().isoformat()


def monday_of(at: str) -> str:
    """The Monday (Beijing time) of the week a moment falls in, YYYY-MM-DD."""
    day = dt.date.fromisoformat(day_of(at))
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def week_of_day(day: str) -> str:
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def now_stamp() -> str:
    return stamp(dt.datetime.now(dt.UTC))


def stamp(moment: dt.datetime) -> str:
    """A moment as the log writes it: UTC, to the microsecond, so that text order is time
    order (a moment without a zone is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


# people who sign in to the pages (migration 0007): each bound to a unit and a role
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("disabled_at", sa.String(40)),
)
# a signed-in browser: the cookie holds the secret, the store only its SHA-256
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("user", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
)
