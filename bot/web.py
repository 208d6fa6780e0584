"""The bot's one aiohttp application: health check and channel webhooks share it."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.whatsapp.webhook import CHANNEL, SIGNATURE_HEADER, signature_valid
from bot.intake import Intake

if TYPE_CHECKING:  # aiogram is imported by the Telegram channel (bot.channels.telegram)
    from aiogram import Bot, Dispatcher

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WHATSAPP_WEBHOOK_PATH = "/webhooks/whatsapp"
TELEGRAM = "telegram"
HealthCheck = Callable[[], Awaitable[dict[str, Any]]]
# A request must arrive whole within this; an idle or half-sent connection is closed after
# IDLE_SECONDS (aiohttp's keep-alive timer also runs before the first request).
REQUEST_SECONDS = 20.0
IDLE_SECONDS = 15.0


def build_app(health: HealthCheck) -> web.Application:
    """The application with `/healthz`; channels add their webhook routes."""
    app = web.Application(client_max_size=2 * 1024 * 1024, middlewares=[_time_limit])

    async def healthz(_request: web.Request) -> web.Response:
        report = await health()
        return web.json_response(report, status=200 if report.get("status") == "ok" else 503)

    app.router.add_get("/healthz", healthz)
    return app


@web.middleware
async def _time_limit(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A slow client (a body trickling in) cannot hold a connection and a handler."""
    try:
        async with asyncio.timeout(REQUEST_SECONDS):
            return await handler(request)
    except TimeoutError:
        return web.Response(status=408, text="request timeout")


def runner_for(app: web.Application) -> web.AppRunner:
    """The app's runner, with the idle timeout that closes slow or silent connections."""
    return web.AppRunner(app, access_log=None, keepalive_timeout=IDLE_SECONDS)


def add_telegram_webhook(app: web.Application, intake: Intake, secret: str) -> None:
    """Serve Telegram's webhook; a request without the right secret token gets 403, an update
    is acknowledged only once it is stored (503 when it cannot be, so Telegram resends)."""

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            log.warning("forged Telegram webhook call from %s rejected", request.remote)
            return web.json_response({"ok": False}, status=403)
        body = await request.read()
        try:
            update = json.loads(body)
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid JSON"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"ok": False, "error": "expected an object"}, status=400)
        update_id = update.get("update_id")
        key = str(update_id) if isinstance(update_id, int) else _digest(body)
        if not await _accepted(intake, TELEGRAM, key, update):
            return web.json_response({"ok": False, "error": "try again"}, status=503)
        return web.json_response({"ok": True})

    app.router.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook)


def add_whatsapp_webhook(
    app: web.Application, intake: Intake, verify_token: str, app_secret: str
) -> None:
    """Serve Meta's webhook: GET verification, signed POSTs (anything unsigned gets 403),
    acknowledged once stored."""

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
        if not await _accepted(intake, CHANNEL, _digest(body), payload):
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")

    app.router.add_get(WHATSAPP_WEBHOOK_PATH, verify)
    app.router.add_post(WHATSAPP_WEBHOOK_PATH, receive)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def _accepted(intake: Intake, channel: str, key: str, payload: Any) -> bool:
    """Whether the update is stored (and so may be acknowledged)."""
    try:
        await intake.accept(channel, key, payload)
    except Exception:  # the database is down: the sender must try again later
        log.exception("%s update not stored", channel)
        return False
    return True


def telegram_chat(update: Any) -> str:
    """The chat a Telegram update belongs to ("" when it names none)."""
    if not isinstance(update, dict):
        return ""
    for field in ("message", "edited_message", "channel_post", "callback_query",
                  "my_chat_member", "chat_member"):  # fmt: skip
        part = update.get(field)
        if isinstance(part, dict):
            message = part.get("message") if field == "callback_query" else part
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
            sender = part.get("from")
            if isinstance(sender, dict) and "id" in sender:
                return str(sender["id"])
    return ""


async def feed_telegram(dispatcher: Dispatcher, bot: Bot, update: dict[str, Any]) -> None:
    """Handle one stored Telegram update."""
    await dispatcher.feed_raw_update(bot, update)
