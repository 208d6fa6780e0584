"""What one sendMessage costs the bot's process, against a bare HTTP post of the same message.

Sending the answers through aiogram was a quarter of the event loop's time in a 200-user burst
(docs/performance.md). This measures that path alone: the session the bot uses
(`TolerantSession`, a message with an inline keyboard as the form's questions have), the same
with a JSON body instead of aiogram's form encoding, and a bare aiohttp JSON post that reads
only the message id. A loopback server in its own process answers as the Bot API does, so its
work is not counted: the figure is CPU time of this process per send.

    python bench/telegram_send.py [-n 3000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp
import uvloop
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiohttp import web

from bot.channels.telegram.adapter import keyboard
from bot.channels.telegram.session import TolerantSession
from bot.core.messages import Button

PORT = 8931
TOKEN = "123:bench"
TEXT = "Dari kota/kabupaten dan provinsi mana rombongan Bapak/Ibu berasal? " * 2


def serve() -> None:
    """The Bot API's answer to sendMessage: the message as Telegram returns it."""

    async def send_message(request: web.Request) -> web.Response:
        await request.read()
        chat = {"id": 5, "type": "private", "first_name": "Budi"}
        me = {"id": 1, "is_bot": True, "first_name": "Kunjungan", "username": "kunjungan_bot"}
        markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": "x"}]]}
        result = {"message_id": 1, "date": int(time.time()), "chat": chat, "from": me,
                  "text": TEXT, "reply_markup": markup}  # fmt: skip
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_post("/{path:.*}", send_message)
    web.run_app(app, host="127.0.0.1", port=PORT, print=None)


class JsonBodySession(TolerantSession):
    """aiogram with a JSON body instead of its form encoding (files still go as a form)."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> Any:
        files: dict[str, Any] = {}
        body = {
            key: prepared
            for key, value in method.model_dump(warnings=False).items()
            if (prepared := self.prepare_value(value, bot, files, _dumps_json=False)) is not None
        }
        if files:
            return await super().make_request(bot, method, timeout)
        http = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        headers = {"Content-Type": "application/json"}
        async with http.post(url, data=self.json_dumps(body), headers=headers) as response:
            content = await response.text()
        return self.check_response(bot, method, response.status, content).result


async def cpu_per_send(send: Callable[[], Awaitable[Any]], n: int) -> float:
    """Milliseconds of this process's CPU per send, after 100 to warm up."""
    for _ in range(100):
        await send()
    started = time.process_time()
    for _ in range(n):
        await send()
    return (time.process_time() - started) * 1000 / n


async def measure(n: int) -> None:
    base = f"http://127.0.0.1:{PORT}"
    markup = keyboard((Button("Ya", "x"), Button("Tidak", "y")))
    assert markup is not None
    rows: list[tuple[str, float]] = []
    for label, kind in (("aiogram, as the bot sends", TolerantSession),
                        ("aiogram with a JSON body", JsonBodySession)):  # fmt: skip
        bot = Bot(TOKEN, session=kind(api=TelegramAPIServer.from_base(base)))
        send = partial(bot.send_message, 5, TEXT, reply_markup=markup)
        rows.append((label, await cpu_per_send(send, n)))
        await bot.session.close()
    payload = {"chat_id": 5, "text": TEXT, "reply_markup": markup.model_dump(exclude_none=True)}
    async with aiohttp.ClientSession() as http:

        async def bare() -> int:
            async with http.post(f"{base}/bot{TOKEN}/sendMessage", json=payload) as response:
                return int(json.loads(await response.read())["result"]["message_id"])

        rows.append(("bare aiohttp JSON post", await cpu_per_send(bare, n)))
    print(f"{n} sends each, {multiprocessing.cpu_count()} cores, uvloop")
    for label, cost in rows:
        print(f"  {label:<28} {cost:.3f} ms CPU a send")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="sends per variant")
    args = parser.parse_args()
    server = multiprocessing.Process(target=serve, daemon=True)
    server.start()
    while True:  # until it listens
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        uvloop.run(measure(args.n))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
