"""Documents end to end: the real bot on the fake Telegram server, staff commands, the
requester's request, certificates with the thank-you, the public /verify page."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
from sqlalchemy import update

from bot.db.models import Booking
from tests.desk.conftest import STAFF, STAFF_GROUP, DeskSite, desk_settings, site, telegram
from tests.documents.pdf import pdf_text
from tests.e2e.conftest import coop_tlm
from tests.e2e.test_booking import visit_day

__all__ = ["desk_settings", "site", "telegram"]  # the desk tests' running bot
REQUESTER, YULI, ANDI = 7301, 7302, 7303


async def approved(desk: DeskSite, days: int = 1) -> str:
    bookings = desk.bot.app.bookings
    booking = await bookings.request(coop_tlm(visit_day(days=days), days, str(REQUESTER)))
    await desk.telegram.press(STAFF_GROUP, f"sa:{booking.code}", user_id=STAFF,
                              chat_type="supergroup")  # fmt: skip
    await desk.telegram.wait_for(REQUESTER, 2, method="sendDocument")  # .ics and letter
    return booking.code


async def test_staff_commands_print_and_payment_reaches_the_requester(site: DeskSite) -> None:
    telegram = site.telegram
    code = await approved(site)
    for command in (f"/surat {code}", f"/hadir {code} 1", f"/bayar {code} Rp2.500.000"):
        await telegram.send_text(STAFF_GROUP, command, user_id=STAFF, chat_type="supergroup")
    letter, attendance, receipt = await telegram.wait_for(STAFF_GROUP, 3, method="sendDocument")
    assert "Konfirmasi Kunjungan Belajar" in pdf_text(letter.params["document"]["content"])
    assert "DAFTAR HADIR" in pdf_text(attendance.params["document"]["content"])
    assert "Dua juta lima ratus ribu rupiah" in pdf_text(receipt.params["document"]["content"])
    sent = await telegram.wait_for(REQUESTER, 3, method="sendDocument")
    for_spj = pdf_text(sent[-1].params["document"]["content"])
    assert "KUITANSI" in for_spj and "Rp2.500.000" in for_spj
    assert any("SPJ" in text for text in telegram.texts(REQUESTER))


async def test_the_requester_asks_for_the_letter_again(site: DeskSite) -> None:
    telegram = site.telegram
    code = await approved(site)
    first = (await telegram.wait_for(REQUESTER, 2, method="sendDocument"))[-1]
    await telegram.send_text(REQUESTER, "surat konfirmasinya bisa dikirim lagi pak? untuk SPPD")
    again = (await telegram.wait_for(REQUESTER, 3, method="sendDocument"))[-1]
    assert again.params["document"]["filename"] == first.params["document"]["filename"]
    assert code in pdf_text(again.params["document"]["content"])
    # from a chat with no approved visit it is an enquiry: answered, no document
    await telegram.send_text(7399, "apakah ada surat konfirmasi dari BMI untuk SPPD kami?")
    said = (await telegram.wait_for(7399, 1))[-1].params["text"]
    assert "surat" in said.lower() and not telegram.sent(7399, method="sendDocument")


async def test_certificates_come_with_the_thanks_and_verify(site: DeskSite) -> None:
    telegram = site.telegram
    code = await approved(site, days=2)
    invite = (await site.bot.app.bookings.get(code)).invite_code  # type: ignore[union-attr]
    for chat, name in ((YULI, "Mama Yuli"), (ANDI, "Bapak Andi")):
        await telegram.send_text(chat, f"gabung {invite}")
        await telegram.wait_for(chat, 1)
        await telegram.send_text(chat, name)
        await telegram.wait_for(chat, 2)
    before = len(telegram.sent(YULI))
    await telegram.send_text(YULI, "nanti dapat sertifikat kah?")  # before the visit: when
    told = (await telegram.wait_for(YULI, before + 1))[-1].params["text"]
    assert "setelah hari terakhir" in told
    pushes = site.bot.app.scheduler.jobs.pushes
    assert pushes is not None
    await pushes.feedback(code)  # what the job does after the last day
    (certificate,) = await telegram.wait_for(YULI, 1, method="sendDocument")
    assert certificate.params["document"]["filename"].startswith("sertifikat-")
    text = pdf_text(certificate.params["document"]["content"])
    assert "Mama Yuli" in text and "Bapak Andi" not in text
    verify_url = next(word for word in text.split() if "/verify/" in word)
    thanks = telegram.texts(YULI)[-1]
    assert "Terima kasih" in thanks and "Sertifikat" in thanks
    async with aiohttp.ClientSession() as http:
        async with http.get(verify_url) as page:
            assert page.status == 200
            body = await page.text()
            assert "Mama Yuli" in body and "asli" in body
        async with http.get(f"{site.url}/verify/ZZZZZZZZZZ") as fake:
            assert fake.status == 404
            assert "tidak terdaftar" in await fake.text()


async def test_a_participant_asks_for_the_certificate_again(site: DeskSite) -> None:
    """ "sertifikat saya belum dapat" after the visit: the same certificate again, issued now
    if the thanks had not gone yet; the requester is told where the participants' went."""
    telegram = site.telegram
    code = await approved(site, days=1)
    booking = await site.bot.app.bookings.get(code)
    assert booking is not None and booking.invite_code
    await telegram.send_text(ANDI, f"gabung {booking.invite_code}")
    await telegram.wait_for(ANDI, 1)
    await telegram.send_text(ANDI, "Bapak Andi")
    await telegram.wait_for(ANDI, 2)
    # before the visit: when it comes and the name it will carry (console: when alone)
    await telegram.send_text(ANDI, "nanti sertifikatnya atas nama siapa?")
    assert "atas nama Bapak Andi" in (await telegram.wait_for(ANDI, 3))[-1].params["text"]
    async with site.bot.app.sessions.begin() as session:  # the visit was last week
        past = booking.start_date - timedelta(days=(booking.start_date.toordinal() % 7) + 40)
        await session.execute(update(Booking).where(Booking.code == code).values(start_date=past))
    await telegram.send_text(ANDI, "pak sertifikat saya belum dapat, bisa minta dikirim?")
    (first,) = await telegram.wait_for(ANDI, 1, method="sendDocument")
    assert "Bapak Andi" in pdf_text(first.params["document"]["content"])
    await telegram.send_text(ANDI, "maaf hilang, minta sertifikatnya lagi")
    again = (await telegram.wait_for(ANDI, 2, method="sendDocument"))[-1]
    assert again.params["document"]["filename"] == first.params["document"]["filename"]
    before = len(telegram.sent(REQUESTER))
    await telegram.send_text(REQUESTER, "sertifikat peserta kami bagaimana pak?")
    told = (await telegram.wait_for(REQUESTER, before + 1))[-1].params["text"]
    assert "sudah kami kirimkan" in told and "(1 orang)" in told
