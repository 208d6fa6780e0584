"""escalations.topic: the staff group's forum topic of a handoff

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("escalations", sa.Column("topic", sa.String(length=32), nullable=True))
    op.create_index(op.f("ix_escalations_topic"), "escalations", ["topic"])


def downgrade() -> None:
    op.drop_index(op.f("ix_escalations_topic"), table_name="escalations")
    with op.batch_alter_table("escalations") as batch:  # SQLite drops columns by copying
        batch.drop_column("topic")
