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
import threading
from collections.abc import Callable
from functools import partial
from queue import SimpleQueue
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import SQLITE_TIMEOUT, retried_if_dropped, sqlite_pragmas

T = TypeVar("T")
Work = Callable[[Connection], T]


class Transactions(Protocol):
    """Runs a piece of work, written against a plain (sync) connection, in a transaction."""

    async def run(self, work: Work[T]) -> T: ...

    async def run_alone(self, work: Work[T]) -> T:
        """`run` for work of one statement, which is a transaction of its own."""
        ...

    async def close(self) -> None: ...


def transactions_for(database: AsyncEngine) -> Transactions:
    """The writer thread on SQLite, the loop's connections otherwise."""
    if database.dialect.name == "sqlite":
        return WriterThread(database)
    return InTheLoop(database)


class InTheLoop:
    """Transactions on the async engine's pool (SQLAlchemy's `run_sync`), run again once if
    they met a connection a restarted server had dropped.

    One statement runs without BEGIN and COMMIT (autocommit: the statement is its own
    transaction), one round trip to the server instead of three."""

    def __init__(self, database: AsyncEngine) -> None:
        self._database = database
        self._alone = database.execution_options(isolation_level="AUTOCOMMIT")

    async def run(self, work: Work[T]) -> T:
        return await retried_if_dropped(partial(self._in_transaction, work))

    async def run_alone(self, work: Work[T]) -> T:
        return await retried_if_dropped(partial(self._autocommit, work))

    async def _in_transaction(self, work: Work[T]) -> T:
        async with self._database.begin() as connection:
            return await connection.run_sync(work)

    async def _autocommit(self, work: Work[T]) -> T:
        async with self._alone.connect() as connection:
            return await connection.run_sync(work)

    async def close(self) -> None:
        """Nothing of its own: the pool is the engine's."""


class WriterThread:
    """Transactions one after another on one thread and one SQLite connection of their own.

    The thread takes work from a queue and settles the caller's asyncio future (as aiosqlite
    does): `run_in_executor` built a `concurrent.futures.Future`, with its lock and condition,
    for every transaction, a sixth of the store's cost on the event loop."""

    def __init__(self, database: AsyncEngine) -> None:
        url = database.url.set(drivername="sqlite")
        self._engine: Engine = create_engine(
            url, connect_args={"timeout": SQLITE_TIMEOUT, "check_same_thread": False},
            pool_size=1, max_overflow=0, hide_parameters=True,
        )  # fmt: skip
        event.listen(self._engine, "connect", sqlite_pragmas)
        self._queue: SimpleQueue[tuple[asyncio.Future[Any], Work[Any]] | None] = SimpleQueue()
        # A daemon: a store nobody closed (a test's) does not keep the interpreter alive.
        self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def run(self, work: Work[T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put((future, work))
        return await future

    async def run_alone(self, work: Work[T]) -> T:
        """One trip to the thread either way."""
        return await self.run(work)

    def _serve(self) -> None:
        while (item := self._queue.get()) is not None:
            future, work = item
            try:
                with self._engine.begin() as connection:
                    result = work(connection)
            except BaseException as error:  # handed to the caller, who raises it
                future.get_loop().call_soon_threadsafe(_settle, future, None, error)
            else:
                future.get_loop().call_soon_threadsafe(_settle, future, result, None)
        self._engine.dispose()

    async def close(self) -> None:
        """Finish the queued work, close the connection, let the thread go."""
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the caller stopped waiting; the transaction ran all the same
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
