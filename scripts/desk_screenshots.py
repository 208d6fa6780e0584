"""`make desk-screenshots`: a screenshot of each desk page, from demo data, into docs/desk/.

The bot's app runs in this process on a temporary SQLite database (no Telegram, no Rasa:
the pages only read the database), demo delegations are filed and approved through the
services, and Debian's chromium (Playwright) logs in by a link and photographs each page.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from playwright.async_api import async_playwright
from pydantic import SecretStr

from bot.app import App
from bot.config import ROOT, Settings
from bot.core.booking import BookingRequest, BookingRules
from bot.db.transcript import SqlTranscript
from bot.desk.setup import add_desk
from bot.services.handoff import EscalationService
from bot.web import build_app, runner_for

STAFF = 4242
OUT = ROOT / "docs" / "desk"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
# name, kind, origin, contact, people, days, days from a week from now, approved
DELEGATIONS = (
    ("Dinas Koperasi & UKM Sumatera Barat", "dinas", "Padang, Sumatera Barat", "Bapak Andi",
     27, 1, 3, True),
    ("Coop TLM", "koperasi", "Kupang, NTT", "Mama Yuli", 30, 3, 8, True),
    ("Dinas Koperasi Kab. Solok", "dinas", "Solok, Sumatera Barat", "Ibu Rahmi", 18, 1, 8, False),
    ("KSP Sejahtera Bersama", "koperasi", "Bogor, Jawa Barat", "Bapak Dedi", 12, 1, 15, False),
    ("Koperasi Wanita Melati", "koperasi", "Kendal, Jawa Tengah", "Ibu Sri", 25, 2, 17, True),
)  # fmt: skip
LINES = (
    ("in", "Assalamualaikum, rombongan kami 25 orang dari Padang."),
    ("out", "Wa'alaikumsalam warahmatullahi wabarakatuh, Bapak 🙏"),
    ("in", "Saya mau bicara dengan petugas soal penginapan."),
)


def open_day(rules: BookingRules, offset: int, days: int = 1) -> date:
    """The first day from a week + `offset` days from now on which a visit of `days` days
    may start (no closed day or holiday in it)."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    day = today + timedelta(days=7 + offset)
    while rules.date_problem(day, days, today) is not None:
        day += timedelta(days=1)
    return day


async def seed(app: App) -> tuple[str, int]:
    """File and approve the demo delegations, add participants, ratings and one handoff;
    the code of the visit to photograph and the handoff's number."""
    bookings, desk = app.bookings, app.web_desk
    assert desk is not None
    shown = ""
    for n, (name, kind, origin, contact, people, days, offset, approved) in enumerate(DELEGATIONS):
        start = open_day(bookings.rules, offset, days)
        request = BookingRequest(
            name, kind, origin, contact, f"+62812000000{n}", people, start, days,
            ("profil", "jawara"), "", "telegram", str(9000 + n), str(9000 + n), by_staff=True,
        )  # fmt: skip
        booking = await bookings.request(request)
        if approved:
            await bookings.approve(booking.code, "desk:4242:Rina")
            for person in range(min(people, 6)):
                chat = str(9100 + 10 * n + person)
                await desk.visits.join(booking.code, "telegram", chat, f"Peserta {person + 1}")
                comment = "Sangat bermanfaat" if person == 0 else ""
                await desk.visits.record_feedback(
                    booking.code, "telegram", chat, 4 + person % 2, comment
                )
            shown = shown or booking.code
    escalation, _ = await EscalationService(app.sessions).open("telegram", "9050", "Bapak Hendra")
    transcript = SqlTranscript(app.database)
    for direction, text in LINES:
        await transcript.record("telegram", "9050", direction, [text])
    return shown, escalation.id


async def main() -> int:
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 (one stat before anything starts)
        print(
            f"{CHROMIUM} not found: run `make test` once (it installs chromium)", file=sys.stderr
        )
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'demo.sqlite3'}",
            staff_chat_id=-1001, staff_user_ids=[STAFF], telegram_bot_token=SecretStr("1:demo"),
            desk_public_url="http://127.0.0.1", _env_file=None,
        )  # type: ignore[call-arg]  # fmt: skip
        app = await App.create(settings)
        try:
            code, handoff = await seed(app)
            assert app.web_desk is not None
            web_app = build_app(app.health)
            add_desk(web_app, app.web_desk)
            runner = runner_for(web_app)
            await runner.setup()
            site = await _start(runner)
            token = await app.web_desk.links.issue(str(STAFF), "Rina")
            busiest = open_day(app.bookings.rules, 8, 3)
            month = busiest.strftime("%Y-%m")
            shots = {
                "kalender": f"/desk/kalender?bulan={month}&hari={busiest.isoformat()}",
                "permohonan": "/desk/permohonan",
                "kunjungan": f"/desk/kunjungan/{code}",
                "percakapan": f"/desk/percakapan/{handoff}",
                "laporan": f"/desk/laporan?tahun={busiest.year}",
            }
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                await page.goto(f"{site}/desk/masuk/{token}")
                await page.get_by_role("button", name="Masuk").click()
                await page.wait_for_url("**/desk/kalender")
                for name, path in shots.items():
                    await page.goto(site + path)
                    await page.wait_for_load_state("networkidle")
                    await page.screenshot(path=OUT / f"{name}.png", full_page=True)
                    print(f"docs/desk/{name}.png")
                await page.set_viewport_size({"width": 390, "height": 844})
                await page.goto(site + shots["kalender"])
                await page.screenshot(path=OUT / "kalender-ponsel.png", full_page=True)
                print("docs/desk/kalender-ponsel.png")
                await browser.close()
            await runner.cleanup()
        finally:
            await app.close()
    return 0


async def _start(runner: web.AppRunner) -> str:
    """Serve on a free loopback port; its address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
