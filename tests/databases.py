"""Throwaway PostgreSQL databases, for the tests (tests/conftest.py) and the benchmarks
(bench/databases.py) alike."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg


async def connect_admin(base_url: str) -> asyncpg.Connection:
    """A plain asyncpg connection to the database of `base_url` (a SQLAlchemy asyncpg URL)."""
    return await asyncpg.connect(base_url.replace("postgresql+asyncpg", "postgresql"))


@asynccontextmanager
async def new_database(admin: asyncpg.Connection, base_url: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on `admin`'s server, dropped afterwards with whatever
    is still connected to it."""
    name = f"kunjungan_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
