"""`StateStore` in SQL: conversation state survives restarts and is shared by bot processes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.state import ConversationState
from bot.db.models import Conversation, utcnow
from bot.db.session import upsert_insert


class SqlStateStore:
    """One row per (channel, chat), the state as JSON, written with an upsert."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def load(self, channel: str, chat_id: str) -> ConversationState:
        async with self._sessions() as session:
            stored = await session.scalar(
                select(Conversation.state).where(
                    Conversation.channel == channel, Conversation.chat_id == chat_id
                )
            )
        return ConversationState.from_json(stored)

    async def save(self, channel: str, chat_id: str, state: ConversationState) -> None:
        values = {
            "channel": channel,
            "chat_id": chat_id,
            "state": state.to_json(),
            "updated_at": utcnow(),
        }
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            statement = insert(Conversation).values(**values)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[Conversation.channel, Conversation.chat_id],
                    set_={
                        "state": statement.excluded.state,
                        "updated_at": statement.excluded.updated_at,
                    },
                )
            )
