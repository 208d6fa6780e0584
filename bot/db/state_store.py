"""`StateStore` in SQL: conversation state survives restarts and is shared by bot processes.

Each message costs two transactions: the incoming line is written to the transcript as the
state is read (so what the user sent is kept even if handling it fails), and the new state
is saved with the replies' lines. SQLAlchemy Core on a connection: this is every message's
path, where the ORM's session machinery would cost more than the statements.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.state import ConversationState
from bot.db.models import Conversation, utcnow
from bot.db.session import insert_for
from bot.db.transcript import INSERT, add_lines, line

CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]


class SqlStateStore:
    """One row per (channel, chat), the state as JSON, written with an upsert.

    The statements are built once, with bound parameters: building SQL expressions on every
    message cost more CPU than running them. Reading the state returns it from the INSERT of
    the transcript line (a subquery in RETURNING): one statement, not two.

    On SQLite the two transactions queue for one another here. SQLite has one writer at a
    time; left to race, the pool's connections that lose wait in SQLite's busy handler, which
    sleeps 1, 2, 5, 10… ms whether or not the lock was freed meanwhile. With 200 users at once
    most of the pool sat in those sleeps (a profile of bench/message_path.py), the CPU half
    idle; queued in the event loop, the next writer starts as soon as the last commits.
    """

    def __init__(self, database: AsyncEngine) -> None:
        self._database = database
        self._writes: contextlib.AbstractAsyncContextManager[object] = (
            asyncio.Lock() if database.dialect.name == "sqlite" else contextlib.nullcontext()
        )
        state = select(CONVERSATIONS.c.state).where(
            CONVERSATIONS.c.channel == bindparam("of_channel"),
            CONVERSATIONS.c.chat_id == bindparam("of_chat_id"),
        )
        self._receive = INSERT.returning(state.scalar_subquery())
        insert = insert_for(database.dialect.name)(CONVERSATIONS)
        self._upsert = insert.on_conflict_do_update(
            index_elements=[CONVERSATIONS.c.channel, CONVERSATIONS.c.chat_id],
            set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at},
        )

    async def receive(self, channel: str, chat_id: str, received: str) -> ConversationState:
        async with self._writes, self._database.begin() as connection:
            stored = await connection.scalar(
                self._receive,
                {
                    **line(channel, chat_id, "in", received, utcnow()),
                    "of_channel": channel,
                    "of_chat_id": chat_id,
                },
            )
        return ConversationState.from_json(stored)

    async def save(
        self, channel: str, chat_id: str, state: ConversationState, sent: Sequence[str]
    ) -> None:
        row = {
            "channel": channel,
            "chat_id": chat_id,
            "state": state.to_json(),
            "updated_at": utcnow(),
        }
        async with self._writes, self._database.begin() as connection:
            await connection.execute(self._upsert, row)
            await add_lines(connection, channel, chat_id, "out", sent)
