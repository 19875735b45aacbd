"""Alembic's environment for the whistle store: run on the connection the store hands
over (`Store` upgrades its database to the newest revision when it opens it)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
