"""The real aiogram bot, polling the fake Telegram server, talking to the real Rasa server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher

from bot.app import App
from bot.channels.telegram.adapter import create_bot
from bot.config import Settings
from bot.core.booking import BookingRequest
from tests.fakes.telegram_server import FakeTelegram


@dataclass
class RunningBot:
    """What an end-to-end test needs: the fake server, the app and the aiogram objects."""

    server: FakeTelegram
    app: App
    bot: Bot
    dispatcher: Dispatcher


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, server: FakeTelegram) -> AsyncIterator[RunningBot]:
    """Start the whole bot in polling mode; stop it cleanly afterwards."""
    app = await App.create(settings)
    bot = create_bot(server.token, server.base_url)
    dispatcher = await app.telegram(bot)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    try:
        yield RunningBot(server, app, bot, dispatcher)
    finally:
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 10)
        await app.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def running(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    async with running_bot(settings, telegram) as bot:
        yield bot


def coop_tlm(
    start: date, days: int, chat: str, channel: str = "telegram", **changes: Any
) -> BookingRequest:
    """Coop TLM's request (Mama Yuli, 30 women from Kupang) for `days` days from `start`, made
    in `chat`; `changes` alter any other field."""
    request = BookingRequest(
        "Coop TLM", "koperasi", "Kupang, NTT", "Mama Yuli", "+6281300000000", 30, start, days,
        (), "", channel, chat, chat,
    )  # fmt: skip
    return replace(request, **changes)


async def wait_http(url: str, within: float = 30.0) -> None:
    """Wait until `url` answers (a bot process starting up)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(within * 10)):
            try:
                async with http.get(url) as response:
                    if response.status in {200, 503}:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")
