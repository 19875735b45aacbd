"""The whistle store: an append-only, hash-chained log of every whistle's events.

`lifecycle` is the state machine (pure), `log` the database (SQLAlchemy Core, SQLite by
default, migrations by Alembic). A whistle's state is always derived from its events;
events are never updated or deleted, and `verify` finds any edit made behind the
store's back.
"""
