"""Engine and session factory for the configured database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Connections kept open. Without overflow: a burst of 200 webhook calls made SQLAlchemy open
# overflow connections and close them again on return, and connecting cost more CPU than the
# queries (PostgreSQL: TLS probe, authentication, the dialect's type set-up; SQLite: a thread
# of aiosqlite's and the file, ~100 of each a second under a 200-user burst).
POOL_SIZE = 20

T = TypeVar("T")


SQLITE_TIMEOUT = 30  # seconds a writer waits for the lock before failing


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Every SQLite connection's settings (a `connect` event listener)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: no corruption on a crash, one fsync per checkpoint instead of per
    # commit (the last commits may be lost on power failure, never half-applied).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL and a busy timeout so concurrent writers wait, not fail.
    Errors never carry the statement's parameter values (names, phone numbers) into logs.

    PostgreSQL connections are not pinged before each use (`pool_pre_ping`: a round trip on
    every checkout, a tenth of the bot's CPU under a burst). A connection the server dropped
    (a restart) fails at its first use as a disconnect, and SQLAlchemy then replaces every
    pooled connection older than that failure; the message path runs such work again
    (`retried_if_dropped`), so a restart costs no message."""
    if "poolclass" not in kwargs and make_url(url).database not in (None, "", ":memory:"):
        kwargs |= {"pool_size": POOL_SIZE, "max_overflow": 0}  # (in memory: one connection)
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_TIMEOUT}, hide_parameters=True, **kwargs
        )
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    return create_async_engine(url, hide_parameters=True, **kwargs)


async def retried_if_dropped(attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()`, and once more if it met a connection the database had dropped.

    Only for work that may run twice: a transaction that failed was rolled back. The second
    attempt gets a new connection, the pool having been invalidated by the first failure."""
    try:
        return await attempt()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return await attempt()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_for(dialect: str) -> Callable[[Any], Any]:
    """The dialect's INSERT (PostgreSQL or SQLite), which has `on_conflict_do_*`."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def upsert_insert(session: AsyncSession) -> Callable[[Any], Any]:
    """`insert_for` the database of the session."""
    return insert_for((await session.connection()).dialect.name)
