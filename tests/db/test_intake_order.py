"""Several bot processes on one database: one chat's updates are handled one at a time, in the
order they arrived, once each, whichever process received them; a dead process's updates are
taken over."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.chat_locks import ChatLocks
from bot.db.inbox import SqlInbox
from bot.db.migrate import upgrade
from bot.db.models import InboxUpdate, utcnow
from bot.db.session import create_engine, session_factory
from bot.intake import STALE_SECONDS, WATCH_SECONDS, Intake
from bot.web import telegram_chat
from tests.conftest import fresh_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
async def engines() -> AsyncIterator[list[AsyncEngine]]:
    """Three "processes": each its own engine (pool, connections) on one PostgreSQL database
    (several processes share PostgreSQL, never a SQLite file)."""
    async with fresh_postgres_database() as url:
        await upgrade(url)
        made = [create_engine(url) for _ in range(3)]
        try:
            yield made
        finally:
            for engine in made:
                await engine.dispose()


def update_of(chat: int, n: int) -> dict[str, Any]:
    return {"update_id": chat * 1000 + n, "message": {"chat": {"id": chat}, "text": str(n)}}


async def test_a_chat_is_handled_in_order_once_whichever_process_took_it(
    engines: list[AsyncEngine],
) -> None:
    handled: dict[int, list[int]] = {}
    busy: set[int] = set()

    async def handler(payload: Any) -> None:
        chat = payload["message"]["chat"]["id"]
        assert chat not in busy, "two processes handled one chat at once"
        busy.add(chat)
        await asyncio.sleep(random.uniform(0, 0.01))  # noqa: S311 (timing, not secrets)
        handled.setdefault(chat, []).append(int(payload["message"]["text"]))
        busy.discard(chat)

    intakes = []
    for engine in engines:
        intake = Intake(SqlInbox(engine), ChatLocks(engine))
        intake.register("telegram", handler, telegram_chat)
        intakes.append(intake)
    chats, messages = range(1, 21), range(10)
    for n in messages:  # each message of each chat reaches a random process, all at once
        await asyncio.gather(*(
            random.choice(intakes).accept("telegram", str(update_of(chat, n)["update_id"]),  # noqa: S311
                                          update_of(chat, n))
            for chat in chats
        ))  # fmt: skip
    for intake in intakes:
        assert await intake.drain(30)
    assert handled == {chat: list(messages) for chat in chats}


async def test_a_dead_processs_updates_are_taken_over(engines: list[AsyncEngine]) -> None:
    handled: list[Any] = []

    async def handler(payload: Any) -> None:
        handled.append(payload)

    dead = SqlInbox(engines[0])
    await dead.store("telegram", "1", '{"update_id": 1}', "42")  # stored, acknowledged, died
    sessions = session_factory(engines[1])
    async with sessions.begin() as session:
        await session.execute(
            update(InboxUpdate).values(received_at=utcnow() - timedelta(minutes=1))
        )
    survivor = Intake(SqlInbox(engines[1]), ChatLocks(engines[1]))
    survivor.register("telegram", handler, telegram_chat)
    assert await survivor.replay("telegram") == 1  # on start: what the dead one left
    assert handled == [{"update_id": 1}]
    # while running: another process stores an update and dies before handling it
    await dead.store("telegram", "2", '{"update_id": 2}', "43")
    for _ in range(int((STALE_SECONDS + WATCH_SECONDS) * 10) + 30):
        if len(handled) == 2:
            break
        await asyncio.sleep(0.1)
    assert handled == [{"update_id": 1}, {"update_id": 2}]
    assert await survivor.drain(5)
