"""The message path under load: N users chatting at once through the real aiogram bot (polling
a fake Telegram server on 127.0.0.1) and the real Rasa server.

Each simulated user sends a message, waits for the bot's answer, then sends the next; the
texts are the held-out NLU test examples (every intent, so also bookings and handoffs). Prints
p50/p95/p99 of the end-to-end latency (update queued -> every message of the answer accepted
by "Telegram"), of the bot's own handling (engine.handle), of Rasa's /model/parse inside it,
and of the bot's overhead over Rasa (handling minus parse, per message); messages/s; errors;
the bot's start-up time (`python -m bot` until /healthz answers, NLU excluded) and the peak
RSS of this process. The load generator, the fake server and the bot share this process.

    .venv/bin/python bench/message_path.py --rasa-url URL --token TOKEN \
        [--users 200] [--messages 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import logging
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
import yaml
from aiogram import Bot

from bot.app import App
from bot.channels.telegram import adapter
from bot.channels.telegram.adapter import create_bot
from bot.config import ROOT, Settings
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult, NluUnavailable
from tests.conftest import free_port
from tests.fakes.telegram_server import FakeTelegram

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # "[27 orang](participants)"
_parse_time: contextvars.ContextVar[list[float]] = contextvars.ContextVar("parse_time")


def examples() -> list[str]:
    """The held-out test texts (never trained on), in file order."""
    data = yaml.safe_load((ROOT / "data" / "test" / "nlu_test.yml").read_text(encoding="utf-8"))
    return [
        ENTITY_MARKUP.sub(r"\1", line.removeprefix("- ").strip())
        for item in data["nlu"]
        for line in item["examples"].splitlines()
        if line.strip()
    ]


def percentiles(values: list[float]) -> str:
    """ "p50 … p95 … p99 …" in milliseconds."""
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return (
        f"p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"
    )


class Timed:
    """Wraps engine.handle and the NLU client's parse to time both for the same message."""

    def __init__(self, app: App) -> None:
        self.handle: list[float] = []
        self.parse: list[float] = []
        self.overhead: list[float] = []
        self.nlu_failures = 0  # parses that timed out or failed: answered by keywords instead
        handle, parse = app.engine.handle, app.nlu.parse

        async def timed_parse(text: str) -> NluResult:
            started = time.perf_counter()
            try:
                return await parse(text)
            except NluUnavailable:
                self.nlu_failures += 1
                raise
            finally:
                spent = time.perf_counter() - started
                self.parse.append(spent)
                _parse_time.get([]).append(spent)

        async def timed_handle(event: Incoming) -> list[Reply]:
            spent_in_parse: list[float] = []
            _parse_time.set(spent_in_parse)
            started = time.perf_counter()
            replies = await handle(event)
            total = time.perf_counter() - started
            self.handle.append(total)
            self.overhead.append(total - sum(spent_in_parse))
            return replies

        app.nlu.parse = timed_parse  # type: ignore[method-assign]
        app.engine.handle = timed_handle  # type: ignore[method-assign]


async def chat(
    server: FakeTelegram,
    user: int,
    *,
    texts: list[str],
    answered: defaultdict[str, asyncio.Event],
    latencies: list[float],
    errors: list[str],
) -> None:
    """One user: send, wait for the answer (10 s at most), repeat."""
    for text in texts:
        event = answered[str(user)] = asyncio.Event()
        started = time.perf_counter()
        await server.send_text(user, text)
        try:
            await asyncio.wait_for(event.wait(), 10)
        except TimeoutError:
            errors.append(f"user {user}: no answer to {text!r}")
            continue
        latencies.append(time.perf_counter() - started)


async def startup_seconds(
    settings: Settings, server: FakeTelegram, rasa_url: str, token: str
) -> float:
    """`python -m bot` from launch until /healthz answers (Rasa already running)."""
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE": server.base_url,
        "DATABASE_URL": settings.database_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": token,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status in (200, 503):
                            return time.perf_counter() - started
                except aiohttp.ClientError:
                    await asyncio.sleep(0.02)
    finally:
        process.terminate()
        await process.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    arguments = parser.parse_args()
    texts = examples()
    logging.basicConfig(level=logging.ERROR)  # the figures, not per-message warnings
    server = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=arguments.database_url
            or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            rasa_url=arguments.rasa_url,
            rasa_token=arguments.token,
            _env_file=None,
        )
        startup = await startup_seconds(settings, server, arguments.rasa_url, arguments.token)
        app = await App.create(settings)
        bot = create_bot(server.token, server.base_url)
        dispatcher = await app.telegram(bot)
        timed = Timed(app)
        answered: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        send_replies = adapter.send_replies

        async def sent_all(bot: Bot, chat_id: int | str, replies: list[Reply]) -> None:
            await send_replies(bot, chat_id, replies)  # every message of the answer delivered
            answered[str(chat_id)].set()

        adapter.send_replies = sent_all  # type: ignore[assignment]
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
        )
        per_user = max(1, arguments.messages // arguments.users)
        plans: dict[int, list[str]] = {
            user: [texts[(user * 7 + n) % len(texts)] for n in range(per_user)]
            for user in range(100_000, 100_000 + arguments.users)
        }
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        cpu_before = time.process_time()
        await asyncio.gather(
            *(
                chat(server, u, texts=p, answered=answered, latencies=latencies, errors=errors)
                for u, p in plans.items()
            )
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        await dispatcher.stop_polling()
        await polling
        await app.close()
        await bot.session.close()
    await server.stop()
    print_figures(
        users=arguments.users,
        sent=sum(len(plan) for plan in plans.values()),
        latencies=latencies,
        errors=errors,
        elapsed=elapsed,
        cpu=cpu,
        timed=timed,
        startup=startup,
    )


def print_figures(
    *,
    users: int,
    sent: int,
    latencies: list[float],
    errors: list[str],
    elapsed: float,
    cpu: float,
    timed: Timed,
    startup: float,
) -> None:
    """Everything the run measured, one figure a line."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cores: {os.cpu_count()}")
    print(f"users: {users}, messages: {sent}, answered: {len(latencies)}")
    print(f"errors: {len(errors)}")
    print(f"throughput: {len(latencies) / elapsed:.1f} msg/s over {elapsed:.1f} s")
    print(
        f"CPU of this process per message: {cpu / max(sent, 1) * 1000:.1f} ms"
        " (bot + fake Telegram + load generator)"
    )
    print(f"end-to-end latency: {percentiles(latencies)}")
    print(f"bot handling (engine.handle): {percentiles(timed.handle)}")
    print(f"Rasa /model/parse inside it: {percentiles(timed.parse)}")
    print(f"bot overhead over Rasa: {percentiles(timed.overhead)}")
    print(f"Rasa calls failed or timed out (answered by keywords instead): {timed.nlu_failures}")
    print(f"start-up of python -m bot until /healthz (NLU excluded): {startup:.2f} s")
    print(f"peak RSS of this process (bot + fake Telegram): {peak_mb:.0f} MB")
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    asyncio.run(main())
