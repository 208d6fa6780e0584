"""A fresh PostgreSQL database for a benchmark, dropped afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.databases import connect_admin, new_database


@asynccontextmanager
async def fresh_postgres(base_url: str) -> AsyncIterator[str | None]:
    """A new, empty database on the server of `base_url` (a SQLAlchemy asyncpg URL), dropped
    afterwards; None, after saying so, when the server cannot be reached (a benchmark prints
    what it can, where a test would fail)."""
    try:
        admin = await connect_admin(base_url)
    except OSError as error:
        print(f"PostgreSQL: not reachable ({error}); skipped")
        yield None
        return
    try:
        async with new_database(admin, base_url) as url:
            yield url
    finally:
        await admin.close()
