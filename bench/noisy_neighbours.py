"""Do a flooding user and a rate-limited staff group slow everyone else down?

Two runs of the same load, in one invocation: `--users` users (50) sending `--rate` msg/s in
all (100) for `--seconds` (60) through the real aiogram bot (its own process, polling a fake
Telegram server on 127.0.0.1) and the real Rasa server. In the second run, one more user, in
a handoff to staff, writes `--flood-rate` messages a second (20: a script driving one
Telegram account; Telegram itself slows a user sending much faster), and the fake server
answers every message to the staff group with 429 (retry_after 5 s) for the whole run. Both
runs first send each text once (Rasa's and the bot's first-use costs are not the point here).
Prints the p50/p95/p99 reply time of the ordinary users in both runs and the ratio of the
p95s (the target is ≤ 2).

    .venv/bin/python bench/noisy_neighbours.py --rasa-url URL --token TOKEN \
        [--users 50] [--rate 100] [--seconds 60] [--flood-rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.message_path import BotProcess, chat, examples, percentiles
from tests.fakes.telegram_server import FakeTelegram

STAFF_GROUP = -100777
FLOODER = 99_999
WARM_UP = 99_998


async def run(
    arguments: argparse.Namespace, texts: list[str], *, noisy: bool
) -> tuple[list[float], int, int]:
    """One run: the ordinary users' reply times, errors, and what the flooder got through."""
    server = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as folder:
        settings: dict[str, Any] = {
            "database_url": await fresh_database(arguments.database_url, noisy)
            if arguments.database_url
            else f"sqlite+aiosqlite:///{Path(folder) / 'noisy.sqlite3'}",
            "rasa_url": arguments.rasa_url,
            "rasa_token": arguments.token,
            "staff_chat_id": STAFF_GROUP,
            "staff_user_ids": [1],
            # Synthetic users write 2 msg/s each, far above a person; the flooder far above
            # them. The budget sits between, as it would between people and a script.
            "user_messages_per_minute": 150,
            "telegram_rate_per_second": 100_000,  # the fake server has no overall limit
        }
        bot = await BotProcess.start(settings, server)
        await chat(
            server, WARM_UP, texts=texts, times=None, answered=bot.answered[str(WARM_UP)],
            latencies=[], errors=[],
        )  # fmt: skip
        flooded = 0
        if noisy:
            server.fail_chat(STAFF_GROUP, 429, count=10**9, retry_after=5)
            await server.send_text(FLOODER, "saya mau bicara dengan petugas")
            await asyncio.wait_for(bot.answered[str(FLOODER)].get(), 60)
        per_user = int(arguments.rate * arguments.seconds / arguments.users)
        started = time.perf_counter()
        stop = asyncio.Event()

        async def flood() -> None:
            nonlocal flooded
            while not stop.is_set():
                await server.send_text(FLOODER, f"halo halo {flooded}")
                flooded += 1
                await asyncio.sleep(1 / arguments.flood_rate)

        flooder = asyncio.create_task(flood()) if noisy else None
        latencies: list[float] = []
        errors: list[str] = []
        users = list(range(200_000, 200_000 + arguments.users))
        await asyncio.gather(
            *(
                chat(
                    server,
                    user,
                    texts=[texts[(user * 7 + n) % len(texts)] for n in range(per_user)],
                    times=[
                        started + (n * arguments.users + index) / arguments.rate
                        for n in range(per_user)
                    ],
                    answered=bot.answered[str(user)],
                    latencies=latencies,
                    errors=errors,
                )
                for index, user in enumerate(users)
            )
        )
        stop.set()
        if flooder is not None:
            await flooder
        figures = await bot.stop()
    await server.stop()
    print(
        f"{'noisy' if noisy else 'alone'}: engine.handle {percentiles(figures.handle)};"
        f" Rasa {percentiles(figures.parse)}; bot CPU {figures.cpu:.1f} s;"
        f" event loop lag {percentiles(figures.loop_lag)}"
    )
    return latencies, len(errors), flooded


async def fresh_database(base: str, noisy: bool) -> str:
    """A new, empty PostgreSQL database beside `base` for one run."""
    name = f"noisy_{'flood' if noisy else 'alone'}_{int(time.time())}"
    admin = await asyncpg.connect(base.replace("postgresql+asyncpg", "postgresql"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return base.rsplit("/", 1)[0] + f"/{name}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--flood-rate", type=float, default=20, help="the flooder's msg/s")
    parser.add_argument("--database-url", help="a PostgreSQL database (default: SQLite files)")
    arguments = parser.parse_args()
    # Ordinary users ask questions; none of them asks for staff (they would stop being
    # answered by the bot, which is right, but not what this measures).
    texts = examples(skip_intents={"human_handoff"})
    # Alone before and after: the machine drifts (caches, the database's own work), so the
    # noisy run is compared with both.
    before, before_errors, _ = await run(arguments, texts, noisy=False)
    noisy, noisy_errors, flooded = await run(arguments, texts, noisy=True)
    after, after_errors, _ = await run(arguments, texts, noisy=False)
    print(f"cores: {os.cpu_count()}")
    print(f"{arguments.users} users, {arguments.rate:g} msg/s for {arguments.seconds:g} s")
    print(f"alone, before: {percentiles(before)}, unanswered {before_errors}")
    print(
        f"with a flooder ({flooded} messages sent) and the staff group answering 429: "
        f"{percentiles(noisy)}, unanswered {noisy_errors}"
    )
    print(f"alone, after: {percentiles(after)}, unanswered {after_errors}")
    p95 = [statistics.quantiles(run, n=100, method="inclusive")[94] for run in (before, after)]
    noisy_p95 = statistics.quantiles(noisy, n=100, method="inclusive")[94]
    print(f"p95 ratio (with / without, mean of both): {noisy_p95 / statistics.mean(p95):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
