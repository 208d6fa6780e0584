"""Bookings in SQL. The service owns every transaction; overbooking is stopped by the database.

Capacity is a row per day (`visit_days`) changed by one conditional UPDATE per day:
"add this group only if it still fits". PostgreSQL re-checks the condition after waiting for a
concurrent writer's row lock, SQLite serialises writers, and CHECK constraints back both up, so
twenty requests racing for the last slot yield exactly one booking.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.booking import (
    ACTIVE,
    BookingError,
    BookingRequest,
    BookingRules,
    BookingView,
    DayFull,
    Notices,
    Status,
)
from bot.db.models import Booking, BookingEvent, Organisation, VisitDay, utcnow
from bot.db.outbox import enqueue
from bot.db.session import upsert_insert
from nlu.codes import CODE_ALPHABET, CODE_LENGTH, INVITE_LENGTH

log = logging.getLogger(__name__)
SEARCH_DAYS = 60


@dataclass(frozen=True)
class Capacity:
    """How much one day can take."""

    delegations: int = 2
    participants: int = 60


def new_code(length: int = CODE_LENGTH) -> str:
    """A random code without 0/O and 1/I, with a letter and a digit (so it reads as a code,
    and `nlu.codes.find_codes` recognises it in any message)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP "CSV injection"):
    what users typed (names, notes, "+62…" phones) starting with = + - @ tab or CR gets a
    leading apostrophe."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def view_of(booking: Booking) -> BookingView:
    """The stored booking as the core sees it."""
    return BookingView(
        code=booking.code,
        status=Status(booking.status),
        org_name=booking.organisation.name,
        org_kind=booking.organisation.kind,
        origin=booking.organisation.origin,
        contact_name=booking.contact_name,
        contact_phone=booking.contact_phone,
        participants=booking.participants,
        start_date=booking.start_date,
        days=booking.days,
        topics=tuple(booking.topics or ()),
        notes=booking.notes,
        channel=booking.channel,
        chat_id=booking.chat_id,
        invite_code=booking.invite_code,
        user_id=booking.user_id,
    )


