"""The WhatsApp channel's SQL: redelivery dedupe, the 24-hour window, statuses (both DBs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.whatsapp.store import WhatsAppStore
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory

WA = "6281277770000"


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[WhatsAppStore]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield WhatsAppStore(session_factory(engine))
    finally:
        await engine.dispose()


async def test_a_message_counts_as_handled_once_marked(store: WhatsAppStore) -> None:
    assert not await store.handled("wamid.A")
    await store.mark_handled("wamid.A")
    await store.mark_handled("wamid.A")  # a second mark is harmless
    assert await store.handled("wamid.A")
    assert not await store.handled("wamid.B")
    await store.forget_before(datetime.now(UTC) + timedelta(seconds=1))
    assert not await store.handled("wamid.A")


async def test_the_window_is_24_hours_from_the_latest_message(store: WhatsAppStore) -> None:
    now = datetime.now(UTC)
    assert not await store.window_open(WA, now)
    await store.saw(WA, "Rina", now - timedelta(hours=23))
    assert await store.window_open(WA, now)
    assert not await store.window_open(WA, now + timedelta(hours=1, seconds=1))
    await store.saw(WA, "Rina", now - timedelta(hours=30))  # an older, late message: no effect
    assert await store.window_open(WA, now)
    await store.saw(WA, "Rina", now)
    assert await store.window_open(WA, now + timedelta(hours=23))


async def test_statuses_only_move_forward(store: WhatsAppStore) -> None:
    now = datetime.now(UTC)
    await store.sent(WA, "agenda:K1", "text", "wamid.OUT1")
    await store.sent(WA, "staff_reply", "template", None, "di luar jendela 24 jam")
    assert await store.status("wamid.OUT1", "delivered", now)
    assert await store.status("wamid.OUT1", "read", now)
    assert not await store.status("wamid.OUT1", "delivered", now)
    assert not await store.status("wamid.UNKNOWN", "read", now)
    assert not await store.status("wamid.OUT1", "deleted", now)
    first, second = await store.outbound(WA)
    assert (first.status, first.tag) == ("read", "agenda:K1")
    assert (second.status, second.wamid, second.error) == (
        "not_sent",
        None,
        "di luar jendela 24 jam",
    )
