"""The transcript in SQL: every message both ways, kept for staff and for the record.

Written with SQLAlchemy Core on a connection, not through the ORM: it is on every message's
path, and the ORM's unit of work would cost more than the INSERT itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.models import TranscriptLine, utcnow

MAX_LINE = 4000
TRANSCRIPT: Table = TranscriptLine.__table__  # type: ignore[assignment]
INSERT = TRANSCRIPT.insert()


def line(channel: str, chat_id: str, direction: str, text: str, at: datetime) -> dict[str, Any]:
    """The parameters of one transcript row (long texts cut to `MAX_LINE`)."""
    return {
        "channel": channel, "chat_id": chat_id, "direction": direction,
        "text": text[:MAX_LINE], "at": at,
    }  # fmt: skip


async def add_lines(
    connection: AsyncConnection,
    channel: str,
    chat_id: str,
    direction: str,
    texts: Sequence[str],
) -> None:
    """Insert lines within the caller's transaction, in one statement."""
    if texts:
        at = utcnow()
        await connection.execute(INSERT, [line(channel, chat_id, direction, t, at) for t in texts])


class SqlTranscript:
    """`Transcript` backed by the `transcript` table."""

    def __init__(self, database: AsyncEngine) -> None:
        self._database = database

    async def record(self, channel: str, chat_id: str, direction: str, texts: list[str]) -> None:
        if not texts:  # no transaction for nothing
            return
        async with self._database.begin() as connection:
            await add_lines(connection, channel, chat_id, direction, texts)

    async def recent(self, channel: str, chat_id: str, limit: int = 10) -> list[tuple[str, str]]:
        async with self._database.connect() as connection:
            rows = await connection.execute(
                select(TRANSCRIPT.c.direction, TRANSCRIPT.c.text)
                .where(TRANSCRIPT.c.channel == channel, TRANSCRIPT.c.chat_id == chat_id)
                .order_by(TRANSCRIPT.c.id.desc())
                .limit(limit)
            )
            return [(direction, text) for direction, text in reversed(rows.all())]
