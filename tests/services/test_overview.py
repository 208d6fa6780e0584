"""What the desk reads, on SQLite and PostgreSQL: a period's visits, history, participants
with their pushes, the year's figures, login links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.booking import BookingRules
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage
from bot.db.session import create_engine, session_factory
from bot.services.booking import BookingService, Capacity
from bot.services.desk_links import DeskLinks
from bot.services.overview import Overview
from bot.services.visits import VisitService
from tests.services.test_booking_service import REQUEST, TODAY, VISIT


@dataclass
class World:
    database: AsyncEngine
    bookings: BookingService
    visits: VisitService
    overview: Overview


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    await upgrade(database_url)
    database = create_engine(database_url)
    sessions = session_factory(database)
    rules = BookingRules(lead_days=7, max_pending_per_user=99, max_active_per_user=99)
    try:
        yield World(
            database,
            BookingService(sessions, rules, Capacity(2, 60), today=lambda: TODAY),
            VisitService(sessions, {}),
            Overview(sessions),
        )
    finally:
        await database.dispose()


async def test_between_history_and_members(world: World) -> None:
    two_days = await world.bookings.request(replace(REQUEST, days=2, chat_id="1"))
    later = await world.bookings.request(
        replace(REQUEST, start_date=VISIT + timedelta(days=7), chat_id="2")
    )
    await world.bookings.approve(two_days.code, "desk:7:Rina")
    await world.bookings.cancel(later.code, "telegram:2")
    # a visit that started the day before the period still shows in it
    shown = await world.overview.between(VISIT + timedelta(days=1), VISIT + timedelta(days=30))
    assert [view.code for view in shown] == [two_days.code]
    history = await world.overview.history(two_days.code.lower())
    assert [(line.status, line.actor) for line in history] == [
        ("pending", "telegram:100"),
        ("approved", "desk:7:Rina"),
    ]
    await world.visits.join(two_days.code, "telegram", "501", "Yuli")
    async with world.database.begin() as connection:
        await connection.execute(insert(OutboxMessage), [
            {"key": f"agenda:{two_days.code}:2026-12-08:telegram:501", "channel": "telegram",
             "chat_id": "501", "text": "agenda", "status": "sent"},
            {"key": f"agenda:{two_days.code}X:2026-12-08:telegram:501", "channel": "telegram",
             "chat_id": "501", "text": "another visit's", "status": "sent"},
            {"key": f"booking:{two_days.code}:approved:1", "channel": "telegram",
             "chat_id": "100", "text": "to the requester", "status": "sent"},
        ])  # fmt: skip
    (member,) = await world.overview.members(two_days.code)
    assert (member.name, member.channel) == ("Yuli", "telegram")
    assert [push.key.split(":")[0] for push in member.pushes] == ["agenda"]
    assert member.pushes[0].status == "sent"


async def test_year_figures_are_counted_by_the_database(world: World) -> None:
    padang = await world.bookings.request(replace(REQUEST, chat_id="1"))
    kupang = await world.bookings.request(
        replace(REQUEST, org_name="Coop TLM", org_kind="koperasi", origin="Kupang, NTT",
                participants=30, start_date=VISIT + timedelta(days=31), chat_id="2")
    )  # fmt: skip
    pending = await world.bookings.request(replace(REQUEST, chat_id="3", participants=5))
    for booking in (padang, kupang):
        await world.bookings.approve(booking.code, "desk:7:Rina")
    for chat, rating, comment in (("a", 5, "Sangat bermanfaat"), ("b", 4, ""), ("c", 3, "")):
        await world.visits.record_feedback(padang.code, "telegram", chat, rating, comment)
    figures = await world.overview.year(VISIT.year)
    # December: Padang's approved visit; the pending request that month is not counted
    assert pending.start_date.month == 12
    assert figures.delegations[12] == 1 and figures.participants[12] == 27
    january = await world.overview.year(VISIT.year + 1)
    assert january.delegations[1] == 1 and january.by_province == {"NTT": 1}
    assert figures.by_province == {"Sumatera Barat": 1} and figures.by_kind == {"dinas": 1}
    assert figures.ratings == {5: 1, 4: 1, 3: 1}
    assert figures.per_visit == {padang.code: (REQUEST.org_name, 4.0, 3)}
    assert figures.comments == [(padang.code, 5, "Sangat bermanfaat")]


async def test_a_login_link_works_once_and_not_after_ten_minutes(world: World) -> None:
    clock = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    links = DeskLinks(session_factory(world.database), now=lambda: clock[0])
    token = await links.issue("77", "Rina")
    assert await links.valid(token)
    assert await links.redeem(token) == ("77", "Rina")
    assert await links.redeem(token) is None
    stale = await links.issue("77", "Rina")
    clock[0] += timedelta(minutes=10, seconds=1)
    assert not await links.valid(stale)
    assert await links.redeem(stale) is None
    assert await links.redeem("made-up") is None
