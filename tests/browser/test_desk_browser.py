"""The desk in a real browser (headless Debian chromium) against `python -m bot`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import Browser, expect
from sqlalchemy import select

from bot.core.booking import Status
from bot.db.models import AgendaSession, Booking
from bot.db.session import session_factory
from bot.services.desk_links import DeskLinks
from tests.browser.conftest import (
    OUTSIDER,
    STAFF,
    STAFF_GROUP,
    BotProcess,
    ask_link,
    staff_page,
)
from tests.e2e.conftest import coop_tlm

REQUESTER, PARTICIPANT, ASKER = 6101, 6102, 6103


async def test_login_by_link_once_and_never_for_outsiders(
    bot_process: BotProcess, browser: Browser
) -> None:
    link = await ask_link(bot_process.telegram)
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(link)
    await page.get_by_role("button", name="Masuk").click()
    await expect(page.get_by_role("link", name="Kalender")).to_be_visible()
    other = await (await browser.new_context()).new_page()
    await other.goto(link)  # the same link, used
    await expect(other.get_by_text("sudah dipakai, kedaluwarsa")).to_be_visible()
    await other.goto(f"{bot_process.url}/desk/permohonan")  # no session: how to get one
    await expect(other.get_by_text("kirim /desk kepada bot")).to_be_visible()

    expired = DeskLinks(
        session_factory(bot_process.database),
        now=lambda: datetime.now(UTC) - timedelta(minutes=11),
    )
    old = await expired.issue(str(STAFF), "Rina")
    await other.goto(f"{bot_process.url}/desk/masuk/{old}")
    await expect(other.get_by_text("sudah dipakai, kedaluwarsa")).to_be_visible()

    telegram = bot_process.telegram
    await telegram.send_text(OUTSIDER, "/desk")
    refusal = (await telegram.wait_for(OUTSIDER, 1))[-1].params["text"]
    assert "hanya petugas" in refusal and "/desk/masuk/" not in refusal


async def test_approve_and_decline_reach_the_requesters(
    bot_process: BotProcess, browser: Browser
) -> None:
    today = datetime.now(UTC).date() + timedelta(days=1)
    first = await bot_process.bookings.request(coop_tlm(today, 1, str(REQUESTER)))
    second = await bot_process.bookings.request(
        coop_tlm(today, 1, str(REQUESTER + 10), org_name="Kopwan Sejahtera", participants=12)
    )
    telegram = bot_process.telegram
    async with staff_page(browser, bot_process) as page:
        await page.get_by_role("link", name="Permohonan").click()
        card = page.locator(f"#req-{first.code}")
        await card.get_by_role("button", name="Setujui").click()
        await expect(page.get_by_role("status")).to_contain_text("disetujui oleh")
        approved = (await telegram.wait_for(REQUESTER, 1))[0].params["text"]
        assert first.code in approved and "DISETUJUI" in approved

        card = page.locator(f"#req-{second.code}")
        await card.get_by_label("Alasan penolakan").fill("Aula dipakai rapat anggota tahunan")
        await card.get_by_role("button", name="Tolak").click()
        await expect(page.get_by_role("status")).to_contain_text("ditolak oleh")
        declined = (await telegram.wait_for(REQUESTER + 10, 1))[-1].params["text"]
        assert "Aula dipakai rapat anggota tahunan" in declined
    staff_texts = telegram.texts(STAFF_GROUP)
    assert any("lewat desk" in text and first.code in text for text in staff_texts)
    assert (await bot_process.bookings.get(second.code)).status is Status.DECLINED  # type: ignore[union-attr]


async def test_agenda_edit_refused_when_overlapping_and_valid_one_reaches_the_push(
    bot_process: BotProcess, browser: Browser
) -> None:
    today = bot_process.push_at.date()
    booking = await bot_process.bookings.request(coop_tlm(today, 1, str(REQUESTER)))
    telegram = bot_process.telegram
    async with staff_page(browser, bot_process) as page:
        await page.goto(f"{bot_process.url}/desk/permohonan")
        await page.locator(f"#req-{booking.code}").get_by_role("button", name="Setujui").click()
        await expect(page.get_by_role("status")).to_contain_text("disetujui oleh")
        invite = (await bot_process.bookings.get(booking.code)).invite_code  # type: ignore[union-attr]
        await telegram.send_text(PARTICIPANT, f"gabung {invite}")
        await telegram.wait_for(PARTICIPANT, 1)
        await telegram.send_text(PARTICIPANT, "Yuliana")
        await telegram.wait_for(PARTICIPANT, 2)

        await page.goto(f"{bot_process.url}/desk/kunjungan/{booking.code}")
        rows = page.locator("table.agenda tbody tr:not(.problem)")
        spare = rows.nth(await rows.count() - 1)
        await spare.get_by_label("Hari").select_option("1")
        first_start = await rows.nth(0).get_by_label("Mulai").input_value()
        await spare.get_by_label("Mulai").fill(first_start)  # clashes with the first session
        first_end = await rows.nth(0).get_by_label("Selesai").input_value()
        await spare.get_by_label("Selesai").fill(first_end)
        await spare.get_by_label("Judul").fill("Kunjungan ke Warung Anggota Jawara")
        await page.get_by_role("button", name="Simpan agenda").click()
        await expect(page.get_by_role("alert")).to_contain_text("bentrok")
        agenda_now = await page.locator("table.agenda").inner_text()
        assert "Kunjungan ke Warung Anggota Jawara" not in (
            await _stored_titles(bot_process, booking.code)
        )
        assert agenda_now  # the typed rows are kept for correcting

        spare = page.locator("table.agenda tbody tr.invalid")
        await spare.get_by_label("Mulai").fill("16:30")
        await spare.get_by_label("Selesai").fill("17:00")
        await page.get_by_role("button", name="Simpan agenda").click()
        await expect(page.get_by_role("status")).to_contain_text("diperbarui")
    assert "Kunjungan ke Warung Anggota Jawara" in await _stored_titles(bot_process, booking.code)
    wait = (bot_process.push_at - datetime.now(bot_process.push_at.tzinfo)).total_seconds()
    pushed = await telegram.wait_for(PARTICIPANT, 3, within=max(wait, 0) + 30)
    assert "Kunjungan ke Warung Anggota Jawara" in pushed[-1].params["text"]


async def _stored_titles(bot: BotProcess, code: str) -> str:
    async with session_factory(bot.database)() as session:
        rows = await session.scalars(
            select(AgendaSession.title)
            .join(Booking, Booking.id == AgendaSession.booking_id)
            .where(Booking.code == code)
        )
        return " | ".join(rows)


async def test_reply_in_a_conversation_reaches_the_user_and_the_page_follows(
    bot_process: BotProcess, browser: Browser
) -> None:
    telegram = bot_process.telegram
    await telegram.send_text(ASKER, "saya mau bicara dengan petugas")
    await telegram.wait_for(ASKER, 1)
    await telegram.wait_for(STAFF_GROUP, 1)
    async with staff_page(browser, bot_process) as page:
        await page.get_by_role("link", name="Percakapan").click()
        await page.get_by_role("link", name="#1").click()
        transcript = page.locator("#transcript")
        await expect(transcript).to_contain_text("saya mau bicara dengan petugas")
        await telegram.send_text(ASKER, "rombongan kami 25 orang dari Padang")
        await expect(transcript).to_contain_text("25 orang dari Padang", timeout=10_000)
        await page.get_by_label("Balasan").fill("Baik Bapak, kami siapkan untuk 25 orang.")
        await page.get_by_role("button", name="Kirim").click()
        await expect(page.get_by_role("status")).to_contain_text("terkirim")
    answered = await telegram.wait_for(ASKER, 2)
    assert "kami siapkan untuk 25 orang" in answered[-1].params["text"]
    assert any("lewat desk" in text for text in telegram.texts(STAFF_GROUP))


async def test_calendar_counts_match_the_database(
    bot_process: BotProcess, browser: Browser
) -> None:
    day = bot_process.push_at.date() + timedelta(days=2)
    for chat, people in ((6201, 20), (6202, 15)):
        await bot_process.bookings.request(coop_tlm(day, 1, str(chat), participants=people))
    async with session_factory(bot_process.database)() as session:
        rows = (
            await session.execute(
                select(Booking.participants).where(
                    Booking.start_date == day, Booking.status.in_(["pending", "approved"])
                )
            )
        ).all()
    async with staff_page(browser, bot_process) as page:
        await page.goto(f"{bot_process.url}/desk/kalender?bulan={day:%Y-%m}")
        cell = page.locator(f'td[data-day="{day.isoformat()}"]')
        assert await cell.get_attribute("data-visits") == str(len(rows))
        assert await cell.get_attribute("data-participants") == str(sum(p for (p,) in rows))
        await expect(cell).to_contain_text(f"{sum(p for (p,) in rows)}/")
