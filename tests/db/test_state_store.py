"""Conversation state in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.core.state import ConversationState
from bot.db.migrate import upgrade
from bot.db.session import create_engine
from bot.db.state_store import SqlStateStore


async def test_state_round_trips_and_upserts(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        store = SqlStateStore(engine)
        assert await store.receive("telegram", "1", "halo") == ConversationState()
        state = ConversationState(flow="booking", slots={"participants": 27, "org": "Dinas 🙏"})
        await store.save("telegram", "1", state, ["Baik, Bapak/Ibu."])
        state.misses = 2
        await store.save("telegram", "1", state, ["Baik, Bapak/Ibu."])
        loaded = await store.receive("telegram", "1", "halo")
        assert loaded.slots == {"participants": 27, "org": "Dinas 🙏"}
        assert loaded.misses == 2
        assert await store.receive("whatsapp", "1", "halo") == ConversationState()
    finally:
        await engine.dispose()


async def test_state_is_shared_between_processes_engines(database_url: str) -> None:
    """Two engines stand for two bot processes on one database."""
    await upgrade(database_url)
    first, second = create_engine(database_url), create_engine(database_url)
    try:
        await SqlStateStore(first).save(
            "telegram", "9", ConversationState(step="offer_handoff"), []
        )
        loaded = await SqlStateStore(second).receive("telegram", "9", "halo")
        assert loaded.step == "offer_handoff"
    finally:
        await first.dispose()
        await second.dispose()


async def test_concurrent_saves_of_many_chats_all_land(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        store = SqlStateStore(engine)
        await asyncio.gather(
            *(
                store.save("telegram", str(i), ConversationState(misses=i % 3), [])
                for i in range(30)
            )
        )
        loaded = await asyncio.gather(
            *(store.receive("telegram", str(i), "halo") for i in range(30))
        )
        assert [s.misses for s in loaded] == [i % 3 for i in range(30)]
    finally:
        await engine.dispose()


def test_old_or_foreign_keys_in_stored_state_are_ignored() -> None:
    state = ConversationState.from_json({"flow": "x", "removed_field": 1})
    assert state.flow == "x"
