"""The webhook inbox in SQL: what Telegram and Meta delivered, kept until it is handled.

Every update passes here three times (stored, read back in its chat's order, marked handled),
so each of those is one statement on an autocommit connection: one round trip, where a
session's BEGIN … COMMIT made three, and statements built once (as in `SqlStateStore`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.models import InboxUpdate, utcnow
from bot.db.session import insert_for

INBOX: Table = InboxUpdate.__table__  # type: ignore[assignment]


class SqlInbox:
    """Store an update before acknowledging it; mark it handled after."""

    def __init__(self, database: AsyncEngine) -> None:
        self._database = database.execution_options(isolation_level="AUTOCOMMIT")
        self._store = (
            insert_for(database.dialect.name)(INBOX)
            .on_conflict_do_nothing(index_elements=[INBOX.c.channel, INBOX.c.key])
            .returning(INBOX.c.id)
        )
        self._handled = (
            update(INBOX)
            .where(INBOX.c.id == bindparam("update_id"))
            .values(handled_at=bindparam("at"))
        )
        self._unhandled = (
            select(INBOX.c.id, INBOX.c.payload)
            .where(INBOX.c.channel == bindparam("of_channel"),
                   INBOX.c.chat == bindparam("of_chat"), INBOX.c.handled_at.is_(None))
            .order_by(INBOX.c.id)
        )  # fmt: skip

    async def store(self, channel: str, key: str, payload: str, chat: str = "") -> int | None:
        """The new row's id; None when this update was stored before (a redelivery)."""
        row = {
            "channel": channel,
            "key": key[:80],
            "chat": chat[:80],
            "payload": payload,
            "received_at": utcnow(),
        }
        async with self._database.connect() as connection:
            stored = await connection.scalar(self._store, row)
        return int(stored) if stored is not None else None

    async def handled(self, update_id: int) -> None:
        """The update was handled: it is not replayed."""
        async with self._database.connect() as connection:
            await connection.execute(self._handled, {"update_id": update_id, "at": utcnow()})

    async def unhandled(self, channel: str, chat: str) -> list[tuple[int, str]]:
        """(id, payload) of a chat's updates not handled yet, in the order they arrived."""
        async with self._database.connect() as connection:
            rows = await connection.execute(
                self._unhandled, {"of_channel": channel, "of_chat": chat}
            )
            return [(row.id, row.payload) for row in rows]

    async def waiting(self, channel: str, before: datetime | None = None) -> list[str]:
        """The chats with updates not handled yet (received before `before`, if given): left
        by a process that stopped or died, or still in a live one's hands."""
        query = select(INBOX.c.chat).where(
            INBOX.c.channel == channel, INBOX.c.handled_at.is_(None)
        )
        if before is not None:
            query = query.where(INBOX.c.received_at < before)
        async with self._database.connect() as connection:
            return list(await connection.scalars(query.distinct()))
