"""Personal data is kept only as long as configured (TRANSCRIPT_RETENTION_DAYS).

Each day: transcript lines older than the limit are deleted; visits that ended (or requests
that were declined, cancelled or expired) before it lose their contact's phone number; sent
proactive messages and WhatsApp delivery records older than it are deleted; handled webhook
updates go after eight days (Meta and Telegram stop redelivering well before).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.booking import Status
from bot.db.models import Booking, InboxUpdate, OutboxMessage, TranscriptLine, WhatsAppOutbound

log = logging.getLogger(__name__)
ANONYMISED_PHONE = "-"
INBOX_DAYS = 8


@dataclass
class Purged:
    """What one run removed."""

    transcript_lines: int = 0
    phones: int = 0
    outbox: int = 0
    whatsapp: int = 0
    inbox: int = 0


class Retention:
    """Deletes and anonymises what is older than the retention period."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], days: int) -> None:
        self._sessions = sessions
        self._keep = timedelta(days=days)

    async def purge(self, now: datetime, today: date) -> Purged:
        """Remove what is older than the period, counted back from `now` (UTC) / `today`."""
        cutoff, last_day = now - self._keep, today - self._keep
        done = Purged()
        async with self._sessions() as session, session.begin():
            done.transcript_lines = await _count(
                session, delete(TranscriptLine).where(TranscriptLine.at < cutoff)
            )
            finished = or_(
                and_(Booking.status == Status.APPROVED, Booking.start_date < last_day),
                and_(
                    Booking.status.in_([Status.DECLINED, Status.CANCELLED, Status.EXPIRED]),
                    Booking.updated_at < cutoff,
                ),
            )
            done.phones = await _count(
                session,
                update(Booking)
                .where(finished, Booking.contact_phone != ANONYMISED_PHONE)
                .values(contact_phone=ANONYMISED_PHONE),
            )
            done.outbox = await _count(
                session, delete(OutboxMessage).where(OutboxMessage.created_at < cutoff)
            )
            done.whatsapp = await _count(
                session, delete(WhatsAppOutbound).where(WhatsAppOutbound.created_at < cutoff)
            )
            done.inbox = await _count(
                session,
                delete(InboxUpdate).where(
                    InboxUpdate.handled_at.is_not(None),
                    InboxUpdate.received_at < now - timedelta(days=INBOX_DAYS),
                ),
            )
        log.info("retention: %s", done)
        return done


async def _count(session: AsyncSession, statement: object) -> int:
    result = await session.execute(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)
