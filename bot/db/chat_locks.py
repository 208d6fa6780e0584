"""One chat at a time, across bot processes.

Within a process an `asyncio.Lock` per chat (`KeyedLocks`) orders a chat's updates. Several
`python -m bot` processes on one PostgreSQL database also take a PostgreSQL advisory lock on
the chat, held on its own connection while the chat's updates are handled; on SQLite (one
process) the local lock is all there is. How many chats one process holds at once is bounded,
so the locks' connections never take the whole pool from the handlers that need it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from functools import partial

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.locks import KeyedLocks
from bot.db.session import retried_if_dropped

LOCK = text("SELECT pg_advisory_lock(hashtextextended(:key, 0))")
UNLOCK = text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))")
HELD_AT_ONCE = 5  # of the pool's POOL_SIZE connections


class ChatLocks:
    """`async with locks(channel, chat):` — this chat is ours alone until the block ends."""

    def __init__(self, database: AsyncEngine) -> None:
        # Autocommit: taking and giving back the lock is one round trip each, no transaction.
        self._database = database.execution_options(isolation_level="AUTOCOMMIT")
        self._shared = database.dialect.name == "postgresql"
        self._local = KeyedLocks()
        self._slots = asyncio.Semaphore(HELD_AT_ONCE)

    @contextlib.asynccontextmanager
    async def __call__(self, channel: str, chat: str) -> AsyncIterator[None]:
        async with self._local((channel, chat)):
            if not self._shared:
                yield
                return
            key = {"key": f"{channel}:{chat}"}
            async with self._slots:
                connection = await retried_if_dropped(partial(self._locked, key))
                try:
                    yield
                finally:
                    await _unlocked(connection, key)

    async def _locked(self, key: dict[str, str]) -> AsyncConnection:
        """A connection holding the chat's lock (the session's lock, not a transaction's)."""
        connection = await self._database.connect()
        try:
            await connection.execute(LOCK, key)
        except BaseException:
            await connection.close()
            raise
        return connection


async def _unlocked(connection: AsyncConnection, key: dict[str, str]) -> None:
    """Give the lock back; a connection the server dropped meanwhile took it with it."""
    try:
        await connection.execute(UNLOCK, key)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    finally:
        await connection.close()
