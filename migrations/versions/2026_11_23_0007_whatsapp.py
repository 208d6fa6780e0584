"""whatsapp: contacts (24-hour window), inbound dedupe, outbound statuses

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_contacts",
        sa.Column("wa_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("wa_id", name=op.f("pk_whatsapp_contacts")),
    )
    op.create_table(
        "whatsapp_inbound",
        sa.Column("message_id", sa.String(length=160), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_whatsapp_inbound")),
    )
    op.create_index(op.f("ix_whatsapp_inbound_received_at"), "whatsapp_inbound", ["received_at"])
    op.create_table(
        "whatsapp_outbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wamid", sa.String(length=160), nullable=True),
        sa.Column("wa_id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_outbound")),
        sa.UniqueConstraint("wamid", name=op.f("uq_whatsapp_outbound_wamid")),
    )
    op.create_index(op.f("ix_whatsapp_outbound_wa_id"), "whatsapp_outbound", ["wa_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_whatsapp_outbound_wa_id"), table_name="whatsapp_outbound")
    op.drop_table("whatsapp_outbound")
    op.drop_index(op.f("ix_whatsapp_inbound_received_at"), table_name="whatsapp_inbound")
    op.drop_table("whatsapp_inbound")
    op.drop_table("whatsapp_contacts")
