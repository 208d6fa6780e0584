"""bookings: organisations, bookings, their status history, the capacity calendar

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "visit_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("delegations", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("max_delegations", sa.Integer(), nullable=False),
        sa.Column("max_participants", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "delegations >= 0 AND delegations <= max_delegations",
            name=op.f("ck_visit_days_delegations_within"),
        ),
        sa.CheckConstraint(
            "participants >= 0 AND participants <= max_participants",
            name=op.f("ck_visit_days_participants_within"),
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_visit_days")),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("invite_code", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days BETWEEN 1 AND 3", name=op.f("ck_bookings_days_range")),
        sa.CheckConstraint("participants > 0", name=op.f("ck_bookings_participants_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bookings_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("code", name=op.f("uq_bookings_code")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_bookings_invite_code")),
    )
    op.create_index("ix_bookings_chat", "bookings", ["channel", "chat_id"])
    op.create_index(op.f("ix_bookings_start_date"), "bookings", ["start_date"])
    op.create_index(op.f("ix_bookings_status"), "bookings", ["status"])
    op.create_table(
        "booking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_events_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_events")),
    )
    op.create_index(op.f("ix_booking_events_booking_id"), "booking_events", ["booking_id"])


def downgrade() -> None:
    op.drop_table("booking_events")
    op.drop_index("ix_bookings_status", table_name="bookings")
    op.drop_index("ix_bookings_start_date", table_name="bookings")
    op.drop_index("ix_bookings_chat", table_name="bookings")
    op.drop_table("bookings")
    op.drop_table("visit_days")
    op.drop_table("organisations")
