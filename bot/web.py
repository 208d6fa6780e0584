"""The bot's one aiohttp application: health check and channel webhooks share it."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.webhook import SIGNATURE_HEADER, signature_valid

if TYPE_CHECKING:  # aiogram is imported by the Telegram channel (bot.channels.telegram)
    from aiogram import Bot, Dispatcher

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WHATSAPP_WEBHOOK_PATH = "/webhooks/whatsapp"
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
        _in_background(_feed(dispatcher, bot, update))
        return web.json_response({"ok": True})

    app.router.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook)


def add_whatsapp_webhook(
    app: web.Application, channel: WhatsAppChannel, verify_token: str, app_secret: str
) -> None:
    """Serve Meta's webhook: GET verification, signed POSTs (anything unsigned gets 403)."""

    async def verify(request: web.Request) -> web.Response:
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and secrets.compare_digest(
            token.encode(), verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        log.warning("WhatsApp webhook verification with a wrong token from %s", request.remote)
        return web.Response(status=403, text="forbidden")

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_valid(body, request.headers.get(SIGNATURE_HEADER), app_secret):
            log.warning(
                "unsigned or forged WhatsApp webhook call from %s rejected", request.remote
            )
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="invalid JSON")
        # Meta wants a quick 200 (or it redelivers); ids make a redelivery harmless anyway.
        _in_background(_receive(channel, payload))
        return web.Response(text="ok")

    app.router.add_get(WHATSAPP_WEBHOOK_PATH, verify)
    app.router.add_post(WHATSAPP_WEBHOOK_PATH, receive)


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _receive(channel: WhatsAppChannel, payload: Any) -> None:
    try:
        await channel.receive(payload)
    except Exception:
        log.exception("WhatsApp webhook payload could not be processed")


async def _feed(dispatcher: Dispatcher, bot: Bot, update: dict[str, Any]) -> None:
    """Process one update after answering Telegram, so a slow reply never causes a redelivery."""
    try:
        await dispatcher.feed_raw_update(bot, update)
    except Exception:
        log.exception("Telegram update %s could not be processed", update.get("update_id"))
