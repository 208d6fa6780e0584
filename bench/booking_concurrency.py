"""N concurrent booking requests for the same day, on SQLite and on PostgreSQL.

Prints accepted / refused counts, whether the capacity held, and the wall time. The day has
room for `--slots` delegations; every request is a different chat asking for that day.

    .venv/bin/python bench/booking_concurrency.py [-n 50] [--slots 1] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from bench.databases import fresh_postgres
from bot.core.booking import BookingRequest, BookingRules, DayFull
from bot.db.migrate import upgrade
from bot.db.models import VisitDay
from bot.db.session import create_engine, session_factory
from bot.services.booking import BookingService, Capacity

TODAY = date(2026, 11, 23)
DAY = date(2026, 12, 8)
REQUEST = BookingRequest(
    org_name="Koperasi Benchmark", org_kind="koperasi", origin="Tangerang",
    contact_name="Bench", contact_phone="+6281200000000", participants=5, start_date=DAY,
    days=1, topics=(), notes="", channel="bench", chat_id="0", user_id="0",
)  # fmt: skip


async def run(url: str, requests: int, slots: int) -> str:
    await upgrade(url)
    engine = (
        create_engine(url, pool_size=min(requests, 20))
        if "postgresql" in url
        else create_engine(url)
    )
    service = BookingService(
        session_factory(engine), BookingRules(), Capacity(slots, 10_000), today=lambda: TODAY
    )
    started = time.perf_counter()
    results = await asyncio.gather(
        *(service.request(replace(REQUEST, chat_id=str(i))) for i in range(requests)),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - started
    accepted = sum(1 for r in results if not isinstance(r, BaseException))
    refused = sum(1 for r in results if isinstance(r, DayFull))
    errors = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DayFull)]
    async with session_factory(engine)() as session:
        day = await session.get(VisitDay, DAY)
    await engine.dispose()
    held = day is not None and day.delegations == accepted == min(slots, requests)
    return (
        f"{requests} requests, {slots} slot(s): accepted {accepted}, refused {refused}, "
        f"errors {len(errors)}, capacity held: {'yes' if held else 'NO'}, {elapsed:.2f} s"
        + (f" (first error: {errors[0]!r})" if errors else "")
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--slots", type=int, default=1)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
    )
    arguments = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        print("SQLite:    ", await run(url, arguments.n, arguments.slots))
    async with fresh_postgres(arguments.postgres) as url:
        if url is not None:
            print("PostgreSQL:", await run(url, arguments.n, arguments.slots))


if __name__ == "__main__":
    asyncio.run(main())
