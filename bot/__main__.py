"""`python -m bot`: run the bot against an already running Rasa server, configured by env.

With TELEGRAM_BOT_TOKEN it is a Telegram bot (long polling, or a webhook when
TELEGRAM_WEBHOOK_URL is set); with WHATSAPP_ACCESS_TOKEN it serves WhatsApp's webhook; both can
run in one process. With neither it is a console chat. The HTTP server (/healthz, webhooks)
runs beside.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
import signal
import sys
from functools import partial

import uvloop
from aiohttp import web
from pydantic import ValidationError

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.channels.telegram.adapter import create_bot
from bot.channels.whatsapp.webhook import CHANNEL, payload_chat
from bot.check_data import report
from bot.config import Settings
from bot.core.knowledge import KnowledgeError
from bot.desk.setup import add_desk
from bot.documents.verify import add_verification
from bot.privacy import redact_logs
from bot.web import (
    TELEGRAM,
    TELEGRAM_WEBHOOK_PATH,
    WHATSAPP_WEBHOOK_PATH,
    add_telegram_webhook,
    add_whatsapp_webhook,
    build_app,
    feed_telegram,
    runner_for,
    telegram_chat,
)

log = logging.getLogger("bot")
SHUTDOWN_SECONDS = 20.0


async def start_web(app: web.Application, settings: Settings, required: bool) -> web.AppRunner:
    """Serve the HTTP app; a busy port is fatal only when webhooks depend on it."""
    runner = runner_for(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        log.info("HTTP server on http://%s:%s", settings.http_host, settings.http_port)
    except OSError as error:
        if required:
            raise
        log.warning("HTTP server not started (%s); /healthz unavailable", error)
    return runner


async def run_telegram(
    app: App, web_app: web.Application, token: str, *, web_required: bool
) -> None:
    """Run the Telegram channel (and the HTTP server) until SIGINT/SIGTERM."""
    settings = app.settings
    bot = create_bot(token, settings.telegram_api_base)
    dispatcher = await app.telegram(bot)
    if not settings.telegram_webhook_url:
        runner = await start_web(web_app, settings, required=web_required)
        try:
            await bot.delete_webhook(drop_pending_updates=False)
            await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
        finally:
            await runner.cleanup()
        return
    secret = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret
        else secrets.token_urlsafe(32)
    )
    app.intake.register(TELEGRAM, partial(feed_telegram, dispatcher, bot), telegram_chat)
    add_telegram_webhook(web_app, app.intake, secret)
    await app.intake.replay(TELEGRAM)
    runner = await start_web(web_app, settings, required=True)
    try:
        url = settings.telegram_webhook_url.rstrip("/")
        if not url.endswith(TELEGRAM_WEBHOOK_PATH):
            url += TELEGRAM_WEBHOOK_PATH
        await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        log.info("Telegram webhook set to %s", url)
        await until_stopped()
    finally:
        await stop_web(app, runner)
        await bot.session.close()


async def run_webhooks_only(app: App, web_app: web.Application) -> None:
    """WhatsApp without Telegram: only the HTTP server, until SIGINT/SIGTERM."""
    runner = await start_web(web_app, app.settings, required=True)
    try:
        await until_stopped()
    finally:
        await stop_web(app, runner)


async def stop_web(app: App, runner: web.AppRunner) -> None:
    """Take no new updates, then finish the ones in hand (those still running after
    SHUTDOWN_SECONDS stay in the inbox and are handled on the next start)."""
    await runner.cleanup()
    await app.intake.drain(SHUTDOWN_SECONDS)


async def until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_console(app: App, web_app: web.Application) -> None:
    """Chat in this terminal."""
    runner = await start_web(web_app, app.settings, required=False)
    console = ConsoleChannel(app.engine)
    app.watch_nlu(console.announce)
    try:
        app.notifier.register("console", console.notify)
        await console.run()
    finally:
        await runner.cleanup()


def configuration_problems(error: ValidationError) -> str:
    """Each bad variable and what is wrong with it, never the value given (it may be a
    secret): pydantic's own message quotes the input."""
    return "; ".join(
        f"{'.'.join(map(str, problem['loc'])).upper() or 'settings'}: {problem['msg']}"
        for problem in error.errors(include_url=False, include_input=False)
    )


async def main() -> int:
    """Start the configured channels; exit code 2 for a configuration or data problem."""
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"ERROR: invalid configuration: {configuration_problems(error)}", file=sys.stderr)
        return 2
    if "--check-data" in sys.argv[1:]:
        try:
            return report(settings)
        except (KnowledgeError, ValueError, OSError) as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 2
    served = settings.telegram_bot_token or settings.whatsapp_access_token
    default_level = "INFO" if served else "WARNING"
    logging.basicConfig(
        level=(settings.log_level or default_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redact_logs(settings.secret_values())
    # aiosqlite logs every statement with its parameters (what users wrote) at DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    try:
        app = await App.create(settings)
    except (KnowledgeError, ValueError, OSError) as error:
        print(f"ERROR: cannot start: {error}", file=sys.stderr)
        return 2
    # What start-up built (models, data files, the app) lives as long as the process: out of
    # the garbage collector's sight, a full collection pauses ~10 ms here instead of ~100 ms.
    gc.freeze()
    try:
        web_app = build_app(app.health)
        add_verification(web_app, app.paperwork)
        if app.web_desk is not None:
            add_desk(web_app, app.web_desk)
        whatsapp = settings.whatsapp_access_token is not None
        if whatsapp:
            assert settings.whatsapp_verify_token and settings.whatsapp_app_secret
            app.intake.register(CHANNEL, (await app.whatsapp()).receive, payload_chat)
            add_whatsapp_webhook(
                web_app,
                app.intake,
                settings.whatsapp_verify_token.get_secret_value(),
                settings.whatsapp_app_secret.get_secret_value(),
            )
            await app.intake.replay(CHANNEL)
            log.info("WhatsApp webhook at %s", WHATSAPP_WEBHOOK_PATH)
        if settings.telegram_bot_token is not None or whatsapp:
            app.watch_nlu()  # the log says when Rasa is up
        if settings.telegram_bot_token is not None:
            token = settings.telegram_bot_token.get_secret_value()
            await run_telegram(app, web_app, token, web_required=whatsapp)
        elif whatsapp:
            await run_webhooks_only(app, web_app)
        else:
            await run_console(app, web_app)
    finally:
        await app.close()
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(uvloop.run(main()))  # libuv's event loop: ~10% less CPU per message here
