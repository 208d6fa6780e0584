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
        [--users 200] [--messages 10000] [--database-url URL] [--nlu-cache-size 0] \
        [--think 0.3] [--calibrate]

`--think S` makes it a burst as people make one: each user sends the next message S seconds
after the previous answer arrived. `--calibrate` first runs the same load against a minimal
aiogram bot that answers "ok" (same fake server, same harness, own process): the floor the
harness itself imposes, so the bot's overhead reads as what it adds to floor + Rasa.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import gc
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
from bot.channels.telegram.adapter import TelegramOutput, create_bot
from bot.config import ROOT, Settings
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult, NluUnavailable
from tests.conftest import free_port
from tests.fakes.telegram_server import FakeTelegram

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # "[27 orang](participants)"
if TYPE_CHECKING:  # aiogram comes through bot.channels.telegram, as in `python -m bot`
    pass

_parse_time: contextvars.ContextVar[list[float]] = contextvars.ContextVar("parse_time")


def examples(skip_intents: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The held-out test texts (never trained on), in file order."""
    data = yaml.safe_load((ROOT / "data" / "test" / "nlu_test.yml").read_text(encoding="utf-8"))
    return [
        ENTITY_MARKUP.sub(r"\1", line.removeprefix("- ").strip())
        for item in data["nlu"]
        if item.get("intent") not in skip_intents
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
    """Wraps engine.handle and the NLU client's calls to Rasa to time both for one message."""

    def __init__(self, app: App) -> None:
        self.handle: list[float] = []
        self.parse: list[float] = []
        self.overhead: list[float] = []
        self.nlu_failures = 0  # parses that timed out or failed: answered by keywords instead
        handle, ask = app.engine.handle, app.nlu.ask

        async def timed_ask(text: str) -> NluResult:  # a call to Rasa (not a cache hit)
            started = time.perf_counter()
            try:
                return await ask(text)
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

        app.nlu.ask = timed_ask  # type: ignore[method-assign]
        app.engine.handle = timed_handle  # type: ignore[method-assign]


async def chat(
    server: FakeTelegram,
    user: int,
    *,
    texts: list[str],
    times: list[float] | None,
    answered: asyncio.Queue[float],
    latencies: list[float],
    errors: list[str],
    think: float = 0.0,
) -> None:
    """One user. Without `times`: send, wait for the answer, send the next (the load follows
    the bot: its throughput). With `times` (perf_counter instants): send each message at its
    time whether or not the last was answered (a fixed load: latency at that load)."""
    sent: asyncio.Queue[tuple[float, str]] = asyncio.Queue()

    async def send(text: str, at: float | None) -> None:
        if at is not None:
            await asyncio.sleep(at - time.perf_counter())
        sent.put_nowait((time.perf_counter(), text))
        await server.send_text(user, text)

    sender = (
        asyncio.gather(*(send(text, at) for text, at in zip(texts, times, strict=True)))
        if times is not None
        else None
    )
    for text in texts:
        if sender is None:
            await send(text, None)
        started, asked = await sent.get()
        try:
            answered_at = await asyncio.wait_for(answered.get(), 30)  # answers come in order
        except TimeoutError:
            errors.append(f"user {user}: no answer to {asked!r}")
            continue
        latencies.append(answered_at - started)
        if think:
            await asyncio.sleep(think)
    if sender is not None:
        await sender


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
        "USER_MESSAGES_PER_MINUTE": str(settings["user_messages_per_minute"]),
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
    loop_lag: list[float]  # how late a 10 ms timer fired: time the event loop was busy


async def watch_loop(lags: list[float], stopping: asyncio.Event) -> None:
    """Sample the event loop's lag every 10 ms until told to stop."""
    while not stopping.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - asked - 0.01)


def run_floor(
    stop: Connection, reports: Connection, settings: dict[str, Any], token: str, base_url: str
) -> None:
    """The calibration process: a minimal aiogram bot, polling the same fake server, that
    answers every message "ok" (no NLU, no database)."""
    uvloop.run(serve_floor(stop, reports, token, base_url))


async def serve_floor(stop: Connection, reports: Connection, token: str, base_url: str) -> None:
    from aiogram import Dispatcher
    from aiogram.types import Message

    bot, dispatcher = create_bot(token, base_url), Dispatcher()

    @dispatcher.message()
    async def answer(message: Message) -> None:
        await message.answer("ok")
        reports.send(str(message.chat.id))

    stopping = asyncio.Event()
    asyncio.get_running_loop().add_reader(stop.fileno(), stopping.set)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    reports.send("ready")
    cpu_before = time.process_time()
    await stopping.wait()
    cpu = time.process_time() - cpu_before
    await dispatcher.stop_polling()
    await polling
    await bot.session.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reports.send(BotFigures([], [], [], 0, 0, cpu, rss, []))


