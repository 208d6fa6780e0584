"""Throughput of 1, 2 and 3 bot processes on one PostgreSQL database, in Telegram webhook
mode behind a round-robin proxy, with two Rasa servers: `--users` users (200) each asking two
questions, the second once the first is answered (closed loop, no think time). Prints
messages/s per number of processes, and first the floor: the same load against a webhook
server that only answers "ok" (bench/minimal_webhook_bot.py), so the harness's own limit (the
fake Telegram server and 200 clients share one Python process) is read beside the bot's. The
clients send to the processes in turn themselves (the test's proxy would be one more Python
hop in the harness). Uses the set-up of tests/e2e/test_processes.py.

    .venv/bin/python bench/processes.py [--users 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time

import aiohttp

from bot.config import ROOT
from bot.db.migrate import upgrade
from tests.conftest import free_port, fresh_postgres_database, running_rasa
from tests.e2e import test_processes as rig
from tests.e2e.conftest import wait_http
from tests.fakes.telegram_server import FakeTelegram


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(count: int, users: int, rasa: str, program: list[str]) -> tuple[float, float]:
    """messages/s with `count` processes of `program`, and their CPU ms per message."""
    telegram = await FakeTelegram().start()
    try:
        async with fresh_postgres_database() as database:
            await upgrade(database)
            ports = [free_port() for _ in range(count)]
            proxy = rig.RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
            async with proxy.running() as proxy_url:
                processes = [
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        *program,
                        cwd=ROOT,
                        env=rig.bot_env(port, database, rasa, telegram, proxy_url),
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                    for port in ports
                ]
                try:
                    for port in ports:
                        await wait_http(f"http://127.0.0.1:{port}/healthz", within=60)
                    talk = rig.Users([f"http://127.0.0.1:{port}" for port in ports], telegram)
                    chats = range(60_001, 60_001 + users)
                    async with aiohttp.ClientSession() as http:
                        await asyncio.gather(
                            *(talk.converse(http, c, (2,)) for c in chats)
                        )  # warm
                        began = time.monotonic()
                        cpu = sum(cpu_seconds(process.pid) for process in processes)
                        await asyncio.gather(*(talk.converse(http, c, (0, 1)) for c in chats))
                        elapsed = time.monotonic() - began
                        cpu = sum(cpu_seconds(process.pid) for process in processes) - cpu
                        return 2 * users / elapsed, cpu * 1000 / (2 * users)
                finally:
                    for process in processes:
                        process.send_signal(signal.SIGTERM)
                    await asyncio.gather(*(process.wait() for process in processes))
    finally:
        await telegram.stop()


async def main(users: int, counts: list[int]) -> None:
    os.environ.setdefault("TEST_POSTGRES", "1")
    with running_rasa("rasa-bench-a.log") as first, running_rasa("rasa-bench-b.log") as second:
        print(f"cores: {os.cpu_count()}; {users} users, 2 questions each, 2 Rasa servers")
        floor, cpu = await measure(1, users, first, ["bench/minimal_webhook_bot.py"])
        print(
            f"  floor: a webhook server that only answers 'ok': {floor:6.0f} msg/s,"
            f" {cpu:.1f} ms CPU/msg"
        )
        for count in counts:
            rate, cpu = await measure(count, users, f"{first},{second}", ["-m", "bot"])
            print(f"  {count} bot process(es): {rate:6.0f} msg/s, {cpu:.1f} ms CPU/msg")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.processes))
