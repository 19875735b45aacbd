"""Deadlines: when each whistle's next escalation falls due, indexed by time, so that a
sweep with nothing due reads nothing (the log stays the record; this is its index).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
        sa.Column("due_at", sa.String(40), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("to_unit", sa.String(200), nullable=False),
        sa.Column("after_minutes", sa.Integer, nullable=False),
    )
    op.create_index("deadlines_by_time", "deadlines", ["due_at"])


def downgrade() -> None:
    op.drop_table("deadlines")
