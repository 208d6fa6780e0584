"""How long do a big visit's certificates take? One approved visit with `-n` participants
(500), then what the thank-you job does after the last day: number every certificate (one
transaction), print each (WeasyPrint, with its QR code) and queue it with the thanks in the
outbox; the fake notifier accepts every send at once, so the figure is the bot's own work.
Target: ≤ 60 s on 2 cores. SQLite.

    .venv/bin/python bench/certificates.py [-n 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.core.booking import BookingRules
from bot.core.visits import load_agenda_template
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.jobs.outbox import Outbox
from bot.jobs.pushes import Pushes
from bot.services.booking import BookingService, Capacity
from bot.services.visits import VisitService
from bot.wiring import Clock, language, paperwork
from tests.e2e.conftest import coop_tlm
from tests.fakes.notifier import RecordingNotifier


async def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = Settings(database_url=url, public_url="https://kunjungan.example.id",
                            _env_file=None)  # type: ignore[call-arg]  # fmt: skip
        await upgrade(url)
        database = create_engine(url)
        sessions = session_factory(database)
        clock = Clock(settings)
        rules = BookingRules(lead_days=0, max_participants=people)
        bookings = BookingService(sessions, rules, Capacity(2, people), clock.today)
        visits = VisitService(sessions, load_agenda_template(settings.agenda_file))
        said = language(settings)
        documents = paperwork(settings, sessions, bookings, visits=visits, language=said,
                              clock=clock)  # fmt: skip
        start = clock.today() + timedelta(days=10)
        while rules.date_problem(start, 3, clock.today()) is not None:
            start += timedelta(days=1)
        request = replace(coop_tlm(start, 3, "1"), participants=people, by_staff=True)
        booking = await bookings.request(request)
        await bookings.approve(booking.code, "bench")
        for n in range(people):
            await visits.join(booking.code, "telegram", str(10_000 + n), f"Peserta Nomor {n + 1}")
        notifier = RecordingNotifier()
        pushes = Pushes(
            bookings, visits, outbox=Outbox(sessions, notifier, per_second=10_000),
            notifier=notifier, texts=said.texts, desk=None, venue="Tangerang",
            today=clock.today, paperwork=documents,
        )  # type: ignore[arg-type]  # fmt: skip
        began = time.perf_counter()
        report = await pushes.feedback(booking.code)
        spent = time.perf_counter() - began
        assert report is not None
        sent = sum(1 for _, _, reply in notifier.sent if reply.document is not None)
        print(f"cores: {os.cpu_count()}; {people} participants: certificates numbered, printed "
              f"and queued with the thanks in {spent:.1f} s ({spent / people * 1000:.0f} ms "
              f"each); sent {report.sent}/{report.total}, {sent} with a certificate "
              f"[{datetime.now(UTC):%Y-%m-%d}]")  # fmt: skip
        await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=500)
    asyncio.run(main(parser.parse_args().n))
