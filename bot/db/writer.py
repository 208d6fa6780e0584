"""Where the conversation store's transactions run: one writer thread on SQLite, the event
loop's own connections on PostgreSQL.

SQLite has one writer at a time. Through aiosqlite every statement, BEGIN and COMMIT is a
trip from the event loop to a connection's thread and back; a transaction holds the write
lock across four or five of them, and under a burst each trip waits its turn in a busy loop,
while the writers that lost the race sleep in SQLite's busy handler. On one thread of its
own, a whole transaction is one trip and holds the lock only while SQLite works: twice the
throughput of the 200-user burst (docs/performance.md). PostgreSQL has row locks, and its
transactions overlap in the loop as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import SQLITE_TIMEOUT, sqlite_pragmas

T = TypeVar("T")
Work = Callable[[Connection], T]


class Transactions(Protocol):
    """Runs a piece of work, written against a plain (sync) connection, in a transaction."""

    async def run(self, work: Work[T]) -> T: ...

    async def close(self) -> None: ...


def transactions_for(database: AsyncEngine) -> Transactions:
    """The writer thread on SQLite, the loop's connections otherwise."""
    if database.dialect.name == "sqlite":
        return WriterThread(database)
    return InTheLoop(database)


class InTheLoop:
    """Transactions on the async engine's pool (SQLAlchemy's `run_sync`)."""

    def __init__(self, database: AsyncEngine) -> None:
        self._database = database

    async def run(self, work: Work[T]) -> T:
        async with self._database.begin() as connection:
            return await connection.run_sync(work)

    async def close(self) -> None:
        """Nothing of its own: the pool is the engine's."""


class WriterThread:
    """Transactions one after another on one thread and one SQLite connection of their own."""

    def __init__(self, database: AsyncEngine) -> None:
        url = database.url.set(drivername="sqlite")
        self._engine: Engine = create_engine(
            url, connect_args={"timeout": SQLITE_TIMEOUT, "check_same_thread": False},
            pool_size=1, max_overflow=0, hide_parameters=True,
        )  # fmt: skip
        event.listen(self._engine, "connect", sqlite_pragmas)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")

    async def run(self, work: Work[T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._in_transaction, work
        )

    def _in_transaction(self, work: Work[T]) -> T:
        with self._engine.begin() as connection:
            return work(connection)

    async def close(self) -> None:
        """Close the connection on its own thread, then let the thread go."""
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        self._thread.shutdown()
