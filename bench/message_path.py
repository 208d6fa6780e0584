"""The message path under load: N users chatting at once through the real aiogram bot (polling
a fake Telegram server on 127.0.0.1) and the real Rasa server.

Each simulated user sends a message, waits for the bot's answer, then sends the next; the
texts are the held-out NLU test examples (every intent, so also bookings and handoffs). Prints
p50/p95/p99 of the end-to-end latency (update queued -> every message of the answer accepted
by "Telegram"), of the bot's own handling (engine.handle), of Rasa's /model/parse inside it,
and of the bot's overhead over Rasa (handling minus parse, per message); messages/s; errors;
NLU cache hits; CPU per message and the peak RSS of the bot; the start-up time of
`python -m bot` (until /healthz answers and until it answered a first message, NLU excluded).
The bot runs in its own process; the fake server and the load generator in this one.

    .venv/bin/python bench/message_path.py --rasa-url URL --token TOKEN \
        [--users 200] [--messages 10000] [--database-url URL] [--nlu-cache-size 0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import logging
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import uvloop
import yaml

from bot.app import App
from bot.channels.telegram import adapter
from bot.channels.telegram.adapter import create_bot
from bot.config import ROOT, Settings
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult, NluUnavailable
from tests.conftest import free_port
from tests.fakes.telegram_server import FakeTelegram

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # "[27 orang](participants)"
if TYPE_CHECKING:  # aiogram comes through bot.channels.telegram, as in `python -m bot`
    from aiogram import Bot

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
            started, hits = time.perf_counter(), app.nlu.cache_hits
            try:
                return await parse(text)
            except NluUnavailable:
                self.nlu_failures += 1
                raise
            finally:
                spent = time.perf_counter() - started
                if app.nlu.cache_hits == hits:  # Rasa was asked
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
    settings: dict[str, Any], server: FakeTelegram, chat_id: int
) -> tuple[float, float]:
    """`python -m bot` from launch until /healthz answers, and until it answered a "halo" that
    was waiting for it (Rasa already running)."""
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE": server.base_url,
        "DATABASE_URL": settings["database_url"],
        "RASA_URL": settings["rasa_url"],
        "RASA_TOKEN": settings["rasa_token"],
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    await server.send_text(chat_id, "halo")
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
                            healthy = time.perf_counter() - started
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.02)
        await server.wait_for(chat_id, 1, within=30)
        return healthy, time.perf_counter() - started
    finally:
        process.terminate()
        await process.wait()


@dataclass
class BotFigures:
    """What the bot process measured of itself, sent back to the load generator at the end."""

    handle: list[float]
    parse: list[float]
    overhead: list[float]
    nlu_failures: int
    cache_hits: int
    cpu: float
    peak_rss_mb: float


def run_bot(connection: Connection, settings: dict[str, Any], token: str, base_url: str) -> None:
    """The bot process: aiogram polling the fake server; reports each answered chat."""
    uvloop.run(serve_bot(connection, Settings(**settings, _env_file=None), token, base_url))


async def serve_bot(connection: Connection, settings: Settings, token: str, base_url: str) -> None:
    logging.basicConfig(level=logging.ERROR)  # the figures, not per-message warnings
    app = await App.create(settings)
    bot = create_bot(token, base_url)
    dispatcher = await app.telegram(bot)
    timed = Timed(app)
    send_replies = adapter.send_replies

    async def sent_all(bot: Bot, chat_id: int | str, replies: list[Reply]) -> None:
        await send_replies(bot, chat_id, replies)  # every message of the answer delivered
        connection.send(str(chat_id))

    adapter.send_replies = sent_all  # type: ignore[assignment]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(connection.fileno(), stop.set)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    connection.send("ready")
    cpu_before = time.process_time()
    await stop.wait()
    cpu = time.process_time() - cpu_before
    await dispatcher.stop_polling()
    await polling
    await app.close()
    await bot.session.close()
    connection.send(
        BotFigures(
            handle=timed.handle,
            parse=timed.parse,
            overhead=timed.overhead,
            nlu_failures=timed.nlu_failures,
            cache_hits=app.nlu.cache_hits,
            cpu=cpu,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument(
        "--nlu-cache-size", type=int, help="NLU_CACHE_SIZE of the bot (0: every text to Rasa)"
    )
    arguments = parser.parse_args()
    texts = examples()
    server = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as folder:
        settings: dict[str, Any] = {
            "database_url": arguments.database_url
            or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            "rasa_url": arguments.rasa_url,
            "rasa_token": arguments.token,
        }
        if arguments.nlu_cache_size is not None:
            settings["nlu_cache_size"] = arguments.nlu_cache_size
        startup = [await startup_seconds(settings, server, chat_id=n) for n in (1, 2)]
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        process = multiprocessing.get_context("spawn").Process(
            target=run_bot, args=(theirs, settings, server.token, server.base_url)
        )
        process.start()
        answered: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        ready = asyncio.Event()

        def on_message() -> None:
            message = ours.recv()
            if message == "ready":
                ready.set()
            elif isinstance(message, BotFigures):
                asyncio.get_running_loop().remove_reader(ours.fileno())
                figures.set_result(message)
            else:
                answered[message].set()

        figures: asyncio.Future[BotFigures] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(ours.fileno(), on_message)
        while not ready.is_set():  # the bot process may die at start (its error is printed)
            if not process.is_alive():
                raise SystemExit(f"the bot process exited with code {process.exitcode}")
            await asyncio.sleep(0.1)
        per_user = max(1, arguments.messages // arguments.users)
        plans: dict[int, list[str]] = {
            user: [texts[(user * 7 + n) % len(texts)] for n in range(per_user)]
            for user in range(100_000, 100_000 + arguments.users)
        }
        latencies: list[float] = []
        errors: list[str] = []
        started, cpu_before = time.perf_counter(), time.process_time()
        await asyncio.gather(
            *(
                chat(server, u, texts=p, answered=answered, latencies=latencies, errors=errors)
                for u, p in plans.items()
            )
        )
        elapsed, harness_cpu = time.perf_counter() - started, time.process_time() - cpu_before
        ours.send("stop")
        bot = await figures
        process.join()
    await server.stop()
    print_figures(
        users=arguments.users,
        sent=sum(len(plan) for plan in plans.values()),
        latencies=latencies,
        errors=errors,
        elapsed=elapsed,
        harness_cpu=harness_cpu,
        bot=bot,
        startup=startup,
    )


def print_figures(
    *,
    users: int,
    sent: int,
    latencies: list[float],
    errors: list[str],
    elapsed: float,
    harness_cpu: float,
    bot: BotFigures,
    startup: list[tuple[float, float]],
) -> None:
    """Everything the run measured, one figure a line."""
    (fresh_health, fresh_answer), (health, answer) = startup
    print(f"cores: {os.cpu_count()}")
    print(f"users: {users}, messages: {sent}, answered: {len(latencies)}")
    print(f"errors: {len(errors)}")
    print(f"throughput: {len(latencies) / elapsed:.1f} msg/s over {elapsed:.1f} s")
    print(f"end-to-end latency: {percentiles(latencies)}")
    print(f"bot handling (engine.handle): {percentiles(bot.handle)}")
    print(f"Rasa /model/parse inside it ({len(bot.parse)} calls): {percentiles(bot.parse)}")
    print(f"bot overhead over Rasa: {percentiles(bot.overhead)}")
    print(f"NLU cache hits: {bot.cache_hits} of {bot.cache_hits + len(bot.parse)} readings")
    print(f"Rasa calls failed or timed out (answered by keywords instead): {bot.nlu_failures}")
    print(f"CPU per message: bot process {bot.cpu / max(sent, 1) * 1000:.1f} ms,")
    print(f"  fake Telegram + load generator {harness_cpu / max(sent, 1) * 1000:.1f} ms")
    print(f"peak RSS of the bot process: {bot.peak_rss_mb:.0f} MB")
    print(
        f"start-up of python -m bot (NLU excluded), migrated database: /healthz {health:.2f} s,"
        f" first answer {answer:.2f} s; new database: {fresh_health:.2f} s, {fresh_answer:.2f} s"
    )
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    asyncio.run(main())
