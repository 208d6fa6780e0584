"""The connection pool under a burst, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from bot.db.session import POOL_SIZE, create_engine


async def test_a_burst_reuses_the_pools_connections(database_url: str) -> None:
    """Connections are opened once and kept: a burst of queries wider than the pool waits
    for one instead of opening more, and the next burst opens none. Opening connections
    under a burst and closing them on return (SQLAlchemy's overflow) cost more than the
    queries: on SQLite a thread and a file each, on PostgreSQL authentication and type
    set-up (docs/performance.md)."""
    engine = create_engine(database_url)
    opened = 0

    def connected(_connection: object, _record: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", connected)

    async def query() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await asyncio.sleep(0.01)  # held, so the burst needs every connection at once

    try:
        await asyncio.gather(*(query() for _ in range(3 * POOL_SIZE)))
        first = opened
        await asyncio.gather(*(query() for _ in range(3 * POOL_SIZE)))
    finally:
        await engine.dispose()
    assert first == POOL_SIZE
    assert opened == first
