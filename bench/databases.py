"""A fresh PostgreSQL database for a benchmark, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg


@asynccontextmanager
async def fresh_postgres(base_url: str) -> AsyncIterator[str | None]:
    """A new, empty database on the server of `base_url` (a SQLAlchemy asyncpg URL), dropped
    afterwards; None, after saying so, when the server cannot be reached."""
    name = f"kunjungan_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(base_url.replace("postgresql+asyncpg", "postgresql"))
    except OSError as error:
        print(f"PostgreSQL: not reachable ({error}); skipped")
        yield None
        return
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
