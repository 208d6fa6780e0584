"""The transcript in SQL: written before a message is handled, so nothing a user sends is lost."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import TranscriptLine, utcnow

MAX_LINE = 4000


class SqlTranscript:
    """`Transcript` backed by the `transcript` table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(self, channel: str, chat_id: str, direction: str, texts: list[str]) -> None:
        if not texts:
            return
        async with self._sessions() as session, session.begin():
            session.add_all(
                TranscriptLine(
                    channel=channel,
                    chat_id=chat_id,
                    direction=direction,
                    text=text[:MAX_LINE],
                    at=utcnow(),
                )  # fmt: skip
                for text in texts
            )

    async def recent(self, channel: str, chat_id: str, limit: int = 10) -> list[tuple[str, str]]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(TranscriptLine.direction, TranscriptLine.text)
                .where(TranscriptLine.channel == channel, TranscriptLine.chat_id == chat_id)
                .order_by(TranscriptLine.id.desc())
                .limit(limit)
            )
            return [(direction, text) for direction, text in reversed(rows.all())]
