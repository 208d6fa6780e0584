"""What the WhatsApp channel keeps in SQL: seen message ids, each user's 24-hour window, and
the fate of every message sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import WhatsAppContact, WhatsAppInbound, WhatsAppOutbound, utcnow
from bot.db.session import upsert_insert

WINDOW = timedelta(hours=24)
# Statuses only move forward; a late "delivered" after "read" changes nothing.
STATUS_RANK = MappingProxyType(
    {"not_sent": 0, "accepted": 1, "sent": 2, "delivered": 3, "read": 4, "failed": 5}
)


class WhatsAppStore:
    """SQL side of the channel."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def handled(self, message_id: str) -> bool:
        """Whether this incoming message was handled before (a redelivery)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(WhatsAppInbound.message_id).where(WhatsAppInbound.message_id == message_id)
            )
        return found is not None

    async def mark_handled(self, message_id: str) -> None:
        """Record an incoming message id as handled."""
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            await session.execute(
                insert(WhatsAppInbound)
                .values(message_id=message_id, received_at=utcnow())
                .on_conflict_do_nothing(index_elements=[WhatsAppInbound.message_id])
            )

    async def saw(self, wa_id: str, name: str | None, at: datetime) -> None:
        """The user wrote at `at`: their window runs 24 hours from their latest message."""
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            statement = insert(WhatsAppContact).values(
                wa_id=wa_id, name=(name or "")[:120], last_inbound_at=at
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[WhatsAppContact.wa_id],
                    set_={"name": statement.excluded.name, "last_inbound_at": at},
                    where=WhatsAppContact.last_inbound_at < at,
                )
            )

    async def window_open(self, wa_id: str, now: datetime) -> bool:
        """Whether free-form messages may be sent to this user now."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(WhatsAppContact.wa_id).where(
                    WhatsAppContact.wa_id == wa_id, WhatsAppContact.last_inbound_at > now - WINDOW
                )
            )
        return found is not None

    async def sent(
        self, wa_id: str, tag: str, kind: str, wamid: str | None, error: str = ""
    ) -> None:
        """Record a message: accepted by the API (with its wamid), or, with `error`, not sent
        and why."""
        async with self._sessions() as session, session.begin():
            session.add(
                WhatsAppOutbound(
                    wamid=wamid,
                    wa_id=wa_id,
                    tag=tag[:160],
                    kind=kind,
                    status="not_sent" if error else "accepted",
                    error=error,
                )
            )

    async def status(self, wamid: str, status: str, at: datetime, error: str = "") -> bool:
        """Apply a status callback; False for an unknown message or a step backwards."""
        rank = STATUS_RANK.get(status)
        if rank is None:
            return False
        lower = [name for name, value in STATUS_RANK.items() if value < rank]
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(WhatsAppOutbound)
                .where(WhatsAppOutbound.wamid == wamid, WhatsAppOutbound.status.in_(lower))
                .values(status=status, error=error, updated_at=at)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def outbound(self, wa_id: str) -> list[WhatsAppOutbound]:
        """Messages to one user, oldest first (for staff and tests)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(WhatsAppOutbound)
                .where(WhatsAppOutbound.wa_id == wa_id)
                .order_by(WhatsAppOutbound.id)
            )
            return list(rows)

    async def forget_before(self, moment: datetime) -> None:
        """Drop seen ids older than Meta's redelivery period (it retries for up to 7 days)."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(WhatsAppInbound).where(WhatsAppInbound.received_at < moment)
            )
