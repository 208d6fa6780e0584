"""Webhook mode, /healthz, and `python -m bot` run as operators run it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from functools import partial

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.channels.telegram.adapter import create_bot
from bot.config import ROOT, Settings
from bot.web import (
    TELEGRAM,
    TELEGRAM_SECRET_HEADER,
    TELEGRAM_WEBHOOK_PATH,
    add_telegram_webhook,
    build_app,
    feed_telegram,
    runner_for,
    telegram_chat,
)
from tests.conftest import RASA_TOKEN, free_port
from tests.e2e.conftest import wait_http
from tests.fakes.telegram_server import FakeTelegram

SECRET = "s3cret-Token_42"


@pytest.fixture
async def webhook_server(
    settings: Settings, telegram: FakeTelegram
) -> AsyncIterator[tuple[str, FakeTelegram]]:
    app = await App.create(settings)
    bot = create_bot(telegram.token, telegram.base_url)
    web_app = build_app(app.health)
    app.intake.register(
        TELEGRAM, partial(feed_telegram, await app.telegram(bot), bot), telegram_chat
    )
    add_telegram_webhook(web_app, app.intake, SECRET)
    runner = runner_for(web_app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", telegram
    finally:
        await runner.cleanup()
        await bot.session.close()
        await app.close()


async def test_webhook_with_the_secret_is_processed(
    webhook_server: tuple[str, FakeTelegram],
) -> None:
    url, telegram = webhook_server
    update = {"update_id": 1, "message": telegram.message(777, text="halo")}
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            url + TELEGRAM_WEBHOOK_PATH, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}
        )
        assert response.status == 200
    (call,) = await telegram.wait_for(777, 1)
    assert "selamat datang" in call.params["text"].lower()


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET + "x", SECRET.lower()])
async def test_forged_webhook_calls_are_rejected(
    webhook_server: tuple[str, FakeTelegram], header: str | None
) -> None:
    url, telegram = webhook_server
    update = {"update_id": 2, "message": telegram.message(778, text="halo")}
    headers = {TELEGRAM_SECRET_HEADER: header} if header is not None else {}
    async with aiohttp.ClientSession() as http:
        response = await http.post(url + TELEGRAM_WEBHOOK_PATH, json=update, headers=headers)
    assert response.status == 403
    await asyncio.sleep(0.3)
    assert telegram.sent(778) == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"update_id": "x", "message": 5}'])
async def test_malformed_webhook_bodies_do_not_crash(
    webhook_server: tuple[str, FakeTelegram], body: bytes
) -> None:
    url, telegram = webhook_server
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            url + TELEGRAM_WEBHOOK_PATH,
            data=body,
            headers={TELEGRAM_SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert response.status in {200, 400}
        health = await http.get(url + "/healthz")
        assert (await health.json())["status"] == "ok"


async def test_healthz_reports_database_and_nlu(webhook_server: tuple[str, FakeTelegram]) -> None:
    url, _ = webhook_server
    async with aiohttp.ClientSession() as http:
        response = await http.get(url + "/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok", "nlu": "ok"}


async def test_python_m_bot_runs_telegram_from_the_environment(
    rasa_url: str, telegram: FakeTelegram, tmp_path
) -> None:  # noqa: ANN001
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "HTTP_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await wait_http(f"http://127.0.0.1:{port}/healthz")
        await telegram.send_text(31337, "berapa biaya studi banding?")
        (call,) = await telegram.wait_for(31337, 1)
        assert "biaya" in call.params["text"].lower()
        assert telegram.sent(method="deleteWebhook")  # polling: no webhook left behind
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()[-2000:]


async def test_python_m_bot_console_chat(rasa_url: str, tmp_path) -> None:  # noqa: ANN001
    env = {
        **{k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}",
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "HTTP_PORT": str(free_port()),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    output, errors = await asyncio.wait_for(
        process.communicate(b"halo\n4\nalamatnya dimana?\n"), 60
    )
    text = output.decode()
    assert process.returncode == 0, errors.decode()[-2000:]
    assert text.count("selamat datang") == 2  # /start at launch, then "halo"
    assert "1. Info kunjungan" in text
    assert "Sehnuri" in text  # "4" pressed the Kontak button
    assert "Tangerang" in text


async def test_broken_knowledge_file_stops_start_up_clearly(tmp_path) -> None:  # noqa: ANN001
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for path in (ROOT / "data" / "knowledge").glob("*.yml"):
        (knowledge / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (knowledge / "visit.yml").write_text("info:\n  text: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "KNOWLEDGE_DIR": str(knowledge), "HTTP_PORT": str(free_port())}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "visit.yml line" in errors.decode()
