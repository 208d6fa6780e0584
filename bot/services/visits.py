"""Participants and agendas in SQL."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.visits import AgendaItem, AgendaTemplate
from bot.db.models import AgendaSession, Booking, Feedback, Participant, utcnow
from bot.db.session import upsert_insert


class VisitService:
    """`Visits` backed by SQLAlchemy."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], template: AgendaTemplate
    ) -> None:
        self._sessions = sessions
        self._template = template

    async def _booking_id(self, session: AsyncSession, code: str) -> int:
        booking_id = await session.scalar(select(Booking.id).where(Booking.code == code.upper()))
        if booking_id is None:
            raise LookupError(code)
        return booking_id

    async def ensure_agenda(self, code: str) -> None:
        async with self._sessions() as session, session.begin():
            booking = await session.scalar(select(Booking).where(Booking.code == code.upper()))
            if booking is None:
                raise LookupError(code)
            existing = await session.scalar(
                select(func.count())
                .select_from(AgendaSession)
                .where(AgendaSession.booking_id == booking.id)
            )
            if existing:
                return
            session.add_all(_rows(booking.id, self._template[booking.days]))

    async def agenda(self, code: str, day: int) -> list[AgendaItem]:
        async with self._sessions() as session:
            booking_id = await self._booking_id(session, code)
            rows = await session.scalars(
                select(AgendaSession)
                .where(AgendaSession.booking_id == booking_id, AgendaSession.day == day)
                .order_by(AgendaSession.starts)
            )
            return [
                AgendaItem(row.day, row.starts, row.ends, row.title, row.speaker, row.place)
                for row in rows
            ]

    async def replace_agenda(self, code: str, items: list[AgendaItem]) -> None:
        async with self._sessions() as session, session.begin():
            booking_id = await self._booking_id(session, code)
            await session.execute(
                delete(AgendaSession).where(AgendaSession.booking_id == booking_id)
            )
            session.add_all(_rows(booking_id, items))

    async def join(self, code: str, channel: str, chat_id: str, name: str) -> None:
        async with self._sessions() as session, session.begin():
            booking_id = await self._booking_id(session, code)
            insert = await upsert_insert(session)
            statement = insert(Participant).values(
                booking_id=booking_id, channel=channel, chat_id=chat_id, name=name,
                joined_at=utcnow(), left_at=None,
            )  # fmt: skip
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[
                        Participant.booking_id,
                        Participant.channel,
                        Participant.chat_id,
                    ],
                    set_={"name": statement.excluded.name, "left_at": None},
                )
            )

    async def leave(self, channel: str, chat_id: str) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Participant)
                .where(
                    Participant.channel == channel,
                    Participant.chat_id == chat_id,
                    Participant.left_at.is_(None),
                )
                .values(left_at=utcnow())
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def memberships(self, channel: str, chat_id: str) -> list[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking.code)
                .join(Participant, Participant.booking_id == Booking.id)
                .where(
                    Participant.channel == channel,
                    Participant.chat_id == chat_id,
                    Participant.left_at.is_(None),
                )
                .order_by(Booking.start_date)
            )
            return list(rows)

    async def participants(self, code: str) -> list[tuple[str, str, str]]:
        async with self._sessions() as session:
            booking_id = await self._booking_id(session, code)
            rows = await session.execute(
                select(Participant.name, Participant.channel, Participant.chat_id)
                .where(Participant.booking_id == booking_id, Participant.left_at.is_(None))
                .order_by(Participant.joined_at)
            )
            return [(name, channel, chat) for name, channel, chat in rows]

    async def record_feedback(
        self, code: str, channel: str, chat_id: str, rating: int, comment: str
    ) -> bool:
        async with self._sessions() as session, session.begin():
            booking_id = await self._booking_id(session, code)
            insert = await upsert_insert(session)
            result = await session.execute(
                insert(Feedback)
                .values(
                    booking_id=booking_id,
                    channel=channel,
                    chat_id=chat_id,
                    rating=rating,
                    comment=comment[:1000],
                    at=utcnow(),
                )  # fmt: skip
                .on_conflict_do_nothing(
                    index_elements=[Feedback.booking_id, Feedback.channel, Feedback.chat_id]
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]


def _rows(booking_id: int, items: list[AgendaItem]) -> list[AgendaSession]:
    return [
        AgendaSession(
            booking_id=booking_id,
            day=item.day,
            starts=item.starts,
            ends=item.ends,
            title=item.title,
            speaker=item.speaker,
            place=item.place,
        )
        for item in items
    ]
