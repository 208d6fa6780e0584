"""`make doc-samples`: sample PDFs of every document, from demo data, into docs/samples/.

Runs the real services on a temporary SQLite database: a demo delegation (Coop TLM, three
days) is filed, approved, moved and approved again (so the second letter replaces the
first), two participants join, a payment is recorded and corrected, certificates are issued.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import ROOT, Settings
from bot.core.booking import BookingRequest, BookingRules
from bot.core.visits import load_agenda_template
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.services.booking import BookingService, Capacity
from bot.services.visits import VisitService
from bot.wiring import Clock, language, paperwork

OUT = ROOT / "docs" / "samples"
WIB = ZoneInfo("Asia/Jakarta")
REQUEST = BookingRequest(
    "Coop TLM", "koperasi", "Kupang, NTT", "Mama Yuli", "+6281300000000", 30,
    datetime.now(WIB).date(), 3, ("jawara",), "", "telegram", "1", "1", by_staff=True,
)  # fmt: skip


def open_day(rules: BookingRules, after: int, days: int) -> date:
    """The first day `after` days from now on which a visit of `days` days may start."""
    today = datetime.now(WIB).date()
    day = today + timedelta(days=after)
    while rules.date_problem(day, days, today) is not None:
        day += timedelta(days=1)
    return day


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'samples.sqlite3'}"
        settings = Settings(database_url=url, public_url="https://kunjungan.example.id",
                            _env_file=None)  # type: ignore[call-arg]  # fmt: skip
        await upgrade(url)
        database = create_engine(url)
        sessions = session_factory(database)
        clock = Clock(settings)
        rules = BookingRules(lead_days=7)
        bookings = BookingService(sessions, rules, Capacity(), clock.today)
        visits = VisitService(sessions, load_agenda_template(settings.agenda_file))
        documents = paperwork(settings, sessions, bookings, visits=visits,
                              language=language(settings), clock=clock)  # fmt: skip
        start = open_day(rules, 14, 3)
        booking = await bookings.request(replace(REQUEST, start_date=start))
        await bookings.approve(booking.code, "desk:1:Rina")
        await documents.letter(booking.code)
        moved = open_day(rules, 21, 3)
        await bookings.reschedule(booking.code, moved, 3, "desk:1:Rina", note=lambda _: "pindah")
        await bookings.approve(booking.code, "desk:1:Rina")
        for chat, name in (("11", "Mama Yuli"), ("12", "Ibu Maria Goreti")):
            await visits.join(booking.code, "telegram", chat, name)
        await documents.receipt(booking.code, 2_500_000)
        files = {
            "surat-konfirmasi.pdf": (await documents.letter(booking.code)).pdf,
            "daftar-hadir.pdf": await documents.attendance(booking.code, 1),
            "kuitansi.pdf": (await documents.receipt(booking.code, 2_750_000)).pdf,
            "sertifikat.pdf": (await documents.certificates(booking.code))[("telegram", "11")].pdf,
        }
        await database.dispose()
    for name, content in files.items():
        (OUT / name).write_bytes(content)
        print(f"docs/samples/{name}")


if __name__ == "__main__":
    asyncio.run(main())
