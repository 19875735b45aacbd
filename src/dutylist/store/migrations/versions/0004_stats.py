"""What the stats are computed from by SQL: each event's time in seconds, each whistle's
street, week and time limit, and insert-only indexes of obligations and evaluations
(written with the events they come from; the log stays the record).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", recreate="never") as events:
        events.add_column(sa.Column("at_s", sa.Float))
    with op.batch_alter_table("whistles", recreate="never") as whistles:
        whistles.add_column(sa.Column("street", sa.String(200)))
        whistles.add_column(sa.Column("week", sa.String(10)))
        whistles.add_column(sa.Column("respond_s", sa.Integer))
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("since_s", sa.Float, nullable=False),
    )
    op.create_index("obligations_by_whistle", "obligations", ["whistle", "unit"])
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("whistle", sa.String(32), sa.ForeignKey("whistles.id"), nullable=False),
        sa.Column("by", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("obligations")
