"""The daily retention job: what it needs travels in its arguments (no module state)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.db.session import create_engine, session_factory
from bot.jobs.context import JobContext
from bot.services.retention import Retention

JOB_ID = "retention"


async def purge(
    database_url: str, days: int, zone: str, *, jobs: JobContext | None = None
) -> None:
    """Job: delete and anonymise personal data older than `days` days."""
    database = create_engine(database_url)
    try:
        now = datetime.now(UTC)
        await Retention(session_factory(database), days).purge(
            now, now.astimezone(ZoneInfo(zone)).date()
        )
    finally:
        await database.dispose()
