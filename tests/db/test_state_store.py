"""Conversation state in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import event

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


async def test_sqlite_writes_take_turns_instead_of_racing_for_the_lock(tmp_path: Path) -> None:
    """On SQLite, a message's two transactions never overlap another's: connections racing
    for the one write lock sleep in SQLite's busy handler (docs/performance.md)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    await upgrade(url)
    engine = create_engine(url)
    open_now, most = 0, 0

    def began(_connection: object) -> None:
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)

    def ended(_connection: object) -> None:
        nonlocal open_now
        open_now -= 1

    event.listen(engine.sync_engine, "begin", began)
    event.listen(engine.sync_engine, "commit", ended)
    event.listen(engine.sync_engine, "rollback", ended)
    try:
        store = SqlStateStore(engine)

        async def turn(chat: str) -> None:
            state = await store.receive("telegram", chat, "halo")
            await store.save("telegram", chat, state, ["Baik, Bapak/Ibu."])

        await asyncio.gather(*(turn(str(i)) for i in range(40)))
        assert most == 1
    finally:
        await engine.dispose()
