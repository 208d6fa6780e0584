"""Database faults in the middle of a booking: the user is asked to try again, nothing is half
written, and trying again works (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.core.answers import Answers
from bot.core.keywords import KeywordMatcher
from bot.core.texts import Texts
from bot.db.models import Booking, BookingEvent
from tests.core.test_booking_flow import ONE_MESSAGE, World, make_world


@pytest.fixture
async def world(
    database_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> AsyncIterator[World]:
    async with make_world(database_url, answers, texts, keywords) as built:
        yield built


async def up_to_the_summary(world: World) -> None:
    await world.say(ONE_MESSAGE.replace("13 Juni", "14 Juni"))
    for answer in ("Padang", "1 hari", "jawara", "Ibu Rina", "081234567890"):
        await world.say(answer)
    replies = await world.say("tidak ada")
    assert "Kirim" in replies[-1].text


async def counts(world: World) -> tuple[int, int]:
    async with world.database.connect() as connection:
        bookings = await connection.scalar(select(func.count()).select_from(Booking))
        events = await connection.scalar(select(func.count()).select_from(BookingEvent))
    return int(bookings or 0), int(events or 0)


@pytest.mark.parametrize("failing", ["INSERT INTO booking_events", "COMMIT"])
async def test_connection_lost_mid_transaction_loses_nothing(world: World, failing: str) -> None:
    await up_to_the_summary(world)
    broken = {"armed": True}

    def drop(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if broken["armed"] and statement.lstrip().upper().startswith(failing.upper()):
            broken["armed"] = False
            raise OperationalError(statement, {}, ConnectionResetError("connection dropped"))

    def drop_commit(conn: Any) -> None:
        if broken["armed"]:
            broken["armed"] = False
            raise OperationalError("COMMIT", {}, ConnectionResetError("connection dropped"))

    sync_engine = world.database.sync_engine
    if failing == "COMMIT":
        event.listen(sync_engine, "commit", drop_commit)
    else:
        event.listen(sync_engine, "before_cursor_execute", drop)
    try:
        replies = await world.say("kirim")
    finally:
        if failing == "COMMIT":
            event.remove(sync_engine, "commit", drop_commit)
        else:
            event.remove(sync_engine, "before_cursor_execute", drop)
    assert replies[0].text == world.texts("error.internal")  # "silakan coba beberapa saat lagi"
    assert await counts(world) == (0, 0)  # no half-written booking
    assert world.notifier.sent == []  # staff were not told about a booking that does not exist

    replies = await world.say("kirim")  # the conversation kept its place: trying again works
    assert "kode pendaftaran" in replies[-1].text
    assert (await counts(world))[0] == 1
