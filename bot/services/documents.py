"""Numbered documents in SQL: numbers from a per-kind, per-year sequence (never repeated, also
under concurrent approvals), what each document said, and which number a new one replaces."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Booking, DocumentSequence, IssuedDocument, utcnow
from bot.documents.render import roman_month

ATTEMPTS = 5  # a lost race for a new year's first number is retried


@dataclass(frozen=True)
class Entry:
    """One document to issue: its contents, and for a certificate its verification code."""

    data: dict[str, Any]
    verify_code: str | None = None


@dataclass(frozen=True)
class Issued:
    """An issued document as stored."""

    kind: str
    number: str
    booking_code: str
    data: dict[str, Any] = field(default_factory=dict)
    replaces: str = ""
    verify_code: str | None = None
    void: bool = False

    def context(self) -> dict[str, Any]:
        """What its template is filled with: the stored contents, the number, the number it
        replaces, the verification code."""
        return {**self.data, "number": self.number, "replaces": self.replaces,
                "verify_code": self.verify_code}  # fmt: skip


def _issued(row: IssuedDocument, code: str) -> Issued:
    return Issued(row.kind, row.number, code, dict(row.data), row.replaces, row.verify_code,
                  row.void_at is not None)  # fmt: skip


class DocumentStore:
    """Issue and find documents."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        zone: ZoneInfo,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._zone = zone
        self._now = now

    async def issue(
        self, kind: str, code: str, pattern: str, entries: Sequence[Entry], *,
        replace_latest: bool = False,
    ) -> list[Issued]:  # fmt: skip
        """Number and store `entries` for booking `code`, in one transaction; with
        `replace_latest`, the booking's current document of this kind is voided and named as
        replaced."""
        for attempt in range(ATTEMPTS):
            try:
                return await self._issue(kind, code, pattern, entries, replace_latest)
            except IntegrityError:  # two processes opened the year's sequence at once
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def _issue(
        self, kind: str, code: str, pattern: str, entries: Sequence[Entry], replace_latest: bool
    ) -> list[Issued]:
        today = self._now().astimezone(self._zone)
        async with self._sessions.begin() as session:
            last = await self._take(session, kind, today.year, len(entries))
            booking_id = await session.scalar(select(Booking.id).where(Booking.code == code))
            if booking_id is None:
                raise LookupError(code)
            replaces = ""
            if replace_latest:
                current = await self._current(session, kind, booking_id)
                if current is not None:
                    current.void_at, replaces = utcnow(), current.number
            rows = []
            for offset, entry in enumerate(entries):
                seq = last - len(entries) + 1 + offset
                number = pattern.format(
                    seq=seq, roman_month=roman_month(today.month), year=today.year,
                    month=today.month,
                )  # fmt: skip
                rows.append(
                    IssuedDocument(
                        kind=kind, number=number, booking_id=booking_id, data=entry.data,
                        verify_code=entry.verify_code,
                        replaces=replaces,
                    )
                )  # fmt: skip
            session.add_all(rows)
            await session.flush()
            return [_issued(row, code) for row in rows]

    @staticmethod
    async def _take(session: AsyncSession, kind: str, year: int, count: int) -> int:
        """Advance the sequence by `count`, writing first (SQLite takes its write lock now,
        PostgreSQL locks the row until commit); the last number taken."""
        bumped = await session.scalar(
            update(DocumentSequence)
            .where(DocumentSequence.kind == kind, DocumentSequence.year == year)
            .values(last=DocumentSequence.last + count)
            .returning(DocumentSequence.last)
        )
        if bumped is not None:
            return int(bumped)
        session.add(DocumentSequence(kind=kind, year=year, last=count))
        await session.flush()  # a concurrent first number fails here: IntegrityError, retried
        return count

    @staticmethod
    async def _current(session: AsyncSession, kind: str, booking_id: int) -> IssuedDocument | None:
        return await session.scalar(
            select(IssuedDocument)
            .where(IssuedDocument.kind == kind, IssuedDocument.booking_id == booking_id,
                   IssuedDocument.void_at.is_(None))
            .order_by(IssuedDocument.id.desc())
            .limit(1)
        )  # fmt: skip

    async def current(self, kind: str, code: str) -> Issued | None:
        """The booking's valid document of this kind (the newest), if any."""
        async with self._sessions() as session:
            booking_id = await session.scalar(select(Booking.id).where(Booking.code == code))
            if booking_id is None:
                return None
            row = await self._current(session, kind, booking_id)
            return _issued(row, code) if row else None

    async def verified(self, verify_code: str) -> Issued | None:
        """The certificate with this verification code, if it exists."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(IssuedDocument, Booking.code)
                    .join(Booking, Booking.id == IssuedDocument.booking_id)
                    .where(IssuedDocument.verify_code == verify_code.upper())
                )
            ).first()
        return _issued(found[0], found[1]) if found else None

    async def of_booking(self, kind: str, code: str) -> list[Issued]:
        """Every document of this kind for a booking, oldest first (certificates of a visit)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(IssuedDocument)
                .join(Booking, Booking.id == IssuedDocument.booking_id)
                .where(IssuedDocument.kind == kind, Booking.code == code)
                .order_by(IssuedDocument.id)
            )
            return [_issued(row, code) for row in rows]
