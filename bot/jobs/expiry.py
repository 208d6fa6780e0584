"""The request-expiry job: pending requests past their time give their capacity back."""

from __future__ import annotations

import logging

from bot.jobs.context import JobContext

log = logging.getLogger(__name__)
JOB_ID = "request-expiry"


async def expire_requests(*, jobs: JobContext | None = None) -> None:
    """Job: every few minutes, expire pending requests older than BOOKING_PENDING_EXPIRY_DAYS."""
    if jobs is None or jobs.bookings is None:
        return
    expired = await jobs.bookings.expire_stale()
    if expired:
        log.info("%d pending requests expired", expired)
