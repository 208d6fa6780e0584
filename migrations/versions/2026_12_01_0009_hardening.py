"""Safe in public: webhook inbox, staff posts of handoffs, idempotent booking submission,
outbox documents and claim times

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("channel", "key", name="uq_inbox_channel_key"),
    )
    op.create_index(op.f("ix_inbox_handled_at"), "inbox", ["handled_at"])
    op.create_table(
        "staff_posts",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_staff_posts_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel", "chat_id", "message_id", name=op.f("pk_staff_posts")),
    )
    op.create_index(op.f("ix_staff_posts_escalation_id"), "staff_posts", ["escalation_id"])
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("request_key", sa.String(length=40), nullable=True))
        batch.create_unique_constraint(op.f("uq_bookings_request_key"), ["request_key"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("document_name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("document", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("document")
        batch.drop_column("document_name")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint(op.f("uq_bookings_request_key"), type_="unique")
        batch.drop_column("request_key")
    op.drop_index(op.f("ix_staff_posts_escalation_id"), table_name="staff_posts")
    op.drop_table("staff_posts")
    op.drop_index(op.f("ix_inbox_handled_at"), table_name="inbox")
    op.drop_table("inbox")