def run_bot(
    stop: Connection, reports: Connection, settings: dict[str, Any], token: str, base_url: str
) -> None:
    """The bot process: aiogram polling the fake server; reports each answered chat, and its
    figures when told to stop (two one-way pipes: a large report never meets a non-blocking
    socket that the event loop watches)."""
    uvloop.run(serve_bot(stop, reports, Settings(**settings, _env_file=None), token, base_url))


async def serve_bot(
    stop: Connection, reports: Connection, settings: Settings, token: str, base_url: str
) -> None:
    logging.basicConfig(level=logging.ERROR)  # the figures, not per-message warnings
    app = await App.create(settings)
    gc.freeze()  # as `python -m bot` does after start-up
    bot = create_bot(token, base_url)
    dispatcher = await app.telegram(bot)
    timed = Timed(app)
    send_replies = TelegramOutput.send_replies

    async def sent_all(output: TelegramOutput, chat_id: int | str, replies: list[Reply]) -> None:
        await send_replies(output, chat_id, replies)  # every message of the answer delivered
        reports.send(str(chat_id))

    TelegramOutput.send_replies = sent_all  # type: ignore[method-assign]
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_reader(stop.fileno(), stopping.set)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    lags: list[float] = []
    watcher = asyncio.create_task(watch_loop(lags, stopping))
    reports.send("ready")
    cpu_before = time.process_time()
    await stopping.wait()
    cpu = time.process_time() - cpu_before
    await watcher
    await dispatcher.stop_polling()
    await polling
    await app.close()
    await bot.session.close()
    reports.send(
        BotFigures(
            handle=timed.handle,
            parse=timed.parse,
            overhead=timed.overhead,
            nlu_failures=timed.nlu_failures,
            cache_hits=app.nlu.cache_hits,
            cpu=cpu,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            loop_lag=lags,
        )
    )


