"""Rows of the outbox, written inside whatever transaction decided to send them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.notify import Outgoing
from bot.db.models import OutboxMessage, utcnow
from bot.db.session import upsert_insert


async def enqueue(session: AsyncSession, messages: Sequence[Outgoing]) -> None:
    """Add `pending` rows in the session's transaction; a key written before is left as it
    is (so a second broadcast of the same push sends nothing)."""
    if not messages:
        return
    insert = await upsert_insert(session)
    now = utcnow()
    await session.execute(
        insert(OutboxMessage)
        .values(
            [
                {
                    "key": m.key,
                    "channel": m.channel,
                    "chat_id": m.chat_id,
                    "text": m.text,
                    "status": "pending",
                    "error": "",
                    "created_at": now,
                    "document_name": m.document.filename if m.document else None,
                    "document": m.document.content if m.document else None,
                }
                for m in messages
            ]
        )  # fmt: skip
        .on_conflict_do_nothing(index_elements=[OutboxMessage.key])
    )
