"""The booking service on SQLite and PostgreSQL: lifecycle, capacity, no overbooking."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.core.booking import BookingError, BookingRequest, BookingRules, DayFull, Status
from bot.db.migrate import upgrade
from bot.db.models import Booking, BookingEvent, VisitDay, utcnow
from bot.db.session import create_engine, session_factory
from bot.jobs.context import JobContext
from bot.jobs.expiry import expire_requests
from bot.services.booking import BookingService, Capacity

TODAY = date(2026, 11, 23)  # Monday
VISIT = date(2026, 12, 8)  # a Tuesday, past the 7-day lead time

REQUEST = BookingRequest(
    org_name="Dinas Koperasi dan UKM Sumatera Barat",
    org_kind="dinas",
    origin="Padang, Sumatera Barat",
    contact_name="Ibu Rina",
    contact_phone="+6281234567890",
    participants=27,
    start_date=VISIT,
    days=1,
    topics=("jawara",),
    notes="",
    channel="telegram",
    chat_id="100",
    user_id="100",
)


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[BookingService]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield BookingService(
            session_factory(engine),
            # Capacity is tested here, so one user may file many requests (the per-user
            # share is tests/security/test_abuse_limits.py's).
            BookingRules(
                lead_days=7, max_participants=100, max_pending_per_user=99, max_active_per_user=99
            ),
            Capacity(delegations=2, participants=60),
            today=lambda: TODAY,
        )
    finally:
        await engine.dispose()


async def test_request_approve_and_history(service: BookingService) -> None:
    booking = await service.request(REQUEST)
    assert booking.status is Status.PENDING
    assert len(booking.code) == 5
    assert not set(booking.code) & set("01OI")
    approved = await service.approve(booking.code.lower(), "staff:telegram:7")
    assert approved.status is Status.APPROVED
    assert approved.invite_code and len(approved.invite_code) == 8  # README, "Security"
    with pytest.raises(BookingError) as error:
        await service.decline(booking.code, "staff:telegram:7", "terlambat")
    assert error.value.key == "booking.wrong_status"
    async with service._sessions() as session:  # noqa: SLF001
        events = list(await session.scalars(select(BookingEvent.status).order_by(BookingEvent.id)))
    assert events == ["pending", "approved"]


async def test_decline_and_cancel_release_capacity(service: BookingService) -> None:
    first = await service.request(REQUEST)
    second = await service.request(replace(REQUEST, participants=30))
    assert not await service.free_days(VISIT, 1, 1)  # 2 delegations: full
    await service.decline(first.code, "staff:telegram:7", "bentrok acara")
    assert await service.free_days(VISIT, 1, 30)
    await service.cancel(second.code, "telegram:100")
    async with service._sessions() as session:  # noqa: SLF001
        day = await session.get(VisitDay, VISIT)
    assert day is not None
    assert (day.delegations, day.participants) == (0, 0)


async def test_full_day_offers_nearest_alternatives(service: BookingService) -> None:
    await service.request(REQUEST)
    await service.request(replace(REQUEST, participants=20))
    with pytest.raises(DayFull) as full:
        await service.request(REQUEST)
    assert full.value.day == VISIT
    assert full.value.alternatives == [date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 10)]
    assert all(day.weekday() != 6 for day in full.value.alternatives)  # no Sundays


async def test_participants_cap_per_day(service: BookingService) -> None:
    await service.request(replace(REQUEST, participants=50))
    with pytest.raises(DayFull):
        await service.request(replace(REQUEST, participants=11))
    assert (await service.request(replace(REQUEST, participants=10))).participants == 10


@pytest.mark.parametrize(
    ("start", "days", "key"),
    [
        (TODAY - timedelta(days=1), 1, "booking.date_past"),
        (TODAY + timedelta(days=3), 1, "booking.date_too_soon"),
        (date(2026, 12, 6), 1, "booking.date_closed"),  # Sunday
        (date(2026, 12, 5), 2, "booking.date_closed"),  # Saturday + Sunday
    ],
)
async def test_calendar_rules(service: BookingService, start: date, days: int, key: str) -> None:
    with pytest.raises(BookingError) as error:
        await service.request(replace(REQUEST, start_date=start, days=days))
    assert error.value.key == key


async def test_multi_day_visit_is_all_or_nothing(service: BookingService) -> None:
    await service.request(replace(REQUEST, start_date=date(2026, 12, 9), participants=40))
    with pytest.raises(DayFull):  # 27 + 40 > 60 on the 9th
        await service.request(replace(REQUEST, days=3))
    async with service._sessions() as session:  # noqa: SLF001
        day = await session.get(VisitDay, VISIT)
    assert day is None or day.delegations == 0  # the 8th was not left half-reserved


async def test_reschedule_keeps_code_and_goes_back_to_pending(service: BookingService) -> None:
    booking = await service.request(REQUEST)
    await service.approve(booking.code, "staff:telegram:7")
    moved = await service.reschedule(
        booking.code, date(2026, 12, 10), 2, "telegram:100",
        note=lambda old: f"moved from {old.start_date.isoformat()}",
    )  # fmt: skip
    assert (moved.code, moved.status, moved.start_date, moved.days) == (
        booking.code,
        Status.PENDING,
        date(2026, 12, 10),
        2,
    )
    assert await service.free_days(VISIT, 1, 60)
    async with service._sessions() as session:  # noqa: SLF001
        reasons = list(await session.scalars(select(BookingEvent.reason)))
    assert "moved from 2026-12-08" in reasons  # the caller's words, from the booking as it was


async def test_a_new_group_size_takes_capacity_again_and_goes_back_to_pending(
    service: BookingService,
) -> None:
    """Capacity 60 a day: 27 booked, then 35, then 60 (with another group of 20 on the day)
    does not fit and leaves the booking as it was."""
    booking = await service.request(REQUEST)
    await service.approve(booking.code, "staff:telegram:7")
    resized = await service.resize(
        booking.code, 35, "telegram:100", note=lambda old: f"was {old.participants}"
    )
    assert (resized.code, resized.status, resized.participants) == (
        booking.code, Status.PENDING, 35
    )  # fmt: skip
    assert await service.free_days(VISIT, 1, 25) and not await service.free_days(VISIT, 1, 26)
    await service.request(replace(REQUEST, participants=20, chat_id="200", user_id="200"))
    with pytest.raises(DayFull):
        await service.resize(booking.code, 41, "telegram:100", note=lambda old: "")
    kept = await service.get(booking.code)
    assert kept is not None and kept.participants == 35
    async with service._sessions() as session:  # noqa: SLF001
        taken = await session.scalar(select(VisitDay.participants).where(VisitDay.day == VISIT))
    assert taken == 35 + 20  # the failed change gave nothing back and took nothing
    with pytest.raises(BookingError) as error:
        await service.resize(booking.code, 101, "telegram:100", note=lambda old: "")
    assert error.value.key == "booking.participants_over"
    async with service._sessions() as session:  # noqa: SLF001
        reasons = list(await session.scalars(select(BookingEvent.reason)))
    assert "was 27" in reasons


async def test_a_new_contact_number_keeps_the_status_and_writes_the_history(
    service: BookingService,
) -> None:
    booking = await service.request(REQUEST)
    await service.approve(booking.code, "staff:telegram:7")
    changed = await service.recontact(booking.code, "+6281311112222", "telegram:100", note="n")
    assert (changed.contact_phone, changed.status) == ("+6281311112222", Status.APPROVED)
    async with service._sessions() as session:  # noqa: SLF001
        events = list(await session.scalars(select(BookingEvent.status).order_by(BookingEvent.id)))
    assert events == ["pending", "approved", "approved"]
    named = await service.recontact(
        booking.code, "+6281377001122", "telegram:100", note="n", name="Ibu Cut Nurul"
    )
    assert (named.contact_name, named.contact_phone) == ("Ibu Cut Nurul", "+6281377001122")
    await service.cancel(booking.code, "telegram:100")
    with pytest.raises(BookingError):
        await service.recontact(booking.code, "+6281311112222", "telegram:100", note="n")


async def test_only_the_requesters_chat_lists_its_bookings(service: BookingService) -> None:
    await service.request(REQUEST)
    assert len(await service.for_chat("telegram", "100")) == 1
    assert await service.for_chat("telegram", "999") == []


async def test_csv_export(service: BookingService) -> None:
    booking = await service.request(REQUEST)
    exported = (await service.export_csv()).decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("kode,status,lembaga")
    assert booking.code in exported


async def test_twenty_concurrent_requests_for_the_last_slot(service: BookingService) -> None:
    await service.request(replace(REQUEST, participants=10))  # one delegation left
    results = await asyncio.gather(
        *(service.request(replace(REQUEST, chat_id=str(i), participants=5)) for i in range(20)),
        return_exceptions=True,
    )
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DayFull)]
    assert (len(accepted), len(refused)) == (1, 19), results
    async with service._sessions() as session:  # noqa: SLF001
        day = await session.get(VisitDay, VISIT)
    assert day is not None
    assert (day.delegations, day.participants) == (2, 15)


async def test_a_stale_request_expires_by_the_job_not_by_reading(database_url: str) -> None:
    """Reading availability changes nothing; the request-expiry job expires a request left
    pending past its time, and its day is free again."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    service = BookingService(
        session_factory(engine),
        BookingRules(lead_days=7, max_participants=100),
        Capacity(delegations=1, participants=60),
        today=lambda: TODAY,
        pending_ttl=timedelta(days=3),
    )
    try:
        stale = await service.request(REQUEST)
        async with session_factory(engine)() as session, session.begin():
            await session.execute(
                update(Booking)
                .where(Booking.code == stale.code)
                .values(updated_at=utcnow() - timedelta(days=4))
            )
        assert not await service.free_days(VISIT, 1, 10)  # read: still held
        assert (await service.get(stale.code)).status is Status.PENDING  # type: ignore[union-attr]
        await expire_requests(jobs=JobContext(bookings=service))
        assert (await service.get(stale.code)).status is Status.EXPIRED  # type: ignore[union-attr]
        assert await service.free_days(VISIT, 1, 10)
    finally:
        await engine.dispose()