class BotProcess:
    """The bot in a process of its own, and what it reports: answered chats, then figures."""

    def __init__(
        self, settings: dict[str, Any], server: FakeTelegram, target: Any = run_bot
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._reports, their_reports = context.Pipe(duplex=False)
        their_stop, self._stop = context.Pipe(duplex=False)
        self._process = context.Process(
            target=target,
            args=(their_stop, their_reports, settings, server.token, server.base_url),
        )
        self.answered: defaultdict[str, asyncio.Queue[float]] = defaultdict(asyncio.Queue)
        self._ready = asyncio.Event()
        self._figures: asyncio.Future[BotFigures] = asyncio.get_running_loop().create_future()

    @classmethod
    async def start(
        cls, settings: dict[str, Any], server: FakeTelegram, target: Any = run_bot
    ) -> BotProcess:
        """Start it and wait until it polls (or exit if it dies: its error is printed)."""
        bot = cls(settings, server, target)
        bot._process.start()
        asyncio.get_running_loop().add_reader(bot._reports.fileno(), bot._on_report)
        while not bot._ready.is_set():
            if not bot._process.is_alive():
                raise SystemExit(f"the bot process exited with code {bot._process.exitcode}")
            await asyncio.sleep(0.1)
        return bot

    async def stop(self) -> BotFigures:
        """Stop it; what it measured of itself."""
        self._stop.send("stop")
        figures = await self._figures
        self._process.join()
        return figures

    def _on_report(self) -> None:
        report = self._reports.recv()
        if report == "ready":
            self._ready.set()
        elif isinstance(report, BotFigures):
            asyncio.get_running_loop().remove_reader(self._reports.fileno())
            self._figures.set_result(report)
        else:
            self.answered[report].put_nowait(time.perf_counter())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument(
        "--rate", type=float, help="send at this many msg/s in all (default: as fast as answered)"
    )
    parser.add_argument(
        "--nlu-cache-size", type=int, help="NLU_CACHE_SIZE of the bot (0: every text to Rasa)"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a user waits after an answer"
    )
    parser.add_argument(
        "--calibrate", action="store_true", help="first, the same load on a minimal aiogram bot"
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
            # The bench measures the bot, not Telegram's or the abuse limits: its synthetic
            # users write far faster than people, and the fake server has no rate limit.
            "user_messages_per_minute": 1_000_000,
            "telegram_rate_per_second": 100_000,
        }
        if arguments.nlu_cache_size is not None:
            settings["nlu_cache_size"] = arguments.nlu_cache_size
        startup = [await startup_seconds(settings, server, chat_id=n) for n in (1, 2)]
        per_user = max(1, arguments.messages // arguments.users)

        def plans(first: int) -> dict[int, list[str]]:
            return {
                user: [texts[(user * 7 + n) % len(texts)] for n in range(per_user)]
                for user in range(first, first + arguments.users)
            }

        floor: Load | None = None
        if arguments.calibrate:
            floor_process = await BotProcess.start(settings, server, run_floor)
            floor = await run_load(server, floor_process, plans(500_000), arguments)
            await floor_process.stop()
        bot_process = await BotProcess.start(settings, server)
        load = await run_load(server, bot_process, plans(100_000), arguments)
        bot = await bot_process.stop()
    await server.stop()
    if floor is not None:
        print(f'floor (a minimal aiogram bot answering "ok"): {floor.summary()}')
    print_figures(
        users=arguments.users,
        rate=arguments.rate,
        think=arguments.think,
        load=load,
        bot=bot,
        startup=startup,
    )
    if floor is not None:
        print_over_floor(load, floor, bot)


@dataclass
class Load:
    """What the load generator saw of one run."""

    sent: int
    latencies: list[float]
    errors: list[str]
    elapsed: float
    harness_cpu: float

    def summary(self) -> str:
        rate = len(self.latencies) / self.elapsed
        latency = percentiles(self.latencies)
        return f"{rate:.1f} msg/s, end-to-end {latency}, errors {len(self.errors)}"


async def run_load(
    server: FakeTelegram, process: BotProcess, plans: dict[int, list[str]], arguments: Any
) -> Load:
    """Every user's plan against `process`: closed loop (with think time) or a fixed rate."""
    latencies: list[float] = []
    errors: list[str] = []
    started, cpu_before = time.perf_counter(), time.process_time()
    rate, users = arguments.rate, len(plans)

    def times(index: int, count: int) -> list[float] | None:  # round robin at `rate` msg/s
        return [started + (n * users + index) / rate for n in range(count)] if rate else None

    await asyncio.gather(
        *(
            chat(
                server,
                user,
                texts=plan,
                times=times(index, len(plan)),
                answered=process.answered[str(user)],
                latencies=latencies,
                errors=errors,
                think=arguments.think,
            )  # fmt: skip
            for index, (user, plan) in enumerate(plans.items())
        )
    )
    return Load(
        sum(len(plan) for plan in plans.values()),
        latencies,
        errors,
        time.perf_counter() - started,
        time.process_time() - cpu_before,
    )


def print_over_floor(load: Load, floor: Load, bot: BotFigures) -> None:
    """The bot's end-to-end time over the floor, and over floor + Rasa's own parse time."""
    cut = lambda values: statistics.quantiles(values, n=100, method="inclusive")  # noqa: E731
    mine, base, parse = cut(load.latencies), cut(floor.latencies), cut(bot.parse or [0, 0])
    for name, index in (("p50", 49), ("p95", 94), ("p99", 98)):
        over = (mine[index] - base[index]) * 1000
        print(
            f"bot over the floor, {name}: {over:.1f} ms; over floor + Rasa's parse {name}: "
            f"{over - parse[index] * 1000:.1f} ms"
        )


def print_figures(
    *,
    users: int,
    rate: float | None,
    think: float,
    load: Load,
    bot: BotFigures,
    startup: list[tuple[float, float]],
) -> None:
    """Everything the run measured, one figure a line."""
    (fresh_health, fresh_answer), (health, answer) = startup
    sent, latencies, errors = load.sent, load.latencies, load.errors
    elapsed, harness_cpu = load.elapsed, load.harness_cpu
    print(f"cores: {os.cpu_count()}")
    print(f"users: {users}, messages: {sent}, answered: {len(latencies)}")
    print(
        f"load: {rate:g} msg/s offered"
        if rate
        else f"load: each user waits for the answer, then {think:g} s"
    )
    print(f"errors: {len(errors)}")
    print(f"throughput: {len(latencies) / elapsed:.1f} msg/s over {elapsed:.1f} s")
    print(f"end-to-end latency: {percentiles(latencies)}")
    print(f"bot handling (engine.handle): {percentiles(bot.handle)}")
    print(f"Rasa /model/parse inside it ({len(bot.parse)} calls): {percentiles(bot.parse)}")
    print(f"bot overhead over Rasa: {percentiles(bot.overhead)}")
    steady = bot.overhead[len(bot.overhead) // 2 :]  # in the order handled: past the warm-up
    print(f"  in the second half of the run: {percentiles(steady)}")
    print(f"NLU cache hits: {bot.cache_hits} of {bot.cache_hits + len(bot.parse)} readings")
    print(f"Rasa calls failed or timed out (answered by keywords instead): {bot.nlu_failures}")
    print(f"CPU per message: bot process {bot.cpu / max(sent, 1) * 1000:.1f} ms,")
    print(f"  fake Telegram + load generator {harness_cpu / max(sent, 1) * 1000:.1f} ms")
    print(f"peak RSS of the bot process: {bot.peak_rss_mb:.0f} MB")
    print(f"event loop lag of the bot process: {percentiles(bot.loop_lag)}")
    print(
        f"start-up of python -m bot (NLU excluded), migrated database: /healthz {health:.2f} s,"
        f" first answer {answer:.2f} s; new database: {fresh_health:.2f} s, {fresh_answer:.2f} s"
    )
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    asyncio.run(main())