class BookingService:
    """`Bookings` backed by SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rules: BookingRules,
        capacity: Capacity,
        today: Callable[[], date],
        pending_ttl: timedelta = timedelta(days=3),
    ) -> None:
        self._sessions = sessions
        self._rules = rules
        self._capacity = capacity
        self._today = today
        self._pending_ttl = pending_ttl

    @property
    def rules(self) -> BookingRules:
        """The calendar and group-size rules every request is checked against."""
        return self._rules

    @property
    def capacity(self) -> Capacity:
        """What one day takes when no limits were stored for it yet."""
        return self._capacity

    # ---- capacity ---------------------------------------------------------------------

    async def _reserve(self, session: AsyncSession, days: Sequence[date], people: int) -> None:
        insert = await upsert_insert(session)
        for day in days:
            await session.execute(
                insert(VisitDay)
                .values(
                    day=day,
                    delegations=0,
                    participants=0,
                    max_delegations=self._capacity.delegations,
                    max_participants=self._capacity.participants,
                )
                .on_conflict_do_nothing(index_elements=[VisitDay.day])
            )
            result = await session.execute(
                update(VisitDay)
                .where(
                    VisitDay.day == day,
                    VisitDay.delegations + 1 <= VisitDay.max_delegations,
                    VisitDay.participants + people <= VisitDay.max_participants,
                )
                .values(
                    delegations=VisitDay.delegations + 1,
                    participants=VisitDay.participants + people,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise DayFull(day, [])

    @staticmethod
    async def _release(session: AsyncSession, days: Sequence[date], people: int) -> None:
        for day in days:
            await session.execute(
                update(VisitDay)
                .where(VisitDay.day == day)
                .values(
                    delegations=VisitDay.delegations - 1,
                    participants=VisitDay.participants - people,
                )
            )

    async def _fits(self, start: date, days: int, people: int) -> bool:
        span = [start + timedelta(days=offset) for offset in range(days)]
        async with self._sessions() as session:
            rows = {
                row.day: row
                for row in await session.scalars(select(VisitDay).where(VisitDay.day.in_(span)))
            }
        return all(self._room(rows.get(day), people) for day in span)

    async def free_days(self, start: date, days: int, participants: int) -> bool:
        return await self._fits(start, days, participants)

    async def alternatives(
        self, around: date, days: int, participants: int, count: int = 3
    ) -> list[date]:
        today = self._today()
        earliest = today + timedelta(days=self._rules.lead_days)
        first = max(earliest, around - timedelta(days=SEARCH_DAYS // 2))
        candidates = sorted(
            (first + timedelta(days=offset) for offset in range(SEARCH_DAYS)),
            key=lambda day: (abs((day - around).days), day),
        )
        found: list[date] = []
        for day in candidates:
            if day == around or self._rules.date_problem(day, days, today) is not None:
                continue
            if await self._fits(day, days, participants):
                found.append(day)
                if len(found) == count:
                    break
        return sorted(found)

    async def free_between(
        self, first: date, last: date, days: int, participants: int, count: int
    ) -> list[date]:
        """One query for the period's capacity, then the rules day by day."""
        today = self._today()
        first = max(first, today + timedelta(days=self._rules.lead_days))
        span_end = last + timedelta(days=days - 1)
        async with self._sessions() as session:
            taken = {
                row.day: row
                for row in await session.scalars(
                    select(VisitDay).where(VisitDay.day >= first, VisitDay.day <= span_end)
                )
            }
        found: list[date] = []
        day = first
        while day <= last and len(found) < count:
            span = [day + timedelta(days=offset) for offset in range(days)]
            if self._rules.date_problem(day, days, today) is None and all(
                self._room(taken.get(visit_day), participants) for visit_day in span
            ):
                found.append(day)
            day += timedelta(days=1)
        return found

    def _room(self, row: VisitDay | None, people: int) -> bool:
        """Whether a day (its row, None when nothing is booked yet) takes one more group."""
        if row is None:
            return people <= self._capacity.participants and self._capacity.delegations >= 1
        return (
            row.delegations + 1 <= row.max_delegations
            and row.participants + people <= row.max_participants
        )

    # ---- lifecycle ----------------------------------------------------------------------

    async def held_by(
        self, channel: str, user_id: str
    ) -> tuple[list[BookingView], list[BookingView]]:
        async with self._sessions() as session:
            return await self._held(session, channel, user_id)

    async def _held(
        self, session: AsyncSession, channel: str, user_id: str
    ) -> tuple[list[BookingView], list[BookingView]]:
        rows = await session.scalars(
            select(Booking)
            .where(
                Booking.channel == channel,
                Booking.user_id == user_id,
                Booking.status.in_([Status.PENDING, Status.APPROVED]),
            )
            .order_by(Booking.start_date)
        )
        views = [view_of(row) for row in rows]
        today = self._today()
        return (
            [v for v in views if v.status is Status.PENDING],
            [v for v in views if v.status is Status.APPROVED and v.end_date >= today],
        )

    async def _check_share(self, session: AsyncSession, request: BookingRequest) -> None:
        """One user cannot hold the calendar: at most their share of pending requests and of
        approved visits to come (staff book for others without limit)."""
        if request.by_staff:
            return
        problem = self._rules.share_problem(
            *await self._held(session, request.channel, request.user_id)
        )
        if problem is not None:
            raise problem

    async def _filed(self, request_key: str | None) -> BookingView | None:
        if request_key is None:
            return None
        async with self._sessions() as session:
            booking = await session.scalar(
                select(Booking).where(Booking.request_key == request_key)
            )
            return replace(view_of(booking), repeated=True) if booking else None

    async def request(self, request: BookingRequest) -> BookingView:
        await self.expire_stale()
        problem = self._rules.date_problem(request.start_date, request.days, self._today())
        problem = problem or self._rules.participants_problem(request.participants)
        if problem is not None:
            raise problem
        span = [request.start_date + timedelta(days=offset) for offset in range(request.days)]
        for _attempt in range(3):
            filed = await self._filed(request.request_key)
            if filed is not None:
                return filed
            try:
                async with self._sessions() as session, session.begin():
                    await self._check_share(session, request)
                    await self._reserve(session, span, request.participants)
                    organisation = Organisation(
                        name=request.org_name, kind=request.org_kind, origin=request.origin
                    )
                    booking = Booking(
                        code=new_code(),
                        status=Status.PENDING,
                        organisation=organisation,
                        start_date=request.start_date,
                        days=request.days,
                        participants=request.participants,
                        topics=list(request.topics),
                        contact_name=request.contact_name,
                        contact_phone=request.contact_phone,
                        notes=request.notes,
                        channel=request.channel,
                        chat_id=request.chat_id,
                        user_id=request.user_id,
                        request_key=request.request_key,
                    )
                    session.add(booking)
                    await session.flush()
                    session.add(
                        BookingEvent(
                            booking_id=booking.id,
                            status=Status.PENDING,
                            actor=f"{request.channel}:{request.user_id}",
                        )
                    )
                return view_of(booking)
            except DayFull as full:
                alternatives = await self.alternatives(
                    full.day, request.days, request.participants
                )
                raise DayFull(full.day, alternatives) from None
            except IntegrityError as error:  # a code collision, or the same submission twice
                reason = str(error.orig).lower()
                if "code" not in reason and "request_key" not in reason:
                    raise
        raise BookingError("booking.failed")

    async def _change(
        self,
        code: str,
        allowed_from: frozenset[Status],
        to: Status,
        actor: str,
        *,
        reason: str = "",
        notices: Notices | None = None,
    ) -> BookingView:
        async with self._sessions() as session, session.begin():
            booking = await self._locked(session, code)
            if Status(booking.status) not in allowed_from:
                raise BookingError(
                    "booking.wrong_status", code=booking.code, status=Status(booking.status)
                )
            if Status(booking.status) in ACTIVE and to not in ACTIVE:
                view = view_of(booking)
                await self._release(session, view.visit_days(), booking.participants)
            if to is Status.APPROVED and booking.invite_code is None:
                booking.invite_code = new_code(INVITE_LENGTH)
            booking.status = to
            booking.updated_at = utcnow()
            session.add(BookingEvent(booking_id=booking.id, status=to, actor=actor, reason=reason))
            await session.flush()
            result = replace(view_of(booking), reason=reason)
            if notices is not None:  # the decision and its announcement commit together
                await enqueue(session, notices(result))
        return result

    @staticmethod
    async def _locked(session: AsyncSession, code: str) -> Booking:
        """Load a booking for change, writing first: SQLite takes its write lock at once (no
        stale read turned into a busy error later), PostgreSQL locks the row."""
        touched = await session.execute(
            update(Booking).where(Booking.code == code.upper()).values(updated_at=utcnow())
        )
        booking = await session.scalar(select(Booking).where(Booking.code == code.upper()))
        if touched.rowcount != 1 or booking is None:  # type: ignore[attr-defined]
            raise BookingError("booking.not_found", code=code.upper())
        return booking

    async def approve(self, code: str, actor: str, notices: Notices | None = None) -> BookingView:
        return await self._change(
            code, frozenset({Status.PENDING}), Status.APPROVED, actor, notices=notices
        )

    async def decline(
        self, code: str, actor: str, reason: str, notices: Notices | None = None
    ) -> BookingView:
        return await self._change(
            code, frozenset({Status.PENDING}), Status.DECLINED, actor, reason=reason,
            notices=notices,
        )  # fmt: skip

    async def cancel(
        self, code: str, actor: str, *, reason: str = "", notices: Notices | None = None
    ) -> BookingView:
        return await self._change(
            code, ACTIVE, Status.CANCELLED, actor, reason=reason, notices=notices
        )

    async def reschedule(
        self,
        code: str,
        start: date,
        days: int,
        actor: str,
        *,
        note: Callable[[BookingView], str],
        notices: Notices | None = None,
    ) -> BookingView:
        """Move a booking (back to pending); `note` writes the history line from the booking as
        it was (the caller's words: "dijadwal ulang dari …"); `notices` commit with it."""
        problem = self._rules.date_problem(start, days, self._today())
        if problem is not None:
            raise problem
        try:
            return await self._rebook(code, actor, note, notices, start=start, days=days)
        except DayFull as full:
            view = await self.get(code)
            people = view.participants if view else 1
            raise DayFull(full.day, await self.alternatives(full.day, days, people)) from None

    async def resize(
        self,
        code: str,
        participants: int,
        actor: str,
        *,
        note: Callable[[BookingView], str],
        notices: Notices | None = None,
    ) -> BookingView:
        """A new group size for a booking (back to pending), as `reschedule`; `DayFull`
        without alternatives when a day cannot take it."""
        problem = self._rules.participants_problem(participants)
        if problem is not None:
            raise problem
        return await self._rebook(code, actor, note, notices, participants=participants)

    async def recontact(
        self, code: str, phone: str, actor: str, *, note: str, name: str | None = None
    ) -> BookingView:
        """A new contact number for a booking, and a new contact person when `name` is given;
        its status and its days stay, `note` is the history line."""
        async with self._sessions() as session, session.begin():
            booking = await self._locked(session, code)
            if Status(booking.status) not in ACTIVE:
                raise BookingError(
                    "booking.wrong_status", code=booking.code, status=Status(booking.status)
                )
            booking.contact_phone = phone
            if name is not None:
                booking.contact_name = name
            event = BookingEvent(
                booking_id=booking.id, status=booking.status, actor=actor, reason=note
            )
            session.add(event)
            await session.flush()
            return view_of(booking)

    async def _rebook(
        self,
        code: str,
        actor: str,
        note: Callable[[BookingView], str],
        notices: Notices | None,
        *,
        start: date | None = None,
        days: int | None = None,
        participants: int | None = None,
    ) -> BookingView:
        """The booking's capacity given back and taken again with its new dates or size, in
        one transaction, and the booking pending again with a history line."""
        async with self._sessions() as session, session.begin():
            booking = await self._locked(session, code)
            if Status(booking.status) not in ACTIVE:
                raise BookingError(
                    "booking.wrong_status", code=booking.code, status=Status(booking.status)
                )
            old = view_of(booking)
            await self._release(session, old.visit_days(), booking.participants)
            booking.start_date = start or booking.start_date
            booking.days = days or booking.days
            booking.participants = participants or booking.participants
            await self._reserve(session, view_of(booking).visit_days(), booking.participants)
            booking.status = Status.PENDING
            booking.updated_at = utcnow()
            session.add(
                BookingEvent(
                    booking_id=booking.id, status=Status.PENDING, actor=actor, reason=note(old)
                )
            )
            await session.flush()
            changed = view_of(booking)
            if notices is not None:
                await enqueue(session, notices(changed))
            return changed

    async def expire_stale(self) -> int:
        """Requests pending longer than the TTL (since they were made or rescheduled) expire
        and give their capacity back. Called by the `request-expiry` job every few minutes
        and before every new request; reading never changes anything."""
        cutoff: datetime = utcnow() - self._pending_ttl
        async with self._sessions() as session:
            stale = list(
                await session.scalars(
                    select(Booking.code).where(
                        Booking.status == Status.PENDING, Booking.updated_at < cutoff
                    )
                )
            )
        for code in stale:
            try:
                await self._change(code, frozenset({Status.PENDING}), Status.EXPIRED, "system")
            except BookingError:  # approved or cancelled meanwhile
                continue
        return len(stale)

    # ---- queries ------------------------------------------------------------------------

    async def get(self, code: str) -> BookingView | None:
        async with self._sessions() as session:
            booking = await session.scalar(select(Booking).where(Booking.code == code.upper()))
            return view_of(booking) if booking else None

    async def by_invite(self, invite_code: str) -> BookingView | None:
        """The approved booking a participant's invite code belongs to."""
        async with self._sessions() as session:
            booking = await session.scalar(
                select(Booking).where(Booking.invite_code == invite_code.upper())
            )
            return view_of(booking) if booking else None

    async def for_chat(self, channel: str, chat_id: str) -> list[BookingView]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking)
                .where(Booking.channel == channel, Booking.chat_id == chat_id)
                .order_by(Booking.created_at.desc())
            )
            return [view_of(row) for row in rows]

    async def pending(self) -> list[BookingView]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking)
                .where(Booking.status == Status.PENDING)
                .order_by(Booking.start_date)
            )
            return [view_of(row) for row in rows]

    async def upcoming(self, today: date) -> list[BookingView]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Booking)
                .where(Booking.status.in_(list(ACTIVE)), Booking.start_date >= today)
                .order_by(Booking.start_date)
            )
            return [view_of(row) for row in rows]

    async def export_csv(self) -> bytes:
        async with self._sessions() as session:
            rows = list(await session.scalars(select(Booking).order_by(Booking.start_date)))
            views = [view_of(row) for row in rows]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["kode", "status", "lembaga", "jenis", "asal", "tanggal_mulai", "hari", "peserta",
             "topik", "kontak", "telepon", "catatan", "kanal"]
        )  # fmt: skip
        for view in views:
            writer.writerow(
                map(spreadsheet_safe, [
                    view.code, view.status, view.org_name, view.org_kind, view.origin,
                    view.start_date.isoformat(), view.days, view.participants,
                    "; ".join(view.topics), view.contact_name, view.contact_phone, view.notes,
                    view.channel,
                ])
            )  # fmt: skip
        return out.getvalue().encode("utf-8-sig")
