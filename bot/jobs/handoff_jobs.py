"""The periodic handoff sweep, as an importable job function (APScheduler stores the path)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.jobs.context import JobContext

JOB_ID = "handoff-sweep"


async def sweep(*, jobs: JobContext | None = None) -> None:
    """Job: close idle handoffs, re-ping staff about unanswered ones."""
    if jobs is None or jobs.handoff is None:
        return
    await jobs.handoff.handoff.sweep(datetime.now(UTC), jobs.handoff.idle, jobs.handoff.sla)
