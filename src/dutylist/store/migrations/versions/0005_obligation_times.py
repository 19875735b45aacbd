"""Stats over a million whistles in one pass: each obligation carries its whistle's
street, problem, week, blow time and time limit, and the first time its unit signed,
arrived, resolved and rejected; each evaluation its whistle's street, problem, week and
blow time. They are written in the transaction of the event they come from (the log
stays the record, and is never changed); existing stores are filled in from their log.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COPIED = ("street", "problem", "week", "blown_at", "respond_s")
STEPS = {"sign": "signed_s", "arrive": "arrived_s", "resolve": "resolved_s", "reject": "rejected_s"}


def upgrade() -> None:
    with op.batch_alter_table("obligations", recreate="never") as table:
        table.add_column(sa.Column("street", sa.String(200)))
        table.add_column(sa.Column("problem", sa.String(200)))
        table.add_column(sa.Column("week", sa.String(10)))
        table.add_column(sa.Column("blown_at", sa.String(40)))
        table.add_column(sa.Column("respond_s", sa.Integer))
        for column in STEPS.values():
            table.add_column(sa.Column(column, sa.Float))
    with op.batch_alter_table("evaluations", recreate="never") as table:
        for name, length in (("street", 200), ("problem", 200), ("week", 10), ("blown_at", 40)):
            table.add_column(sa.Column(name, sa.String(length)))
    for target in ("obligations", "evaluations"):
        columns = COPIED if target == "obligations" else COPIED[:-1]
        op.execute(
            f"UPDATE {target} SET "
            + ", ".join(
                f"{c} = (SELECT w.{c} FROM whistles w WHERE w.id = {target}.whistle)"
                for c in columns
            )
        )
    for step, column in STEPS.items():
        op.execute(
            f"UPDATE obligations SET {column} = (SELECT MIN(e.at_s) FROM events e "
            f"WHERE e.whistle = obligations.whistle AND e.unit = obligations.unit "
            f"AND e.kind = '{step}')"
        )
    op.create_index("obligations_by_time", "obligations", ["blown_at"])
    op.create_index("evaluations_by_whistle", "evaluations", ["whistle"])


def downgrade() -> None:
    op.drop_index("evaluations_by_whistle", "evaluations")
    op.drop_index("obligations_by_time", "obligations")
    with op.batch_alter_table("evaluations") as table:
        for name in ("street", "problem", "week", "blown_at"):
            table.drop_column(name)
    with op.batch_alter_table("obligations") as table:
        for name in (*COPIED, *STEPS.values()):
            table.drop_column(name)
