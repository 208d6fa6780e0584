"""What the staff desk reads: a month's visits, one visit's history and participants, open
handoffs with their transcript, the year's figures. Queries only; every change goes through
the services the chat uses (`Decisions`, `BookingService`, `HandoffFlow`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.booking import ACTIVE, BookingView, Status
from bot.db.models import (
    Booking,
    BookingEvent,
    Escalation,
    Feedback,
    Organisation,
    OutboxMessage,
    Participant,
    TranscriptLine,
)
from bot.services.booking import view_of

LONGEST_VISIT = 3  # days (the bookings table's CHECK)
# What bot/jobs/pushes.py sends participants; its outbox keys are "<kind>:<code>:…".
PUSH_KINDS = ("agenda", "reminder", "feedback")


@dataclass(frozen=True)
class HistoryLine:
    """One change of a booking: to which status, by whom, why, when (UTC)."""

    status: str
    actor: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Push:
    """One proactive message to a participant and what became of it."""

    key: str
    status: str
    sent_at: datetime | None


@dataclass(frozen=True)
class Member:
    """A participant of a visit, with the pushes they were sent."""

    name: str
    channel: str
    chat_id: str
    joined_at: datetime
    pushes: tuple[Push, ...] = ()


@dataclass(frozen=True)
class Line:
    """One transcript line."""

    id: int
    direction: str
    text: str
    at: datetime


@dataclass
class YearFigures:
    """A year's approved visits by month, by province of origin and by kind of organisation,
    and the feedback they received."""

    delegations: Counter[int] = field(default_factory=Counter)  # month -> visits
    participants: Counter[int] = field(default_factory=Counter)  # month -> people
    by_province: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    ratings: Counter[int] = field(default_factory=Counter)  # 1..5 -> count
    per_visit: dict[str, tuple[str, float, int]] = field(default_factory=dict)
    comments: list[tuple[str, int, str]] = field(default_factory=list)  # code, rating, text


def province(origin: str) -> str:
    """The province part of an origin as requesters write it ("Kupang, NTT" -> "NTT")."""
    return origin.rsplit(",", 1)[-1].strip() or "-"


class Overview:
    """Read-only queries for the desk."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def between(self, first: date, last: date) -> list[BookingView]:
        """Pending and approved visits with at least one day in [first, last]."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking)
                .where(
                    Booking.status.in_([*ACTIVE]),
                    Booking.start_date <= last,
                    Booking.start_date >= first - timedelta(days=LONGEST_VISIT - 1),
                )
                .order_by(Booking.start_date, Booking.id)
            )
            views = [view_of(row) for row in rows]
        return [view for view in views if view.end_date >= first]

    async def requests(self) -> list[tuple[BookingView, datetime]]:
        """Pending requests, oldest first, with when each was filed."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking)
                .where(Booking.status == Status.PENDING)
                .order_by(Booking.created_at, Booking.id)
            )
            return [(view_of(row), row.created_at) for row in rows]

    async def history(self, code: str) -> list[HistoryLine]:
        """A booking's changes, oldest first."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(BookingEvent.status, BookingEvent.actor, BookingEvent.reason,
                       BookingEvent.at)
                .join(Booking, Booking.id == BookingEvent.booking_id)
                .where(Booking.code == code.upper())
                .order_by(BookingEvent.id)
            )  # fmt: skip
            return [HistoryLine(*row) for row in rows]

    async def members(self, code: str) -> list[Member]:
        """A visit's participants (those who left included, last) and, for each, the agenda
        pushes, reminders and thank-yous the outbox holds for them."""
        async with self._sessions() as session:
            people = (
                await session.execute(
                    select(
                        Participant.name,
                        Participant.channel,
                        Participant.chat_id,
                        Participant.joined_at,
                    )
                    .join(Booking, Booking.id == Participant.booking_id)
                    .where(Booking.code == code.upper(), Participant.left_at.is_(None))
                    .order_by(Participant.joined_at, Participant.id)
                )  # fmt: skip
            ).all()
            pushes = (
                await session.execute(
                    select(
                        OutboxMessage.key,
                        OutboxMessage.channel,
                        OutboxMessage.chat_id,
                        OutboxMessage.status,
                        OutboxMessage.sent_at,
                    )
                    .where(
                        or_(
                            *(
                                # key range, not LIKE: the unique index on `key` answers it
                                OutboxMessage.key.between(
                                    f"{kind}:{code.upper()}:", f"{kind}:{code.upper()};"
                                )
                                for kind in PUSH_KINDS
                            )
                        )
                    )
                    .order_by(OutboxMessage.id)
                )  # fmt: skip
            ).all()
        sent: dict[tuple[str, str], list[Push]] = defaultdict(list)
        for key, channel, chat_id, status, sent_at in pushes:
            sent[(channel, chat_id)].append(Push(key, status, sent_at))
        return [
            Member(name, channel, chat, joined, tuple(sent[(channel, chat)]))
            for name, channel, chat, joined in people
        ]

    async def open_escalations(self) -> list[Escalation]:
        """Handoffs not closed yet, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Escalation)
                .where(Escalation.status != "closed")
                .order_by(Escalation.created_at, Escalation.id)
            )
            return list(rows)

    async def lines(self, channel: str, chat_id: str, after: int = 0) -> list[Line]:
        """A chat's transcript after line `after`, oldest first."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(TranscriptLine.id, TranscriptLine.direction, TranscriptLine.text,
                       TranscriptLine.at)
                .where(TranscriptLine.channel == channel, TranscriptLine.chat_id == chat_id,
                       TranscriptLine.id > after)
                .order_by(TranscriptLine.id)
            )  # fmt: skip
            return [Line(*row) for row in rows]

    async def year(self, year: int, comments: int | None = None) -> YearFigures:
        """The year's approved visits (by their first day) and their feedback, counted by the
        database; the newest `comments` comments (all when None)."""
        figures = YearFigures()
        in_year = Booking.start_date.between(date(year, 1, 1), date(year, 12, 31))
        approved = (Booking.status == Status.APPROVED) & in_year
        month = extract("month", Booking.start_date)
        async with self._sessions() as session:
            for number, visits, people in await session.execute(
                select(month, func.count(), func.sum(Booking.participants))
                .where(approved).group_by(month)
            ):  # fmt: skip
                figures.delegations[int(number)] = visits
                figures.participants[int(number)] = int(people or 0)
            for column, counter in ((Organisation.origin, figures.by_province),
                                    (Organisation.kind, figures.by_kind)):  # fmt: skip
                for value, visits in await session.execute(
                    select(column, func.count())
                    .join(Booking, Booking.organisation_id == Organisation.id)
                    .where(approved).group_by(column)
                ):  # fmt: skip
                    counter[province(value) if column is Organisation.origin else value] += visits
            for rating, count in await session.execute(
                select(Feedback.rating, func.count())
                .join(Booking, Booking.id == Feedback.booking_id)
                .where(in_year).group_by(Feedback.rating)
            ):  # fmt: skip
                figures.ratings[rating] = count
            for code, name, average, count in await session.execute(
                select(Booking.code, Organisation.name, func.avg(Feedback.rating), func.count())
                .join(Booking, Booking.id == Feedback.booking_id)
                .join(Organisation, Organisation.id == Booking.organisation_id)
                .where(in_year).group_by(Booking.code, Organisation.name)
            ):  # fmt: skip
                figures.per_visit[code] = (name, float(average), count)
            newest = (
                select(Booking.code, Feedback.rating, Feedback.comment)
                .join(Booking, Booking.id == Feedback.booking_id)
                .where(in_year, Feedback.comment != "")
                .order_by(Feedback.id.desc())
                .limit(comments)
            )
            figures.comments = [
                (code, rating, comment) for code, rating, comment in await session.execute(newest)
            ]
        return figures
