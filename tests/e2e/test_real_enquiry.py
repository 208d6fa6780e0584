"""A whole enquiry as a Dinas official writes it, through the fake Telegram server and the
real Rasa model: greetings answered in kind, questions answered without starting a form,
questions inside the form answered and never taken as answers, the form put aside and
resumed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.core.calendar_text import MONTHS, date_span
from bot.core.texts import Texts
from tests.e2e.conftest import RunningBot, running_bot
from tests.e2e.test_booking import reply_to, visit_day
from tests.fakes.telegram_server import FakeTelegram

OFFICIAL = 5150


@pytest.fixture
async def bot(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    async with running_bot(settings, telegram) as running:
        yield running


async def test_a_dinas_officials_enquiry_of_a_dozen_turns(bot: RunningBot, texts: Texts) -> None:
    server = bot.server

    async def say(text: str) -> list[str]:
        return await reply_to(server, OFFICIAL, text)

    salam = await say("Assalamualaikum")
    assert salam[0].startswith("Wa'alaikumsalam warahmatullahi wabarakatuh")

    procedure = await say("bagaimana prosedur studi banding ke bmi?")
    assert texts("booking.ask.org_name") not in procedure  # a question, not a booking
    assert "1 sampai 3 hari" in "\n".join(procedure)

    assert (await say("mau daftar kunjungan"))[-1] == texts("booking.ask.org_name")
    cost = await say("berapa biayanya?")
    assert "biaya" in cost[0].lower() and cost[-1] == texts("booking.ask.org_name")

    await say("Kopwan Sekar Melati")
    airport = await say("dari bandara soekarno hatta ke bmi naik apa ya")
    assert airport[-1] == texts("booking.ask.origin")  # asked again, not filled

    participants = texts("booking.ask.participants", limit=60)
    assert (await say("kab solok, sumbar"))[-1] == participants
    programs = await say("program unggulan apa saja?")
    assert programs[-1] == participants and "Jawara" in "\n".join(programs)

    date_question = (await say("27 orang"))[-1]
    assert "tanggal" in date_question.lower()

    paused = await say("makasih")
    assert texts("booking.paused") in paused[-1]
    resumed = await say("lanjut daftar")
    assert resumed[0] == texts("booking.resumed") and resumed[-1] == date_question

    day = visit_day()
    for answer in (f"{day.day} {MONTHS[day.month - 1]}", "1 hari", "jawara", "Ibu Rina",
                   "081234567890"):  # fmt: skip
        await say(answer)
    summary = (await say("tidak ada"))[-1]
    assert "Kabupaten Solok, Sumatera Barat" in summary  # the region, written out

    left = await say("batal")
    assert left[-1] == texts("booking.left")


async def test_what_the_enquiry_said_is_kept_for_the_booking(
    bot: RunningBot, texts: Texts
) -> None:
    """The organisation named in the salam and the month named with a question are not asked
    again when the official then chooses to book (the real model tags the organisation)."""

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, OFFICIAL + 1, text)

    assert (await say("Assalamualaikum, sy dari dinkop kab solok"))[0].startswith(
        "Wa'alaikumsalam"
    )
    cost = await say("rencana studi tiru bulan maret, biayanya berapa ya?")
    assert "biaya" in cost[0].lower()
    started = await say("ok, mau daftar")
    assert started[-1] == texts("booking.ask.participants", limit=60)
    assert (await say("27 orang"))[-1].startswith("Untuk Maret")


async def test_a_letter_announcing_a_visit_is_answered_before_booking(
    bot: RunningBot, texts: Texts
) -> None:
    """Asking is not booking, even in a letter that announces the visit: the cost and the
    letter's addressee are answered, the booking offered, and "iya boleh" starts it without
    asking the organisation the letter named."""

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, OFFICIAL + 2, text)

    replies = await say(
        "Dengan hormat, kami dari Dinas Koperasi dan UKM Kabupaten Pasaman Barat bermaksud "
        "melaksanakan studi banding ke Koperasi BMI Grup. Mohon informasi biaya dan kepada "
        "siapa surat permohonan ditujukan?"
    )
    assert "biaya" in replies[0].lower() and "surat" in replies[1].lower()
    assert replies[-1] == texts("booking.offer")
    started = await say("iya boleh")
    assert started[0] == texts("booking.start")
    assert started[-1] == texts("booking.ask.participants", limit=60)


async def test_a_plan_beside_two_questions_and_a_statement_of_the_group(
    bot: RunningBot, texts: Texts
) -> None:
    """Found in the console, with the real model: a plan said beside two questions got the
    answers without the offer ("iya boleh pak" then got "Ada lagi…?"), and the group's size
    said as a statement read as the requirements question."""

    async def say(text: str, chat: int = OFFICIAL + 12) -> list[str]:
        return await reply_to(bot.server, chat, text)

    replies = await say(
        "Assalamualaikum pak, kami dari Dinas Koperasi Kab. Pesisir Selatan berencana studi "
        "tiru ke BMI. Berapa biayanya dan apakah ada penginapan dekat lokasi?"
    )
    assert replies[0].startswith("Wa'alaikumsalam") and "biaya" in replies[0].lower()
    assert "penginapan" in replies[1].lower() and replies[-1] == texts("booking.offer")
    started = await say("iya boleh pak")
    assert started[-1] == texts("booking.ask.participants", limit=60)  # name, origin kept

    told = await say("baik bu, kalau begitu kami bawa 55 orang saja", OFFICIAL + 13)
    assert told == [texts("booking.offer_plan")]  # a plan told alone: welcomed, offered


async def test_a_letter_requesting_a_visit_fills_the_form(bot: RunningBot, texts: Texts) -> None:
    """A whole request letter with every detail (found in the console, a Dinas from Tanah
    Datar: the real model reads it as a question about visits, book_visit second) fills the
    form: only the notes are left to ask."""
    day = visit_day(60, 1)
    when = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    letter = (
        "Kepada Yth. Pimpinan Koperasi BMI Grup di Tangerang. Dengan hormat, dalam rangka "
        "meningkatkan kapasitas pengelola koperasi, Dinas Koperasi, UKM dan Perdagangan "
        f"Kabupaten Tanah Datar bermaksud melaksanakan kunjungan studi tiru ke Koperasi BMI "
        f"Grup pada tanggal {when} selama 1 (satu) hari dengan jumlah peserta 25 orang yang "
        "terdiri dari pengurus koperasi dan ASN. Adapun materi yang kami harapkan yaitu "
        "pemberdayaan anggota dan Jawara. Narahubung: Ibu Desi Ratnasari (0813 7412 5566). "
        "Demikian kami sampaikan, atas perhatian dan kerjasamanya diucapkan terima kasih."
    )
    replies = await reply_to(bot.server, OFFICIAL + 9, letter)
    assert replies == [texts("booking.start"), texts("booking.ask.notes")]
    summary = (await reply_to(bot.server, OFFICIAL + 9, "tidak ada"))[-1]
    assert "Dinas Koperasi, UKM dan Perdagangan Kabupaten Tanah Datar" in summary
    assert "Kabupaten Tanah Datar, Sumatera Barat" in summary and "25 orang" in summary


async def test_a_sundanese_enquirer_and_bmis_own_city(bot: RunningBot, texts: Texts) -> None:
    """ "abdi ti" (saya dari) names the organisation, "40 urang" the group size; "ke BMI di
    Kota Tangerang" is where they go, neither their organisation nor their origin."""

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, OFFICIAL + 3, text)

    await say("sampurasun, abdi ti kopwan sekar melati")
    await say("bade studi tiru ka BMI di Kota Tangerang, kumaha prosedurna?")
    started = await say("daftar kunjungan 40 urang")
    assert started[-1] == texts("booking.ask.origin")  # organisation and size were said
    await say("Garut, Jawa Barat")
    for answer in ("dalam 2 minggu ini", "tidak tahu"):  # refused dates: nothing else asked
        await say(answer)
    day = visit_day()
    await say(f"{day.day} {MONTHS[day.month - 1]}")
    for answer in ("1 hari", "jawara", "Ibu Euis", "081234567890"):
        await say(answer)
    summary = "\n".join(await say("tidak ada"))
    assert "Kopwan Sekar Melati" in summary or "Koperasi Wanita Sekar Melati" in summary
    assert "40" in summary and "Garut" in summary and "Tangerang" not in summary


