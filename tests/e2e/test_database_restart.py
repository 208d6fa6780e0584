"""A PostgreSQL restart in the middle of conversations costs no message: every connection the
bot holds is dropped by the server, and the next messages are answered as if nothing happened.

The bot does not ping a connection before each use (docs/performance.md); this is what makes
that safe. Dropping the connections is what a restart does to them: `pg_terminate_backend`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.core.texts import Texts
from tests.conftest import RASA_TOKEN, fresh_postgres_database, postgres_url
from tests.databases import connect_admin
from tests.e2e.conftest import running_bot
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.postgres

CHATS = range(7100, 7110)


@pytest.fixture
async def postgres_settings(rasa_url: str) -> AsyncIterator[Settings]:
    async with fresh_postgres_database() as url:
        yield Settings(database_url=url, rasa_url=rasa_url, rasa_token=RASA_TOKEN, _env_file=None)


async def everyone_asks(server: FakeTelegram, text: str) -> list[str]:
    """Every chat sends `text` at once; the last answer of each."""
    before = {chat: len(server.sent(chat)) for chat in CHATS}
    await asyncio.gather(*(server.send_text(chat, text) for chat in CHATS))
    answers = []
    for chat in CHATS:
        calls = await server.wait_for(chat, before[chat] + 1)
        answers.append(calls[-1].params["text"])
    return answers


async def drop_connections(database_url: str) -> int:
    """What a server restart does to the bot's connections; how many there were."""
    admin = await connect_admin(postgres_url())
    try:
        name = database_url.rsplit("/", 1)[1]
        return len(
            await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                name,
            )
        )
    finally:
        await admin.close()


async def test_dropped_connections_cost_no_message(
    postgres_settings: Settings, telegram: FakeTelegram, texts: Texts
) -> None:
    async with running_bot(postgres_settings, telegram) as running:
        first = await everyone_asks(running.server, "xkcd qwpo zzvb")  # one miss each
        assert all(texts("error.internal") not in answer for answer in first)

        assert await drop_connections(postgres_settings.database_url) >= 2

        second = await everyone_asks(running.server, "blorp fnord quux")
        assert all(texts("error.internal") not in answer for answer in second)
        assert all("petugas" in answer for answer in second)  # the second miss: state was kept
