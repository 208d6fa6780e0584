"""Browser tests of the desk: Debian's chromium, driven by Playwright, against the real bot
process (`python -m bot`), the fake Telegram server and the real database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ROOT
from bot.core.booking import BookingRules
from bot.db.session import create_engine, session_factory
from bot.services.booking import BookingService, Capacity
from tests.conftest import RASA_TOKEN, free_port
from tests.e2e.conftest import telegram, wait_http
from tests.fakes.telegram_server import FakeTelegram

__all__ = ["telegram"]
STAFF_GROUP, STAFF, OUTSIDER = -100888, 77, 79
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the machine's own probe starts it: no sandbox (root), and none of Chromium's calls home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LINK = re.compile(r"https?://\S+/desk/masuk/\S+")
WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class BotProcess:
    """`python -m bot` with a staff group and the desk, and what the test reaches it by."""

    url: str
    telegram: FakeTelegram
    database: AsyncEngine
    bookings: BookingService
    push_at: datetime  # when today's agenda push runs (venue time)


def _today() -> date:
    return datetime.now(WIB).date()


@pytest.fixture
async def bot_process(
    database_url: str, rasa_url: str, telegram: FakeTelegram, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    """The bot as operators run it. Today is open for visits with no lead time, and today's
    agenda push runs 45 s after start, so a test can watch an edit reach participants."""
    port = free_port()
    push_at = datetime.now(WIB) + timedelta(seconds=45)
    holidays = tmp_path / "holidays.yml"
    holidays.write_text("{}\n")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "DATABASE_URL": database_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "HTTP_PORT": str(port),
        "STAFF_CHAT_ID": str(STAFF_GROUP),
        "STAFF_USER_IDS": str(STAFF),
        "DESK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "BOOKING_LEAD_DAYS": "0",
        "CLOSED_WEEKDAYS": str((_today().weekday() + 3) % 7),
        "HOLIDAYS_FILE": str(holidays),
        "AGENDA_PUSH_TIME": push_at.strftime("%H:%M:%S"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    database = create_engine(database_url)
    try:
        await wait_http(f"http://127.0.0.1:{port}/healthz")
        rules = BookingRules(lead_days=0, closed_weekdays=frozenset(), holidays={})
        bookings = BookingService(session_factory(database), rules, Capacity(), _today)
        yield BotProcess(f"http://127.0.0.1:{port}", telegram, database, bookings, push_at)
    finally:
        await database.dispose()
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        if process.returncode != 0:
            print(output.decode()[-3000:])  # noqa: T201 (shown when the test fails)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240, PTH110 (one stat, before any await)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (run the tests through `make test`)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def ask_link(telegram: FakeTelegram, user: int = STAFF) -> str:
    """/desk in the staff group; the link the bot sends to the person privately."""
    before = len(telegram.sent(user))
    await telegram.send_text(STAFF_GROUP, "/desk", user_id=user, chat_type="supergroup")
    sent = await telegram.wait_for(user, before + 1)
    found = LINK.search(sent[-1].params["text"])
    assert found, sent[-1].params["text"]
    return found.group(0)


@contextlib.asynccontextmanager
async def staff_page(browser: Browser, bot: BotProcess) -> AsyncIterator[Page]:
    """A browser tab logged in to the desk by the link the bot sent."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(await ask_link(bot.telegram))
        await page.get_by_role("button", name="Masuk").click()
        await page.wait_for_url("**/desk/kalender")
        yield page
    finally:
        await context.close()