async def test_three_questions_in_kupang_malay_get_three_answers(
    bot: RunningBot, texts: Texts
) -> None:
    """Found in the console: only the cost was answered; the questions were cut at "?" and
    "dan" only, not at commas or "trus"."""
    replies = await reply_to(
        bot.server,
        OFFICIAL + 4,
        "beta dari kopwan flobamora kupang, katong mau tanya dulu. biaya berapa, bisa nginap "
        "dimana, trus makanan halal ko sonde?",
    )
    joined = "\n".join(replies).lower()
    assert "biaya" in joined and "penginapan" in joined and "salat" in joined


async def test_a_long_letter_gets_its_three_questions_answered_and_no_other(
    bot: RunningBot, texts: Texts
) -> None:
    """Found in the console: the letter's "Yth. Pengurus Koperasi BMI Grup." was answered
    as a question about BMI, and the requirements and the letter's addressee were not."""
    replies = await reply_to(
        bot.server,
        OFFICIAL + 5,
        "Yth. Pengurus Koperasi BMI Grup. Dengan hormat, sehubungan dengan program peningkatan "
        "kapasitas koperasi, Dinas Koperasi dan UKM Kabupaten Agam bermaksud melaksanakan studi "
        "tiru ke Koperasi BMI Grup pada bulan Maret 2027 dengan jumlah peserta 30 orang selama "
        "2 hari. Mohon informasi biaya, persyaratan, dan kepada siapa surat permohonan "
        "ditujukan. Atas perhatiannya kami ucapkan terima kasih.",
    )
    assert not any(reply.startswith("Koperasi BMI Grup, berkantor") for reply in replies)
    assert "biaya" in replies[0].lower()
    assert len(replies) == 4 and replies[-1] == texts("booking.offer")


