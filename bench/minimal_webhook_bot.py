"""The floor for bench/processes.py: a webhook "bot" that does nothing but answer each update
with one sendMessage to the (fake) Bot API. Same HTTP path as the real bot, none of its work.

    HTTP_PORT=… TELEGRAM_API_BASE=… TELEGRAM_BOT_TOKEN=… python bench/minimal_webhook_bot.py
"""

from __future__ import annotations

import asyncio
import json
import os

import aiohttp
from aiohttp import web


async def main() -> None:
    api = f"{os.environ['TELEGRAM_API_BASE']}/bot{os.environ['TELEGRAM_BOT_TOKEN']}/sendMessage"
    http = aiohttp.ClientSession()
    pending: set[asyncio.Task[None]] = set()

    async def answer(chat: int) -> None:
        async with http.post(api, json={"chat_id": chat, "text": "ok: biaya"}) as response:
            await response.read()

    async def webhook(request: web.Request) -> web.Response:
        update = json.loads(await request.read())
        task = asyncio.create_task(answer(update["message"]["chat"]["id"]))
        pending.add(task)
        task.add_done_callback(pending.discard)
        return web.json_response({"ok": True})

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/webhooks/telegram", webhook)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["HTTP_PORT"])).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
