"""How many texts a second can Rasa parse, and what raises it?

Three set-ups, one after another, each loaded by `--clients` concurrent askers sending the
held-out texts of data/test for `--seconds`: one `rasa run`; one `rasa run` with
SANIC_WORKERS=2 (Rasa's own server workers); two `rasa run` processes given to the bot's
client as RASA_URL="a,b" (texts in turn). Prints texts/s and p50/p99 per set-up, and the
cores the machine has (the ceiling is the CPU: on 2 cores a second Rasa competes with the
first, and in production with the bot).

    .venv/bin/python bench/rasa_capacity.py [--clients 20] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import yaml

from bot.config import ROOT
from bot.services.nlu import RasaClient
from tests.conftest import RASA_TOKEN, _parse_ok, free_port

RASA = ROOT / ".venv-nlu" / "bin" / "rasa"


def texts() -> list[str]:
    """The held-out examples (data/test), as users wrote them."""
    found: list[str] = []
    for path in sorted((ROOT / "data" / "test").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            found += [line[2:].strip() for line in str(block.get("examples", "")).splitlines()
                      if line.startswith("- ")]  # fmt: skip
    return found


@contextlib.contextmanager
def rasa(workers: int = 1) -> Iterator[str]:
    """One `rasa run` on a free port, its URL once it parses."""
    model = max((ROOT / "models").glob("nlu-*.tar.gz"), key=lambda path: path.stat().st_mtime)
    port = free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT),
           "SANIC_WORKERS": str(workers)}  # fmt: skip
    log = (ROOT / "models" / f"rasa-capacity-{port}.log").open("w")
    process = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port),
         "--auth-token", RASA_TOKEN, "--model", str(model)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while not _parse_ok(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Rasa did not start: {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        Path(log.name).unlink(missing_ok=True)


async def load(url: str, clients: int, seconds: float, sample: list[str]) -> str:
    """`clients` askers in a closed loop through the bot's own client; the figures."""
    spent: list[float] = []
    async with aiohttp.ClientSession() as http:
        client = RasaClient(http, url, token=RASA_TOKEN, timeout=10, retries=0)
        until = time.monotonic() + seconds

        async def asker(offset: int) -> None:
            n = offset
            while time.monotonic() < until:
                began = time.perf_counter()
                await client.ask(sample[n % len(sample)])
                spent.append(time.perf_counter() - began)
                n += clients

        await asyncio.gather(*(asker(offset) for offset in range(clients)))
    cuts = statistics.quantiles(spent, n=100)
    return (f"{len(spent) / seconds:6.0f} texts/s, p50 {cuts[49] * 1000:.0f} ms, "
            f"p99 {cuts[98] * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    arguments = parser.parse_args()
    sample = texts()
    print(f"cores: {os.cpu_count()}; {arguments.clients} concurrent askers, "
          f"{len(sample)} different texts, {arguments.seconds:.0f} s each")  # fmt: skip

    def run(url: str) -> str:
        return asyncio.run(load(url, arguments.clients, arguments.seconds, sample))

    with rasa() as one:
        print(f"  one rasa run:                  {run(one)}")
    with rasa(workers=2) as workers:
        print(f"  one rasa run, SANIC_WORKERS=2: {run(workers)}")
    with rasa() as first, rasa() as second:
        print(f"  two rasa run, RASA_URL=a,b:    {run(f'{first},{second}')}")


if __name__ == "__main__":
    main()