async def test_a_formal_request_then_can_we_and_the_contact_in_one_line(
    bot: RunningBot, texts: Texts
) -> None:
    """Found in the console (a Dinas from Kutai Kartanegara, three days): "apakah bisa pak?"
    where the topics are asked is answered, not taken as the topic, and "baik pak, kontak
    saya Bapak Hendra Saputra 0812…" there keeps both the name and the number."""
    first = visit_day(60, 3)
    month = MONTHS[first.month - 1]

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, OFFICIAL + 14, text)

    started = await say(
        "Assalamualaikum wr wb. Dengan hormat, kami dari Dinas Koperasi dan UKM Kabupaten Kutai "
        f"Kartanegara bermaksud melaksanakan studi banding ke Koperasi BMI pada tanggal "
        f"{first.day} {month} {first.year} selama 3 hari dengan jumlah peserta 35 orang."
    )
    assert started[0].startswith("Wa'alaikumsalam") and started[-1] == texts("booking.ask.topics")
    assert await say("apakah bisa pak?") == [texts("booking.can_we"), texts("booking.ask.topics")]
    contact = await say("baik pak, kontak saya Bapak Hendra Saputra 081234567890")
    assert contact[0] == texts(
        "booking.contact_phone_noted", name="Bapak Hendra Saputra", phone="+6281234567890"
    )
    assert (await say("pemberdayaan anggota dan digital marketing"))[-1] == texts(
        "booking.ask.notes"
    )
    summary = (await say("tidak ada"))[-1]
    assert "Kabupaten Kutai Kartanegara, Kalimantan Timur" in summary
    assert "35 orang" in summary and "(3 hari)" in summary
    assert "Penanggung jawab: Bapak Hendra Saputra, +6281234567890" in summary


async def test_a_teacher_books_with_oke_after_a_free_day(bot: RunningBot, texts: Texts) -> None:
    """Found in the console (an SMK from Serang): "oke" to "… masih tersedia. Ingin langsung
    mendaftar?" starts the booking with what the chat said (school, town), and the group
    (52 + 4) is taken where it is asked."""
    day = visit_day(45, 1)
    when = f"{day.day} {MONTHS[day.month - 1]}"

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, OFFICIAL + 15, text)

    await say(
        "assalamualaikum bu, sy guru SMKN 2 Kota Serang jurusan akuntansi. mau tanya, apakah "
        "siswa smk boleh kunjungan ke bmi? kira2 ada sertifikatnya tidak?"
    )
    free = await say(f"tgl {when} bisa?")  # asking, so the booking offered is not taken
    assert free[-1].endswith("Ingin langsung mendaftar?")
    started = await say("oke")
    assert started[0] == texts("booking.start")
    assert started[-1].startswith("Berapa perkiraan jumlah peserta")
    assert await say("siswanya 52 orang + 4 guru pendamping") == [texts("booking.ask.days")]
    for answer in ("1 hari saja bu", "jawara", "saya sendiri bu, Ibu Nurlaela", "087812345678"):
        await say(answer)
    summary = (await say("tidak ada"))[-1]
    assert "SMKN 2 Kota Serang (" in summary and "Kota Serang, Banten" in summary
    assert "56 orang" in summary and "Penanggung jawab: Ibu Nurlaela" in summary


async def test_a_fast_writer_who_changes_the_date_and_adds_a_need(
    bot: RunningBot, texts: Texts
) -> None:
    """Found in the console on 2026-12-07: "min mw dftr kunjngn" (vowels dropped) read as a
    greeting, "Dengan hormat," alone got staff's contact, "👍" at a step a complaint, a new
    date where the topic was asked became the topic, and a need asked where the notes were
    was lost."""
    chat = OFFICIAL + 20

    async def say(text: str) -> list[str]:
        return await reply_to(bot.server, chat, text)

    assert await say("Dengan hormat,") == [texts("menu.ask_away")]
    started = await say("min mw dftr kunjngn")
    assert texts("booking.ask.org_name") in started or texts("booking.offer_plan") in started
    if texts("booking.ask.org_name") not in started:  # offered: the name takes the offer
        assert texts("booking.ask.org_name") in await say("iya")
    assert await say("👍") == [texts("booking.ask.org_name")]
    await say("Kopwan Mawar Sari Sleman")
    first, later = visit_day(60, 2), visit_day(67, 2)
    for answer in ("30", f"{first.day} {MONTHS[first.month - 1]} {first.year}", "2 hari"):
        await say(answer)
    moved = await say(f"eh tanggalnya diganti {later.day} {MONTHS[later.month - 1]} aja")
    assert moved[-1] == texts("booking.ask.topics") and len(moved) == 2
    for answer in ("jawara", "Bu Endang 0813 2222 3333"):
        await say(answer)
    need = "rombongan datang naik pesawat, mohon info hotel terdekat"
    summary = (await say(need))[-1]
    assert f"Catatan: {need}" in summary and "(2 hari)" in summary
    assert f"Tanggal: {date_span(later, 2)}\n" in summary and "Topik: Jawara" in summary
