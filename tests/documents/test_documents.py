"""The visit's documents, printed for real and read back as text, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ROOT
from bot.core.booking import BookingError, BookingRules
from bot.core.knowledge import Knowledge
from bot.core.visits import load_agenda_template
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.documents.host import load_host
from bot.documents.paperwork import Paperwork
from bot.documents.render import Printer
from bot.services.booking import BookingService, Capacity
from bot.services.documents import DocumentStore, Entry
from bot.services.visits import VisitService
from tests.documents.pdf import page_count, pdf_text
from tests.services.test_booking_service import REQUEST, TODAY, VISIT

ISSUED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 1 Desember 2026, 10:00 WIB
DOCUMENTS = ROOT / "data" / "documents"
CONTACT = {"contact_name": "Bapak Sehnuri", "contact_role": "Manajer Diklat & EO Kopjas BMI",
           "phone": "0856-9575-1994"}  # fmt: skip


@dataclass
class Office:
    bookings: BookingService
    visits: VisitService
    store: DocumentStore
    paperwork: Paperwork


@pytest.fixture
async def office(database_url: str, knowledge: Knowledge) -> AsyncIterator[Office]:
    await upgrade(database_url)
    database = create_engine(database_url)
    sessions = session_factory(database)
    rules = BookingRules(lead_days=7, max_pending_per_user=99, max_active_per_user=99)
    bookings = BookingService(sessions, rules, Capacity(25, 1000), today=lambda: TODAY)
    visits = VisitService(sessions, load_agenda_template(ROOT / "data" / "agenda.yml"))
    store = DocumentStore(sessions, ZoneInfo("Asia/Jakarta"), now=lambda: ISSUED)
    paperwork = Paperwork(
        store, Printer(DOCUMENTS / "templates"), load_host(DOCUMENTS / "host.yml", knowledge),
        bookings=bookings, visits=visits, contact=CONTACT,
        public_url="https://kunjungan.example.id", today=lambda: date(2026, 12, 1),
    )  # fmt: skip
    try:
        yield Office(bookings, visits, store, paperwork)
    finally:
        await database.dispose()


async def approved(office: Office, **changes: object) -> str:
    booking = await office.bookings.request(replace(REQUEST, **changes))  # type: ignore[arg-type]
    await office.bookings.approve(booking.code, "desk:7:Rina")
    return booking.code


async def test_the_confirmation_letter_says_what_a_travel_order_needs(office: Office) -> None:
    code = await approved(office)
    printed = await office.paperwork.letter(code)
    assert printed.issued.number == "001/DIKLAT-BMI/XII/2026"
    text = pdf_text(printed.pdf)
    for expected in (
        "Koperasi BMI Grup", "Nomor : 001/DIKLAT-BMI/XII/2026",
        "Perihal : Konfirmasi Kunjungan Belajar", "Tangerang, 1 Desember 2026",
        "Kepada Yth. Ibu Rina Dinas Koperasi dan UKM Sumatera Barat di Padang, Sumatera Barat",
        "Selasa, 8 Desember 2026", "27 orang", f"Kode kunjungan : {code}",
        "Bapak Sehnuri (Manajer Diklat & EO Kopjas BMI) di nomor 0856-9575-1994",
        "(.................................)",  # no signatory filled in: a line to sign
    ):  # fmt: skip
        assert expected in text, expected
    again = await office.paperwork.letter(code)  # asked again: the same letter
    assert again.issued.number == printed.issued.number
    assert pdf_text(again.pdf) == text


async def test_a_moved_visit_gets_a_new_letter_that_replaces_the_old(office: Office) -> None:
    code = await approved(office)
    first = await office.paperwork.letter(code)
    moved = VISIT + timedelta(days=1)
    await office.bookings.reschedule(code, moved, 1, "desk:7:Rina", note=lambda old: "pindah")
    with pytest.raises(BookingError):  # pending again: no letter until approved
        await office.paperwork.letter(code)
    await office.bookings.approve(code, "desk:7:Rina")
    second = await office.paperwork.letter(code)
    assert second.issued.number == "002/DIKLAT-BMI/XII/2026"
    text = pdf_text(second.pdf)
    assert "Rabu, 9 Desember 2026" in text
    assert f"menggantikan surat kami nomor {first.issued.number}" in text


async def test_attendance_list_names_who_joined_and_leaves_rows(office: Office) -> None:
    code = await approved(office, participants=8)
    for chat, name in (("1", "Mama Yuli"), ("2", "Bapak Andi")):
        await office.visits.join(code, "telegram", chat, name)
    text = pdf_text(await office.paperwork.attendance(code, 1))
    assert "DAFTAR HADIR" in text and "Mama Yuli" in text and "Bapak Andi" in text
    assert "Selasa, 8 Desember 2026" in text and "Tanda tangan" in text
    assert "8." in text and "9." not in text  # 2 named rows + 6 blank ones
    with pytest.raises(BookingError):
        await office.paperwork.attendance(code, 2)


async def test_a_receipt_spells_the_amount_and_a_correction_voids_it(office: Office) -> None:
    code = await approved(office)
    first = await office.paperwork.receipt(code, 2_500_000)
    text = pdf_text(first.pdf)
    assert "KUITANSI" in text and "001/KW-BMI/XII/2026" in text
    assert "Rp2.500.000" in text and "Dua juta lima ratus ribu rupiah" in text
    assert "Ibu Rina, Dinas Koperasi dan UKM Sumatera Barat" in text
    corrected = await office.paperwork.receipt(code, 2_750_000)
    text = pdf_text(corrected.pdf)
    assert "002/KW-BMI/XII/2026" in text and "Dua juta tujuh ratus lima puluh ribu" in text
    assert "membatalkan kuitansi nomor 001/KW-BMI/XII/2026" in text
    (current,) = [d for d in await office.store.of_booking("receipt", code) if not d.void]
    assert current.number == corrected.issued.number


async def test_certificates_carry_the_name_and_a_code_that_verifies(office: Office) -> None:
    code = await approved(office, days=2)
    for chat, name in (("1", "Mama Yuli"), ("2", "Bapak Andi")):
        await office.visits.join(code, "telegram", chat, name)
    printed = await office.paperwork.certificates(code)
    yuli = printed[("telegram", "1")]
    text = pdf_text(yuli.pdf)
    assert page_count(yuli.pdf) == 1
    assert "SERTIFIKAT" in text and "Mama Yuli" in text and "Bapak Andi" not in text
    assert "8–9 Desember 2026" in text
    code_of_yuli = yuli.issued.verify_code
    assert code_of_yuli and f"https://kunjungan.example.id/verify/{code_of_yuli}" in text
    again = await office.paperwork.certificates(code)  # the job ran twice: same numbers
    assert again[("telegram", "1")].issued.number == yuli.issued.number
    page, genuine = await office.paperwork.verification_page(code_of_yuli)
    assert genuine and "Mama Yuli" in page and "asli" in page and "0856" not in page
    page, genuine = await office.paperwork.verification_page("ABCDEF2345")
    assert not genuine and "tidak terdaftar" in page


async def test_letter_numbers_never_repeat_under_concurrent_approvals(office: Office) -> None:
    codes = [await approved(office, chat_id=str(n), participants=10) for n in range(20)]
    letters = await asyncio.gather(*(office.paperwork.letter(code) for code in codes))
    numbers = sorted(letter.issued.number for letter in letters)
    assert numbers == [f"{n:03d}/DIKLAT-BMI/XII/2026" for n in range(1, 21)]


async def test_a_new_years_first_numbers_taken_at_once_do_not_collide(office: Office) -> None:
    code = await approved(office)
    issued = await asyncio.gather(*(
        office.store.issue("receipt", code, "{seq}", [Entry({"n": n})]) for n in range(10)
    ))  # fmt: skip
    assert sorted(int(doc.number) for (doc,) in issued) == list(range(1, 11))
