"""One day's agenda to N participants through the outbox, against a fake Telegram server that
allows 30 messages/s overall and answers 429 (retry_after=1) beyond that.

Prints the elapsed time against the ideal N/30 s, messages lost and duplicated, and how many
429s the bot provoked. Runs on loopback only.

    .venv/bin/python bench/agenda_fanout.py [-n 5000] [--rate 25]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import tempfile
import time
from pathlib import Path

from bot.channels.notifier import ChannelNotifier
from bot.channels.telegram.adapter import TelegramOutput, create_bot
from bot.channels.telegram.pacing import TelegramPace
from bot.core.notify import Outgoing
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.jobs.outbox import Outbox
from tests.fakes.telegram_server import FakeTelegram

TELEGRAM_LIMIT = 30


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5000, help="participants")
    parser.add_argument("--rate", type=float, default=25, help="the bot's own pace, msg/s")
    arguments = parser.parse_args()
    server = await FakeTelegram(rate_limit=TELEGRAM_LIMIT).start()
    bot = create_bot(server.token, server.base_url)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'fanout.sqlite3'}"
        await upgrade(url)
        engine = create_engine(url)
        notifier = ChannelNotifier()
        notifier.register("telegram", TelegramOutput(bot, TelegramPace()).deliver)
        outbox = Outbox(session_factory(engine), notifier, per_second=arguments.rate)
        messages = [
            Outgoing(f"agenda:BENCH:2027-01-05:telegram:{chat}", "telegram", str(chat), "agenda")
            for chat in range(10_000, 10_000 + arguments.n)
        ]
        started = time.perf_counter()
        report = await outbox.broadcast(messages)
        elapsed = time.perf_counter() - started
        again = await outbox.broadcast(messages)  # a re-run must send nothing
        await engine.dispose()
    await bot.session.close()
    await server.stop()
    per_chat = collections.Counter(c.params["chat_id"] for c in server.sent(None))
    ideal = arguments.n / TELEGRAM_LIMIT
    print(f"cores: {os.cpu_count()}")
    print(f"participants: {arguments.n}, bot pace {arguments.rate:g} msg/s, server limit 30 msg/s")
    print(f"elapsed: {elapsed:.1f} s, ideal {ideal:.1f} s, ratio {elapsed / ideal:.2f}")
    print(f"sent: {report.sent}, failed: {len(report.failed)}, 429 answered: {server.throttled}")
    print(
        f"lost: {arguments.n - len(per_chat)}, duplicates: {sum(v - 1 for v in per_chat.values())}"
    )
    print(f"second run sent: {again.sent} (already sent: {again.already})")


if __name__ == "__main__":
    asyncio.run(main())
