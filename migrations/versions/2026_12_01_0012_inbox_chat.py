"""inbox.chat: the chat of each stored update, so several processes keep a chat's order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "inbox", sa.Column("chat", sa.String(length=80), nullable=False, server_default="")
    )
    op.create_index("ix_inbox_chat", "inbox", ["channel", "chat", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_chat", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:  # SQLite drops columns by copying
        batch.drop_column("chat")
