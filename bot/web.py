"""The bot's one aiohttp application: health check and channel webhooks share it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HealthCheck = Callable[[], Awaitable[dict[str, Any]]]
_background: set[asyncio.Task[None]] = set()


def build_app(health: HealthCheck) -> web.Application:
    """The application with `/healthz`; channels add their webhook routes."""
    app = web.Application(client_max_size=2 * 1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        report = await health()
        return web.json_response(report, status=200 if report.get("status") == "ok" else 503)

    app.router.add_get("/healthz", healthz)
    return app


def add_telegram_webhook(
    app: web.Application, dispatcher: Dispatcher, bot: Bot, secret: str
) -> None:
    """Serve Telegram's webhook; a request without the right secret token gets 403."""

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            log.warning("forged Telegram webhook call from %s rejected", request.remote)
            return web.json_response({"ok": False}, status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid JSON"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"ok": False, "error": "expected an object"}, status=400)
        task = asyncio.create_task(_feed(dispatcher, bot, update))
        _background.add(task)
        task.add_done_callback(_background.discard)
        return web.json_response({"ok": True})

    app.router.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook)


async def _feed(dispatcher: Dispatcher, bot: Bot, update: dict[str, Any]) -> None:
    """Process one update after answering Telegram, so a slow reply never causes a redelivery."""
    try:
        await dispatcher.feed_raw_update(bot, update)
    except Exception:
        log.exception("Telegram update %s could not be processed", update.get("update_id"))
