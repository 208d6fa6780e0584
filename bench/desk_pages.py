"""How fast do the desk's pages render with a year's worth of data?

Seeds 1,000 bookings (300 organisations, ~2 a day over 16 months), 20,000 participants with
three pushes each in the outbox, their feedback, agendas, and 20 open handoffs with 50
transcript lines each; then, logged in as staff, fetches every page `--times` times (one
after another, through the real HTTP server) and prints p50/p95/max per page, next to a
minimal aiohttp handler on the same server (the floor: what HTTP and the client cost).
Target: every page ≤ 100 ms. SQLite and PostgreSQL (a fresh database, dropped after).

    .venv/bin/python bench/desk_pages.py [--bookings 1000] [--participants 20000] [--times 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import insert

from bench.databases import fresh_postgres
from bot.app import App
from bot.config import Settings
from bot.db import models
from bot.desk.setup import add_desk
from bot.web import build_app, runner_for
from tests.conftest import free_port

STAFF = 4242
FIRST_DAY = date(2026, 9, 1)
ORIGINS = (
    "Padang, Sumatera Barat", "Kupang, NTT", "Bandung, Jawa Barat", "Makassar, Sulawesi Selatan",
    "Medan, Sumatera Utara", "Semarang, Jawa Tengah", "Denpasar, Bali", "Pontianak, Kalbar",
)  # fmt: skip


def _rows(bookings: int, people: int) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, deterministic (seed 7)."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    organisations = [
        {"id": n, "name": f"Koperasi Contoh {n}", "origin": rng.choice(ORIGINS),
         "kind": rng.choice(["koperasi", "dinas", "lainnya"]), "created_at": now}
        for n in range(1, 301)
    ]  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {"organisations": organisations}
    rows["bookings"] = [
        {"id": n, "code": f"B{n:04d}", "invite_code": f"I{n:07d}",
         "status": rng.choices(["approved", "pending", "cancelled"], [80, 10, 10])[0],
         "organisation_id": rng.randint(1, 300),
         "start_date": FIRST_DAY + timedelta(days=n // 2), "days": rng.choice([1, 1, 2, 3]),
         "participants": 20, "topics": ["profil"], "contact_name": f"Kontak {n}",
         "contact_phone": "+628120000000", "notes": "", "channel": "telegram",
         "chat_id": str(10_000 + n), "user_id": str(10_000 + n), "created_at": now,
         "updated_at": now}
        for n in range(1, bookings + 1)
    ]  # fmt: skip
    rows["booking_events"] = [
        {"booking_id": b["id"], "status": b["status"], "actor": "desk:4242:Rina", "reason": "",
         "at": now}
        for b in rows["bookings"]
    ]  # fmt: skip
    per_booking = people // bookings
    rows["participants"] = [
        {"id": n, "booking_id": 1 + (n - 1) // per_booking, "channel": "telegram",
         "chat_id": str(100_000 + n), "name": f"Peserta {n}", "joined_at": now}
        for n in range(1, per_booking * bookings + 1)
    ]  # fmt: skip
    rows["outbox"] = [
        {"key": f"{kind}:B{p['booking_id']:04d}:x:telegram:{p['chat_id']}", "channel": "telegram",
         "chat_id": p["chat_id"], "text": "agenda", "status": "sent", "error": "",
         "created_at": now, "sent_at": now}
        for p in rows["participants"]
        for kind in ("agenda", "reminder", "feedback")
    ]  # fmt: skip
    rows["feedback"] = [
        {"booking_id": p["booking_id"], "channel": "telegram", "chat_id": p["chat_id"],
         "rating": rng.randint(3, 5), "comment": "bagus" if rng.random() < 0.2 else "", "at": now}
        for p in rows["participants"][::2]
    ]  # fmt: skip
    rows["escalations"] = [
        {"id": n, "channel": "telegram", "chat_id": str(10_000 + n), "user_name": f"Tamu {n}",
         "status": "waiting", "created_at": now, "last_activity_at": now}
        for n in range(1, 21)
    ]  # fmt: skip
    rows["transcript"] = [
        {"channel": "telegram", "chat_id": str(10_000 + n), "direction": "in" if i % 2 else "out",
         "text": f"pesan {i}", "at": now}
        for n in range(1, 21)
        for i in range(50)
    ]  # fmt: skip
    return rows


async def seed(app: App, bookings: int, people: int) -> None:
    tables = {table.name: table for table in models.Base.metadata.sorted_tables}
    rows = _rows(bookings, people)
    async with app.database.begin() as connection:
        for name in ("organisations", "bookings", "booking_events", "participants", "outbox",
                     "feedback", "escalations", "transcript"):  # fmt: skip
            for start in range(0, len(rows[name]), 5000):
                await connection.execute(insert(tables[name]), rows[name][start : start + 5000])
    for booking in rows["bookings"][:50]:  # agendas of the visits the bench opens
        await app.web_desk.visits.ensure_agenda(booking["code"])  # type: ignore[union-attr]


async def measure(url: str, arguments: argparse.Namespace) -> None:
    settings = Settings(
        database_url=url, staff_chat_id=-100_1, staff_user_ids=[STAFF],
        telegram_bot_token=SecretStr("1:bench"), desk_public_url="http://127.0.0.1",
        _env_file=None,
    )  # type: ignore[call-arg]  # fmt: skip
    app = await App.create(settings)
    try:
        started = time.perf_counter()
        await seed(app, arguments.bookings, arguments.participants)
        print(f"  seeded in {time.perf_counter() - started:.1f} s")
        gc.freeze()  # as `python -m bot` does once started: start-up objects out of GC's way
        assert app.web_desk is not None
        web_app = build_app(app.health)

        async def floor(_request: web.Request) -> web.Response:
            return web.Response(text="ok")

        web_app.router.add_get("/floor", floor)
        add_desk(web_app, app.web_desk)
        runner = runner_for(web_app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        token = await app.web_desk.links.issue(str(STAFF), "Rina")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.post(f"{base}/desk/masuk/{token}") as response:
                assert response.status == 200
            for path in ["/floor", *pages(arguments.bookings)]:
                spent = []
                for _ in range(arguments.times + 2):
                    begun = time.perf_counter()
                    async with http.get(base + path) as response:
                        body = await response.read()
                        assert response.status == 200, (path, body[:300])
                    spent.append((time.perf_counter() - begun) * 1000)
                spent = spent[2:]  # the first two fill caches (templates, statements)
                cuts = statistics.quantiles(spent, n=20, method="inclusive")
                print(f"  {path:<42} p50 {statistics.median(spent):6.1f} ms  "
                      f"p95 {cuts[18]:6.1f} ms  max {max(spent):6.1f} ms  "
                      f"({len(body) // 1024} KiB)")  # fmt: skip
        await runner.cleanup()
    finally:
        await app.close()


def pages(bookings: int) -> list[str]:
    """The desk's pages, at the busiest month of the seeded data."""
    busiest = FIRST_DAY + timedelta(days=bookings // 4)
    return [
        f"/desk/kalender?bulan={busiest:%Y-%m}",
        "/desk/permohonan",
        "/desk/kunjungan/B0010",
        "/desk/percakapan",
        "/desk/percakapan/1",
        f"/desk/laporan?tahun={busiest.year}",
        f"/desk/laporan/{busiest.year}.xlsx",
    ]


async def main(arguments: argparse.Namespace) -> None:
    print(f"cores: {os.cpu_count()}; {arguments.bookings} bookings, "
          f"{arguments.participants} participants")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite:")
        await measure(f"sqlite+aiosqlite:///{Path(folder) / 'desk.sqlite3'}", arguments)
    async with fresh_postgres(arguments.postgres) as url:
        if url is not None:
            print("PostgreSQL:")
            await measure(url, arguments)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--times", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
    )
    asyncio.run(main(parser.parse_args()))
