"""The webhook inbox in SQL: what Telegram and Meta delivered, kept until it is handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import InboxUpdate, utcnow
from bot.db.session import upsert_insert


class SqlInbox:
    """Store an update before acknowledging it; mark it handled after."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def store(self, channel: str, key: str, payload: str, chat: str = "") -> int | None:
        """The new row's id; None when this update was stored before (a redelivery)."""
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            stored = await session.scalar(
                insert(InboxUpdate)
                .values(
                    channel=channel,
                    key=key[:80],
                    chat=chat[:80],
                    payload=payload,
                    received_at=utcnow(),
                )  # fmt: skip
                .on_conflict_do_nothing(index_elements=[InboxUpdate.channel, InboxUpdate.key])
                .returning(InboxUpdate.id)
            )
            return int(stored) if stored is not None else None

    async def handled(self, update_id: int) -> None:
        """The update was handled: it is not replayed."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(InboxUpdate).where(InboxUpdate.id == update_id).values(handled_at=utcnow())
            )

    async def unhandled(self, channel: str, chat: str) -> list[tuple[int, str]]:
        """(id, payload) of a chat's updates not handled yet, in the order they arrived."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(InboxUpdate.id, InboxUpdate.payload)
                .where(InboxUpdate.channel == channel, InboxUpdate.chat == chat,
                       InboxUpdate.handled_at.is_(None))
                .order_by(InboxUpdate.id)
            )  # fmt: skip
            return [(row.id, row.payload) for row in rows]

    async def waiting(self, channel: str, before: datetime | None = None) -> list[str]:
        """The chats with updates not handled yet (received before `before`, if given): left
        by a process that stopped or died, or still in a live one's hands."""
        query = select(InboxUpdate.chat).where(
            InboxUpdate.channel == channel, InboxUpdate.handled_at.is_(None)
        )
        if before is not None:
            query = query.where(InboxUpdate.received_at < before)
        async with self._sessions() as session:
            return list(await session.scalars(query.distinct()))

    async def forget_handled_before(self, cutoff: datetime) -> int:
        """Drop handled updates older than `cutoff` (redeliveries stop within days)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(InboxUpdate).where(
                    InboxUpdate.handled_at.is_not(None), InboxUpdate.received_at < cutoff
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
