"""The desk served by the real bot (polling the fake Telegram server) on a loopback port."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.config import Settings
from bot.desk.setup import add_desk
from bot.documents.verify import add_verification
from bot.web import build_app, runner_for
from tests.conftest import free_port
from tests.e2e.conftest import RunningBot, running_bot, telegram
from tests.fakes.telegram_server import FakeTelegram

STAFF_GROUP, STAFF, OUTSIDER = -100777, 77, 79
__all__ = ["telegram"]  # the fake Telegram server fixture, shared with tests/e2e
LINK = re.compile(r"https?://\S+/desk/masuk/\S+")


@dataclass
class DeskSite:
    """The running bot, its desk's address, and the fake Telegram server."""

    bot: RunningBot
    url: str

    @property
    def telegram(self) -> FakeTelegram:
        return self.bot.server


@pytest.fixture
def desk_settings(settings: Settings) -> Settings:
    port = free_port()
    return settings.model_copy(
        update={
            "staff_chat_id": STAFF_GROUP,
            "staff_user_ids": [STAFF],
            "http_port": port,
            "desk_public_url": f"http://127.0.0.1:{port}",
        }
    )


@pytest.fixture
async def site(desk_settings: Settings, telegram: FakeTelegram) -> AsyncIterator[DeskSite]:
    desk_settings = desk_settings.model_copy(
        update={"telegram_bot_token": SecretStr(telegram.token)}
    )
    async with running_bot(desk_settings, telegram) as running:
        assert running.app.web_desk is not None
        web_app = build_app(running.app.health)
        add_desk(web_app, running.app.web_desk)
        add_verification(web_app, running.app.paperwork)
        runner = runner_for(web_app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", desk_settings.http_port).start()
        try:
            yield DeskSite(running, str(desk_settings.desk_public_url))
        finally:
            await runner.cleanup()


def browser() -> aiohttp.ClientSession:
    """An HTTP client that keeps cookies as a browser does (also those of 127.0.0.1)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def login_link(telegram: FakeTelegram, user: int = STAFF, in_group: bool = True) -> str:
    """Ask the bot for a desk link with /desk; the link it sends privately."""
    before = len(telegram.sent(user))
    if in_group:
        await telegram.send_text(STAFF_GROUP, "/desk", user_id=user, chat_type="supergroup")
    else:
        await telegram.send_text(user, "/desk")
    sent = await telegram.wait_for(user, before + 1)
    found = LINK.search(sent[-1].params["text"])
    assert found, sent[-1].params["text"]
    return found.group(0)


async def logged_in(site: DeskSite, http: aiohttp.ClientSession) -> str:
    """Log `http` in as staff; returns the CSRF token of its session."""
    link = await login_link(site.telegram)
    async with http.post(link, allow_redirects=True) as response:
        assert response.status == 200, await response.text()
        page = await response.text()
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, page
    return token.group(1)
