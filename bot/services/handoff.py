"""Handoffs in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.handoff import OPEN_STATUSES as OPEN
from bot.core.handoff import Escalation, HandoffStatus
from bot.db.models import Escalation as EscalationRow
from bot.db.models import StaffPost, utcnow
from bot.db.session import upsert_insert


def _view(row: EscalationRow) -> Escalation:
    return Escalation(
        row.id,
        row.channel,
        row.chat_id,
        row.user_name,
        HandoffStatus(row.status),
        row.assigned_to,
        row.topic,
    )


class EscalationService:
    """`Escalations` backed by the `escalations` table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def open(self, channel: str, chat_id: str, user_name: str) -> tuple[Escalation, bool]:
        existing = await self.active(channel, chat_id)
        if existing is not None:
            return existing, False
        async with self._sessions() as session, session.begin():
            now = utcnow()
            row = EscalationRow(
                channel=channel, chat_id=chat_id, user_name=user_name[:120],
                status=HandoffStatus.WAITING, created_at=now, last_activity_at=now,
            )  # fmt: skip
            session.add(row)
            await session.flush()
            return _view(row), True

    async def active(self, channel: str, chat_id: str) -> Escalation | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(EscalationRow)
                .where(
                    EscalationRow.channel == channel,
                    EscalationRow.chat_id == chat_id,
                    EscalationRow.status.in_(OPEN),
                )
                .order_by(EscalationRow.id.desc())
            )
            return _view(row) if row else None

    async def in_topic(self, topic: str) -> Escalation | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(EscalationRow)
                .where(EscalationRow.topic == topic, EscalationRow.status.in_(OPEN))
                .order_by(EscalationRow.id.desc())
            )
            return _view(row) if row else None

    async def set_topic(self, escalation_id: int, topic: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(EscalationRow).where(EscalationRow.id == escalation_id).values(topic=topic)
            )

    async def posted(
        self, escalation_id: int, channel: str, chat_id: str, message_ids: list[str]
    ) -> None:
        if not message_ids:
            return
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            await session.execute(
                insert(StaffPost)
                .values(
                    [
                        {
                            "channel": channel,
                            "chat_id": chat_id,
                            "message_id": message_id,
                            "escalation_id": escalation_id,
                        }
                        for message_id in message_ids
                    ]
                )  # fmt: skip
                .on_conflict_do_nothing()
            )

    async def by_post(self, channel: str, chat_id: str, message_id: str) -> Escalation | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(EscalationRow)
                .join(StaffPost, StaffPost.escalation_id == EscalationRow.id)
                .where(
                    StaffPost.channel == channel,
                    StaffPost.chat_id == chat_id,
                    StaffPost.message_id == message_id,
                )
            )
            return _view(row) if row else None

    async def get(self, escalation_id: int) -> Escalation | None:
        async with self._sessions() as session:
            row = await session.get(EscalationRow, escalation_id)
            return _view(row) if row else None

    async def _change(self, escalation_id: int, **values: object) -> Escalation | None:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id, EscalationRow.status.in_(OPEN))
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = await session.get(EscalationRow, escalation_id)
            return _view(row) if row else None

    async def take(self, escalation_id: int, staff_name: str) -> Escalation | None:
        return await self._change(
            escalation_id, status=HandoffStatus.WITH_STAFF, assigned_to=staff_name[:120]
        )

    async def close(self, escalation_id: int) -> Escalation | None:
        return await self._change(escalation_id, status=HandoffStatus.CLOSED, closed_at=utcnow())

    async def touch(self, escalation_id: int, *, by_staff: bool) -> None:
        now = utcnow()
        values: dict[str, object] = {"last_activity_at": now}
        if by_staff:
            values["answered_at"] = now
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(EscalationRow).where(EscalationRow.id == escalation_id).values(**values)
            )

    async def idle_since(self, cutoff: datetime) -> list[Escalation]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(EscalationRow).where(
                    EscalationRow.status.in_(OPEN), EscalationRow.last_activity_at < cutoff
                )
            )
            return [_view(row) for row in rows]

    async def unanswered_since(self, cutoff: datetime, now: datetime) -> list[Escalation]:
        async with self._sessions() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(EscalationRow).where(
                        EscalationRow.status == HandoffStatus.WAITING,
                        EscalationRow.answered_at.is_(None),
                        func.coalesce(EscalationRow.pinged_at, EscalationRow.created_at) < cutoff,
                    )
                )
            )
            for row in rows:
                row.pinged_at = now
            return [_view(row) for row in rows]
