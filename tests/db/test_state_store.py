"""Conversation state in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import Engine, event

from bot.core.state import ConversationState
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.db.state_store import SqlStateStore
from bot.db.transcript import MAX_LINE, SqlTranscript
from bot.services.handoff import EscalationService


@contextlib.asynccontextmanager
async def store_on(url: str) -> AsyncIterator[SqlStateStore]:
    """A store on its own engine (one bot process), closed with it."""
    engine = create_engine(url)
    store = SqlStateStore(engine)
    try:
        yield store
    finally:
        await store.close()
        await engine.dispose()


async def test_state_round_trips_and_upserts(database_url: str) -> None:
    await upgrade(database_url)
    async with store_on(database_url) as store:
        assert await store.receive("telegram", "1", "halo") == ConversationState()
        state = ConversationState(flow="booking", slots={"participants": 27, "org": "Dinas 🙏"})
        await store.save("telegram", "1", state, ["Baik, Bapak/Ibu."])
        state.misses = 2
        await store.save("telegram", "1", state, ["Baik, Bapak/Ibu.", "Silakan."])
        loaded = await store.receive("telegram", "1", "halo")
        assert loaded.slots == {"participants": 27, "org": "Dinas 🙏"}
        assert loaded.misses == 2
        assert await store.receive("whatsapp", "1", "halo") == ConversationState()


async def test_the_replies_lines_are_kept_in_order_with_the_state(database_url: str) -> None:
    """One statement on PostgreSQL (the upsert in a WITH, the lines from an array), a
    transaction on SQLite: either way every line, in order, long ones cut, none for none."""
    await upgrade(database_url)
    replies = ["Wa'alaikumsalam, Bapak/Ibu 🙏", "x" * 5000, "'); DROP TABLE transcript; --"]
    async with store_on(database_url) as store:
        await store.receive("telegram", "3", "assalamualaikum")
        await store.save("telegram", "3", ConversationState(misses=1), replies)
        await store.save("telegram", "3", ConversationState(misses=2), [])
        assert (await store.receive("telegram", "3", "halo")).misses == 2
    engine = create_engine(database_url)
    lines = await SqlTranscript(engine).recent("telegram", "3")
    await engine.dispose()
    assert lines[:-1] == [
        ("in", "assalamualaikum"),
        ("out", replies[0]),
        ("out", "x" * MAX_LINE),
        ("out", replies[2]),
    ]  # and the last "halo"


async def test_state_is_shared_between_processes_engines(database_url: str) -> None:
    """Two engines stand for two bot processes on one database."""
    await upgrade(database_url)
    async with store_on(database_url) as first, store_on(database_url) as second:
        await first.save("telegram", "9", ConversationState(step="offer_handoff"), [])
        loaded = await second.receive("telegram", "9", "halo")
        assert loaded.step == "offer_handoff"


async def test_concurrent_saves_of_many_chats_all_land(database_url: str) -> None:
    await upgrade(database_url)
    async with store_on(database_url) as store:
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


def test_old_or_foreign_keys_in_stored_state_are_ignored() -> None:
    state = ConversationState.from_json({"flow": "x", "removed_field": 1})
    assert state.flow == "x"


async def test_sqlite_writes_run_one_at_a_time_on_one_thread(tmp_path: Path) -> None:
    """On SQLite a message's two transactions never overlap another's, and each runs whole on
    one writer thread: connections racing for the one write lock sleep in SQLite's busy
    handler, and a transaction spread over trips to the event loop holds the lock across a
    busy loop (docs/performance.md)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    await upgrade(url)
    open_now, most, threads = 0, 0, set()

    def began(_connection: object) -> None:
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)
        threads.add(threading.current_thread().name)

    def ended(_connection: object) -> None:
        nonlocal open_now
        open_now -= 1

    listeners = (("begin", began), ("commit", ended), ("rollback", ended))
    for name, listener in listeners:
        event.listen(Engine, name, listener)  # every engine's, the writer's own included
    try:
        async with store_on(url) as store:

            async def turn(chat: str) -> None:
                state = await store.receive("telegram", chat, "halo")
                await store.save("telegram", chat, state, ["Baik, Bapak/Ibu."])

            await asyncio.gather(*(turn(str(i)) for i in range(40)))
            assert most == 1
            assert len(threads) == 1 and threads.pop().startswith("sqlite-writer")
            assert (await store.receive("telegram", "39", "lagi")) == ConversationState()
    finally:
        for name, listener in listeners:
            event.remove(Engine, name, listener)


async def test_reading_the_state_tells_whether_staff_have_the_chat(database_url: str) -> None:
    """The state comes with whether a handoff of the chat is open, so the engine looks the
    handoff up only then; in a group, the chat's handoff counts for each member's state."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    escalations = EscalationService(session_factory(engine))
    async with store_on(database_url) as store:
        assert not (await store.receive("telegram", "5", "halo")).staffed
        escalation, _ = await escalations.open("telegram", "5", "Bu Rina")
        assert (await store.receive("telegram", "5", "mohon dibantu")).staffed
        assert (await store.receive("telegram", "5/77", "x", handoffs_of="5")).staffed
        assert not (await store.receive("whatsapp", "5", "halo")).staffed
        await escalations.close(escalation.id)
        assert not (await store.receive("telegram", "5", "terima kasih")).staffed
    await engine.dispose()
