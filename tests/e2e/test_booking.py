"""A booking end to end: a user on Telegram, staff in their group, real Rasa, SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest

from bot.config import ROOT, Settings
from bot.core.calendar_text import MONTHS
from bot.holidays import closed_days
from nlu.dates import VENUE_TZ
from tests.documents.pdf import pdf_text
from tests.e2e.conftest import RunningBot, running_bot
from tests.fakes.telegram_server import FakeTelegram

STAFF_GROUP, STAFF, OUTSIDER, USER = -100999, 77, 78, 4100


HOLIDAYS = closed_days(ROOT / "data" / "holidays.yml")


def visit_day(offset: int = 30, days: int = 2) -> date:
    """A start date `offset` days ahead (past the lead time) whose `days` days are all open:
    no Sunday, no holiday, whatever the date the tests run on."""
    day = datetime.now(VENUE_TZ).date() + timedelta(days=offset)
    while any(
        (day + timedelta(days=d)).weekday() == 6 or day + timedelta(days=d) in HOLIDAYS
        for d in range(days)
    ):
        day += timedelta(days=1)
    return day


@pytest.fixture
async def staffed(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    staffed_settings = settings.model_copy(
        update={"staff_chat_id": STAFF_GROUP, "staff_user_ids": [STAFF]}
    )
    async with running_bot(staffed_settings, telegram) as bot:
        yield bot


async def reply_to(server: FakeTelegram, chat: int, text: str) -> list[str]:
    """Every message the bot sent back to one user message."""
    before = len(server.sent(chat))
    await server.send_text(chat, text)
    await server.wait_for(chat, before + 1)
    while True:  # a reply can be several messages: wait until the chat is quiet
        count = len(server.sent(chat))
        await asyncio.sleep(0.3)
        if len(server.sent(chat)) == count:
            return server.texts(chat)[before:]


async def test_one_message_booking_then_staff_approval(staffed: RunningBot) -> None:
    server = staffed.server
    day = visit_day()
    spoken = f"{day.day} {MONTHS[day.month - 1]}"
    first = await reply_to(
        server, USER, f"kami dari Dinas Koperasi Sumbar mau studi tiru 27 orang tanggal {spoken}"
    )
    assert any("pendaftaran kunjungan" in text for text in first)
    await server.wait_for(USER, 2)
    # org, kind, origin ("Sumbar"), size and date already known: never asked again
    assert "Berapa hari" in server.texts(USER)[-1]
    await server.press(USER, "bn:1")
    await server.wait_for(USER, 3)
    await reply_to(server, USER, "jawara")
    await reply_to(server, USER, "Ibu Rina")
    await reply_to(server, USER, "0812 3456 7890")
    summary = (await reply_to(server, USER, "tidak ada"))[-1]
    assert "Dinas Koperasi Sumatera Barat" in summary
    assert "27 orang" in summary
    count = len(server.sent(USER))
    await server.press(USER, "bs:send")
    (done,) = (await server.wait_for(USER, count + 1))[count:]
    code = done.params["text"].split("kode pendaftaran ")[1][:5]

    (request,) = await server.wait_for(STAFF_GROUP, 1)
    assert code in request.params["text"]
    markup = request.params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in markup for b in row] == [f"sa:{code}", f"sd:{code}"]

    await server.press(STAFF_GROUP, f"sa:{code}", user_id=OUTSIDER, chat_type="supergroup")
    refusal = (await server.wait_for(STAFF_GROUP, 2))[-1]
    assert "hanya petugas" in refusal.params["text"]
    await server.press(STAFF_GROUP, f"sa:{code}", user_id=STAFF, chat_type="supergroup")
    await server.wait_for(STAFF_GROUP, 3)
    invitation, letter = await server.wait_for(USER, 2, method="sendDocument")
    assert invitation.params["document"]["filename"] == f"kunjungan-{code}.ics"
    assert b"BEGIN:VCALENDAR" in invitation.params["document"]["content"]
    # the host's confirmation letter, for the delegation's travel orders
    assert letter.params["document"]["filename"].startswith("surat-konfirmasi-")
    text = pdf_text(letter.params["document"]["content"])
    assert "Konfirmasi Kunjungan Belajar" in text and code in text
    approval = [t for t in server.texts(USER) if "DISETUJUI" in t]
    assert approval
    assert "https://t.me/kunjungan_bmi_bot?start=" in approval[0]


async def test_someone_elses_code_is_refused(staffed: RunningBot) -> None:
    server = staffed.server
    texts = await reply_to(server, 4200, "cek status booking KJ7Q2")
    assert "tidak menemukan pendaftaran dengan kode KJ7Q2" in texts[-1]


async def test_staff_chatter_is_ignored_and_commands_answered(staffed: RunningBot) -> None:
    server = staffed.server
    await server.send_text(STAFF_GROUP, "rapat jam 2 ya", user_id=STAFF, chat_type="supergroup")
    await server.send_text(STAFF_GROUP, "/pending", user_id=STAFF, chat_type="supergroup")
    (call,) = await server.wait_for(STAFF_GROUP, 1)
    assert "permohonan" in call.params["text"].lower()


async def book_step_by_step(server: FakeTelegram, chat: int, day: date) -> str:
    """Book with one answer per question, hitting the validations on the way; the code."""
    assert "nama lembaga" in "\n".join(await reply_to(server, chat, "saya mau daftar kunjungan"))
    assert "lengkap" in "\n".join(await reply_to(server, chat, "ab"))
    await reply_to(server, chat, "Koperasi Wanita Setia Budi")
    asked_origin = await reply_to(server, chat, "berapa biayanya?")  # asked, answered, re-asked
    assert any("Rincian biaya" in text for text in asked_origin)
    await reply_to(server, chat, "Kupang, NTT")
    assert "maksimal 60" in "\n".join(await reply_to(server, chat, "500 orang"))
    await reply_to(server, chat, "25 orang")
    assert "7 hari" in "\n".join(await reply_to(server, chat, "besok"))
    await reply_to(server, chat, f"{day.day} {MONTHS[day.month - 1]}")
    await reply_to(server, chat, "2")
    await reply_to(server, chat, "pelatihan digital marketing")
    await reply_to(server, chat, "Mama Yuli")
    assert "belum sesuai" in "\n".join(await reply_to(server, chat, "12345"))
    await reply_to(server, chat, "+62 813 1111 2222")
    assert "Kirim" in "\n".join(await reply_to(server, chat, "tidak ada"))
    done = (await reply_to(server, chat, "kirim"))[-1]
    return done.split("kode pendaftaran ")[1][:5]


async def test_step_by_step_decline_and_the_requester_is_told(staffed: RunningBot) -> None:
    server = staffed.server
    code = await book_step_by_step(server, 4300, visit_day(37))
    await server.wait_for(STAFF_GROUP, 1)
    await server.press(STAFF_GROUP, f"sd:{code}", user_id=STAFF, chat_type="supergroup")
    await server.wait_for(STAFF_GROUP, 2)
    await server.send_text(
        STAFF_GROUP, "Aula dipakai rapat anggota tahunan", user_id=STAFF, chat_type="supergroup"
    )
    await server.wait_for(STAFF_GROUP, 3)
    told = await server.wait_for(4300, len(server.sent(4300)))
    assert any("Aula dipakai rapat anggota tahunan" in c.params["text"] for c in told)


async def test_reschedule_then_cancel(staffed: RunningBot) -> None:
    server = staffed.server
    first_day = visit_day(44)
    code = await book_step_by_step(server, 4400, first_day)
    new_day = visit_day((first_day - datetime.now(VENUE_TZ).date()).days + 3)
    moved = await reply_to(
        server, 4400, f"mau ganti tanggal kunjungan ke {new_day.day} {MONTHS[new_day.month - 1]}"
    )
    assert f"Jadwal pendaftaran {code} sudah kami ubah" in moved[-1]
    rescheduled = await server.wait_for(STAFF_GROUP, 2)
    assert "jadwal ulang" in rescheduled[-1].params["text"]
    confirm = await reply_to(server, 4400, f"tolong batalkan kunjungan {code}")
    assert "yakin" in confirm[-1]
    count = len(server.sent(4400))
    await server.press(4400, "cy")
    (done,) = (await server.wait_for(4400, count + 1))[count:]
    assert f"{code} sudah kami batalkan" in done.params["text"]


async def test_a_new_group_size_and_number_after_sending(staffed: RunningBot) -> None:
    """Found in the console (a KSPPS from Bogor): "pak, maaf peserta kami bertambah jadi 30
    orang" after sending got the staff contact, "nomor baru …" BMI's contacts; nothing
    changed."""
    server = staffed.server
    code = await book_step_by_step(server, 4500, visit_day(51))
    asked = await reply_to(server, 4500, "pak, maaf peserta kami bertambah jadi 30 orang")
    assert f"Pendaftaran {code}" in asked[-1] and "25 orang" in asked[-1]
    done = await reply_to(server, 4500, "iya pak")
    assert f"Jumlah peserta pendaftaran {code} sudah kami ubah menjadi 30 orang" in done[-1]
    told = await server.wait_for(STAFF_GROUP, 2)
    assert "Jumlah peserta diubah" in told[-1].params["text"]
    assert "Jumlah peserta: 30 orang" in told[-1].params["text"]
    asked = await reply_to(server, 4500, "maaf pak, nomor baru penanggung jawab 0813 5555 6666")
    assert f"Nomor penanggung jawab pendaftaran {code}" in asked[-1]
    done = await reply_to(server, 4500, "ya")
    assert "sudah kami ubah menjadi +6281355556666" in done[-1]
    told = await server.wait_for(STAFF_GROUP, 3)
    assert "+6281355556666" in told[-1].params["text"]
