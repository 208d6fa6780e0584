"""What a user tells again in the middle of the form: a new date where the topic or the
contact is asked changes the visit's date (it is no topic, no name), and what an opening
message names is kept as a letter would write it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Kind
from bot.core.nlu import Entity, NluResult
from bot.core.texts import Texts
from bot.services.places import IndonesianPlaces
from tests.core.test_booking_flow import World, make_world
from tests.fakes.nlu import tagged_at


@pytest.fixture
async def world(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> AsyncIterator[World]:
    places = IndonesianPlaces.load(ROOT / "data" / "organisations.yml")
    async with make_world(sqlite_url, answers, texts, keywords, places=places) as built:
        yield built


async def texts_of(world: World, message: str) -> list[str]:
    return [reply.text for reply in await world.say(message)]


async def test_a_new_date_told_where_the_topic_or_the_contact_is_asked(
    world: World, texts: Texts
) -> None:
    """Found in the console (a women's cooperative from Sidoarjo): "eh tanggalnya diganti 28
    januari aja kak" where the topic was asked became the topic."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "10 februari 2027"):
        await world.say(answer)
    assert (await texts_of(world, "2 hari"))[-1] == texts("booking.ask.topics")
    changed = await texts_of(world, "eh tanggalnya diganti 17 februari aja")
    assert changed == [
        texts("booking.date_changed", when="Rabu, 17 Februari 2027"),
        texts("booking.ask.topics"),
    ]
    assert (await texts_of(world, "digital marketing"))[-1] == texts("booking.ask.contact_name")
    again = await texts_of(world, "tgl nya diundur 24 februari ya")
    assert again == [
        texts("booking.date_changed", when="Rabu, 24 Februari 2027"),
        texts("booking.ask.contact_name"),
    ]
    refused = await texts_of(world, "tanggalnya jadi 14 februari saja")  # a Sunday
    assert refused == [
        texts("booking.date_closed", day="Minggu, 14 Februari 2027"),
        texts("booking.ask.contact_name"),
    ]
    summary = await world.summary_after(("Bu Ani", "081234567890"))
    assert "Tanggal: 24–25 Februari 2027 (2 hari)\n" in summary  # the length kept
    assert "Topik: Pelatihan Digital Marketing\n" in summary
    assert "Penanggung jawab: Bu Ani," in summary


async def test_the_forms_own_length_or_date_changed_is_no_move_of_a_booking(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSU from Cirebon): "eh ganti, kami jadi 2 hari" where the topic
    was asked (moving a booking, 0.97) put the form aside for "no active booking"; so did
    "tanggalnya mundur seminggu ya"."""
    world.nlu.add("eh ganti, kami jadi 2 hari", "reschedule_booking", 0.97)
    world.nlu.add("tanggalnya mundur seminggu ya", "reschedule_booking", 0.99)
    world.nlu.add("eh jadi 5 hari deh", "reschedule_booking", 0.9)
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "15 februari 2027"):
        await world.say(answer)
    assert (await texts_of(world, "1 hari"))[-1] == texts("booking.ask.topics")
    assert await texts_of(world, "eh ganti, kami jadi 2 hari") == [
        texts("booking.days_noted", days=2), texts("booking.ask.topics")
    ]  # fmt: skip
    assert await texts_of(world, "eh jadi 5 hari deh") == [
        texts("booking.days_kept", most=3, days=2), texts("booking.ask.topics")
    ]  # fmt: skip
    await world.say("jawara")
    assert await texts_of(world, "tanggalnya mundur seminggu ya") == [
        texts("booking.date_changed", when="Senin, 22 Februari 2027"),
        texts("booking.ask.contact_name"),
    ]
    summary = await world.summary_after(("Bu Lina", "081277788899"))
    assert "Tanggal: 22–23 Februari 2027 (2 hari)\n" in summary


async def test_a_kind_written_where_the_origin_is_asked_and_buses_for_the_group(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Gapoktan from Tasikmalaya): "lembaga lain" where the origin
    was asked became the organisation's name, and "2 bus" where the group size was asked
    became 2 people."""
    for answer in ("mau daftar kunjungan", "Gapoktan Sumber Makmur"):
        await world.say(answer)
    kind = await texts_of(world, "lembaga lain")
    assert kind == [
        texts("booking.kind_noted", kind="Lembaga lain"), texts("booking.ask.origin")
    ]  # fmt: skip
    await world.say("desa sukamaju kecamatan cikalong kabupaten tasikmalaya")
    buses = await texts_of(world, "2 bus")
    assert buses[-1] == texts("booking.ask.participants", limit=100)
    assert (await texts_of(world, "sekitar 50 orang"))[-1] == texts(
        "booking.ask.start_date", lead_days=7
    )
    summary = await world.summary_after(
        ["10 februari 2027", "1 hari", "jawara", "Pak Asep 081234500011"]
    )
    assert "Lembaga: Gapoktan Sumber Makmur (Lembaga lain)\n" in summary
    assert "Jumlah peserta: 50 orang\n" in summary


async def test_the_lead_time_complained_of_where_a_name_is_asked_is_no_name(
    world: World, texts: Texts, answers: Answers
) -> None:
    """Found in the console: after "kami rombongan 45 orang mau ke bmi besok, bisa?" was told
    the lead time, "yah kok lama harus 7 hari" became the organisation's name."""
    await world.say("mau daftar kunjungan")
    world.nlu.add("yah kok lama harus 7 hari", "nlu_fallback", 0.2)
    assert await texts_of(world, "yah kok lama harus 7 hari") == [
        texts("booking.urgent", **answers.main_contact()), texts("booking.ask.org_name")
    ]  # fmt: skip


async def test_an_opening_message_with_everything_in_lower_case(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Dinas from Pesisir Selatan): the tagger ran the name on into
    "rencana" ("Dinas Koperasi UKM Kabupaten Pesisir Selatan Rencana"), and the contact was
    kept as "Ibu rina"."""
    message = (
        "assalamualaikum pak kami dari dinas koperasi ukm kab pesisir selatan rencana mau "
        "kunjungan tgl 14 januari 2027 jumlah 30 orang materi jawara dan digital marketing "
        "cp ibu rina 081234567890"
    )
    tagged = "dinas koperasi ukm kab pesisir selatan rencana"
    world.nlu.add(message, "book_visit", 0.9, organization=tagged)
    assert (await texts_of(world, message))[-1] == texts("booking.ask.days")
    for answer in ("1 hari", "jawara"):  # the programs: tagged by the model, not here
        await world.say(answer)
    summary = (await world.say("tidak ada"))[-1].text
    assert "Lembaga: Dinas Koperasi UKM Kabupaten Pesisir Selatan (" in summary
    assert "Asal: Kabupaten Pesisir Selatan, Sumatera Barat\n" in summary
    assert "Penanggung jawab: Ibu Rina, +6281234567890\n" in summary


async def test_a_second_group_in_the_opening_message_goes_to_the_notes(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Dinas from Jambi): the second of two groups ("gelombang 2
    tanggal 23 maret 2027 35 orang") was silently dropped."""
    message = (
        "assalamualaikum, kami dari Dinas Koperasi UKM Provinsi Jambi mau studi banding, kami "
        "ada 2 gelombang, gelombang 1 tanggal 16 maret 2027 40 orang, gelombang 2 tanggal 23 "
        "maret 2027 35 orang"
    )
    world.nlu.add(message, "book_visit", 0.9, organization="Dinas Koperasi UKM Provinsi Jambi")
    replies = await texts_of(world, message)
    assert replies[1:] == [texts("booking.waves"), texts("booking.ask.days")]
    for answer in ("1 hari", "jawara"):
        await world.say(answer)
    summary = (await world.say("Bu Ratna 081299887766"))[-1].text  # the notes are kept
    assert "Jumlah peserta: 40 orang\nTanggal: Selasa, 16 Maret 2027\n" in summary
    assert "Catatan: gelombang 2 tanggal 23 maret 2027 35 orang\n" in summary


@pytest.mark.parametrize(
    "heard",
    [
        "👍",
        "ok pak",
        "siap",
        "iya kak 🙏",
        "boleh bu",
        "ok, tolong didaftarkan",
        "oke, daftar saja",
        "oke bu, kalau gitu sy daftar sekalian",  # console, a Dinas from Kutai Kartanegara
        "oke, daftar sa",  # Kupang (console)
    ],
)
async def test_a_yes_where_a_step_is_asked_asks_it_again(
    world: World, texts: Texts, heard: str
) -> None:
    """Found in the console: "👍" where the organisation was asked got "Mohon tuliskan nama
    lembaga dengan lengkap (3 sampai 160 huruf)"; a yes is no mistake ("boleh bu" where the
    date was asked: "tanggalnya belum saya pahami", a farmers' group from Ngawi; "ok, tolong
    didaftarkan" where the contact was asked became the contact, Cilegon)."""
    assert (await texts_of(world, "mau daftar kunjungan"))[-1] == texts("booking.ask.org_name")
    assert await texts_of(world, heard) == [texts("booking.ask.org_name")]
    await world.say("KSP Sinar Harapan Bogor")
    assert await texts_of(world, heard) == [texts("booking.ask.participants", limit=100)]
    assert (await texts_of(world, "25"))[-1] == texts("booking.ask.start_date", lead_days=7)


async def test_a_yes_where_the_notes_are_asked_asks_for_them(world: World, texts: Texts) -> None:
    """Found in the console (a KPRI from Bojonegoro, everything told at once): "ya benar"
    where the notes were asked became the note; "ok" there was taken as a note too."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "10 februari 2027",
                   "1 hari", "jawara", "Bu Ani 081234567890"):  # fmt: skip
        await world.say(answer)
    assert await texts_of(world, "ok") == [
        texts("booking.notes_which"), texts("booking.ask.notes")
    ]  # fmt: skip
    summary = (await texts_of(world, "ya benar"))[-1]  # all is right: none, the summary
    assert "Catatan: -\n" in summary


async def test_a_contact_written_in_capitals_is_kept_as_a_letter_writes_it(
    world: World, texts: Texts
) -> None:
    """Found in the console (a consumer cooperative from Bekasi, writing in capitals): the
    contact was kept as "Bapak HERMAN"."""
    await world.say("mau daftar kunjungan")
    for answer in ("KSP Sinar Harapan Bogor", "25", "10 februari 2027", "1 hari", "jawara"):
        await world.say(answer)
    await world.say("BAPAK HERMAN S.PD 081377665544")
    summary = (await world.say("TIDAK ADA"))[-1].text
    assert "Penanggung jawab: Bapak Herman S.PD, +6281377665544\n" in summary


async def test_never_mind_after_an_interjection_leaves_the_form(
    world: World, texts: Texts
) -> None:
    """Found in the console: "eh ga jadi deh pak" where the date was asked got "the date is
    not understood"."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "20"):
        await world.say(answer)
    assert await texts_of(world, "eh ga jadi deh pak") == [texts("booking.left")]
    # wanted back at once (console, Cirebon: "eh jangan batal" got "no active booking")
    world.nlu.add("eh jangan batal", "cancel_booking", 0.98)
    back = await texts_of(world, "eh jangan batal")
    assert back == [texts("booking.unleft"), texts("booking.ask.start_date", lead_days=7)]
    summary = await world.summary_after(
        ["10 februari 2027", "1 hari", "jawara", "Pak Budi 081234567890"]
    )
    assert "Jumlah peserta: 20 orang\n" in summary  # what was told before is kept
    # left again, then "ok": no form taken up, nor a new one begun
    await world.say("batal")
    world.nlu.add("ok", "affirm", 0.95)
    assert await texts_of(world, "ok") == [texts("smalltalk.affirm")]
    assert await texts_of(world, "eh jangan batal") != [texts("booking.unleft")]  # too late


async def test_a_bare_number_where_the_origin_is_asked_is_the_group_size(
    world: World, texts: Texts
) -> None:
    """Found in the console: "50" where the origin was asked got "the region is not known"."""
    for answer in ("mau daftar kunjungan", "Koperasi Serba Usaha Tunas Harapan"):
        await world.say(answer)
    refused = await texts_of(world, "500")
    assert refused[0] == texts("booking.participants_over", limit=100)
    assert await texts_of(world, "50") == [
        texts("booking.count_noted", participants=50),
        texts("booking.ask.origin"),
    ]
    assert (await texts_of(world, "Garut"))[-1] == texts("booking.ask.start_date", lead_days=7)


async def test_this_number_is_the_senders_own_where_the_channel_shows_it(
    world: World, texts: Texts
) -> None:
    """Found in the console: "nomor ini pak" where the contact's number was asked got "that
    number is not right". On WhatsApp the sender's number is known; on Telegram it is not."""

    async def whatsapp(message: str) -> list[str]:
        event = Incoming(
            "whatsapp", "6281288889999", "6281288889999", Kind.TEXT, text=message,
            sender_phone="+6281288889999",
        )  # fmt: skip
        return [reply.text for reply in await world.engine.handle(event)]

    for answer in ("mau daftar kunjungan", "KSPPS Berkah Madani Depok", "35", "2 februari 2027"):
        await whatsapp(answer)
    for answer in (
        "1 hari",
        "yang berkaitan dengan simpan pinjam syariah",
        "saya sendiri, Pak Dedi",
    ):
        await whatsapp(answer)
    assert (await whatsapp("nomor ini pak"))[-1] == texts("booking.ask.notes")
    summary = (await whatsapp("tidak ada"))[-1]
    assert "Penanggung jawab: Pak Dedi, +6281288889999\n" in summary
    assert "Topik: simpan pinjam syariah\n" in summary  # "yang berkaitan dengan" is no topic
    added = await whatsapp("tolong tambahkan catatan: butuh proyektor")
    assert added[0] == texts("booking.notes_noted", notes="butuh proyektor")
    assert "Catatan: butuh proyektor\n" in added[1]

    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "10 februari 2027"):
        await world.say(answer)
    for answer in ("1 hari", "jawara", "Bu Ani"):
        await world.say(answer)
    assert await texts_of(world, "nomor ini") == [
        texts("booking.number_unseen"), texts("booking.ask.contact_phone")
    ]  # fmt: skip


async def test_a_need_asked_where_the_notes_are_is_answered_and_kept(
    world: World, texts: Texts, answers: Answers
) -> None:
    """Found in the console (a Dinas from Pekanbaru): "rombongan datang naik pesawat, mohon
    info hotel terdekat" where the notes were asked got the lodging answer, then the notes
    asked again, and the note was lost."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "10 februari 2027"):
        await world.say(answer)
    for answer in ("1 hari", "jawara", "Bu Ani", "081234567890"):
        await world.say(answer)
    need = "rombongan datang naik pesawat, mohon info hotel terdekat"
    world.nlu.add(need, "ask_lodging", 0.9)
    lodging, summary = await texts_of(world, need)
    assert lodging.startswith(answers.knowledge.visit.lodging.text.strip()[:40])
    assert f"Catatan: {need}\n" in summary


async def test_a_topic_told_where_the_date_is_asked_is_kept(world: World, texts: Texts) -> None:
    """Noted in the console earlier: "materinya tentang pengelolaan warung dan keuangan"
    where the date was asked got "the date is not understood" (only programs were kept)."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25"):
        await world.say(answer)
    told = await texts_of(world, "materinya tentang pengelolaan warung dan keuangan")
    assert told == [
        texts("booking.topics_noted", topics="pengelolaan warung dan keuangan"),
        texts("booking.ask.start_date", lead_days=7),
    ]
    for answer in ("10 februari 2027", "1 hari"):
        await world.say(answer)
    assert (await texts_of(world, "Bu Ani"))[-1] == texts("booking.ask.contact_phone")


async def test_a_greeting_letter_asking_for_a_free_month_gets_its_free_days(
    world: World, texts: Texts
) -> None:
    """Found in the console (a women's cooperative from Cianjur): a salam, an introduction, a
    wish to come and "Kira-kira bulan Mei 2027 apakah ada jadwal kosong?" (greet 0.24) got
    the welcome menu alone."""
    letter = (
        "Assalamu'alaikum warahmatullahi wabarakatuh. Perkenalkan saya Hj. Nurhayati, Ketua "
        "Koperasi Wanita Al-Hidayah Cianjur. Kami ingin sekali belajar langsung ke BMI. "
        "Kira-kira bulan Mei 2027 apakah ada jadwal kosong?"
    )
    world.nlu.table[letter] = NluResult(
        "greet", 0.24, (Entity("date", "2027-05-01/2027-05-31", "bulan Mei 2027", 0, 0),),
        (("greet", 0.24), ("ask_visit_info", 0.17), ("book_visit", 0.1)),
    )  # fmt: skip
    (reply,) = await texts_of(world, letter)
    salam, free_days = reply.split("\n", 1)
    assert salam.startswith("Wa'alaikumsalam warahmatullahi wabarakatuh")
    assert free_days == texts("booking.choose_in", period="Mei 2027")


async def test_a_date_refused_in_an_enquiry_is_said_when_the_form_starts(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Dinas from Kalimantan Timur): a letter asking the requirements
    of a visit on 10-11 Maret 2027, Idulfitri, got the booking offered, and "ya" started the
    form asking the date as if none had been told, the holiday unsaid."""
    letter = (
        "Dengan hormat, kami dari KSP Sinar Harapan Bogor bermaksud studi banding pada tanggal "
        "14 Februari 2027 dengan peserta 30 orang. Mohon informasi persyaratannya."
    )
    world.nlu.add(letter, "ask_visit_requirements", 0.9, participants=30)
    await world.say(letter)
    started = await texts_of(world, "mau daftar kunjungan")
    assert started[:2] == [
        texts("booking.start"),
        texts("booking.date_closed", day="Minggu, 14 Februari 2027"),  # a Sunday
    ]
    # that month's free days offered (console, a staff cooperative from Bekasi: "Tanggal
    # berapa …?" right after the holiday was said, no day to choose)
    assert started[-1] == texts("booking.choose_in", period="Februari 2027")
    assert (await texts_of(world, "16 Februari 2027"))[-1] == texts("booking.ask.days")


async def test_a_date_refused_then_one_taken_is_not_said(world: World, texts: Texts) -> None:
    """The refusal belongs to the date told last: a day the form can take replaces it."""
    for told in ("rencana studi banding tanggal 14 Februari 2027", "eh maaf, 16 Februari 2027"):
        world.nlu.add(told, "ask_visit_info", 0.9)
        await world.say(told)
    started = await texts_of(world, "mau daftar kunjungan")
    assert texts("booking.date_closed", day="Minggu, 14 Februari 2027") not in started


async def test_the_writer_and_their_office_are_no_part_of_the_name(
    world: World, texts: Texts
) -> None:
    """Found in the console (a women's cooperative from Padang): the tagger joined "Nurhayati,
    Ketua Koperasi Wanita Annisa Kota Padang" into the organisation's name."""
    letter = (
        "Perkenalkan saya Hj. Nurhayati, Ketua Koperasi Wanita Annisa Kota Padang. Kami "
        "berencana studi banding dengan peserta 25 orang."
    )
    tagged = tuple(
        tagged_at(letter, name)
        for name in ("Nurhayati", "Ketua Koperasi Wanita Annisa Kota Padang")
    )
    world.nlu.table[letter] = NluResult("book_visit", 0.9, tagged, (("book_visit", 0.9),))
    await world.say(letter)
    summary = await world.summary_after(
        ("16 Februari 2027", "1 hari", "jawara", "Hj. Nurhayati", "081266778899")
    )
    assert "Lembaga: Koperasi Wanita Annisa Kota Padang (Koperasi)\n" in summary
    assert "Asal: Kota Padang, Sumatera Barat\n" in summary


@pytest.mark.parametrize(
    ("told", "kept"),
    [
        ("pengelolaan koperasi wanita dan Jawara",
         "pengelolaan koperasi wanita, Jawara (Jaringan Warung Anggota)"),
        ("Jawara saja pak", "Jawara (Jaringan Warung Anggota)"),
        ("mau belajar digital marketing dan NIB", "Pelatihan Digital Marketing, Pendampingan NIB"),
        # console, a Gapoktan from Lampung Tengah: "melihat langsung skala mikro" kept too
        ("ingin melihat langsung mesin beras skala mikro dan advokasi pertanian",
         "Pelatihan Mesin Beras Skala Mikro, Advokasi Pertanian & Peternakan"),
        # console, a women's cooperative from Blitar: the topic "profil"
        ("profil bmi, jawara, dan pendampingan NIB",
         "profil bmi, Jawara (Jaringan Warung Anggota), Pendampingan NIB"),
        ("mau belajar jawara di bmi", "Jawara (Jaringan Warung Anggota)"),
        # Kupang Malay "deng" (with; console: the topic "deng")
        ("jawara deng pengecatan warung", "Jawara (Jaringan Warung Anggota), Pengecatan Warung"),
    ],
)  # fmt: skip
async def test_a_topic_told_beside_a_program_is_kept_with_it(
    world: World, told: str, kept: str
) -> None:
    """Found in the console (a women's cooperative from Padang): "pengelolaan koperasi wanita
    dan Jawara" kept Jawara alone."""
    summary = await world.summary_after(
        ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "16 Februari 2027",
         "1 hari", told, "Bu Ani", "081234567890")
    )  # fmt: skip
    assert f"Topik: {kept}\n" in summary


async def test_a_question_where_the_topic_is_asked_is_no_topic(
    world: World, texts: Texts, answers: Answers
) -> None:
    """Found in the console (a company cooperative from Cilegon): "Apa bisa dibantu carikan
    hotel dekat lokasi?" (lodging, 0.77) where the topic was asked became the topic, its
    answer unsaid."""
    for answer in ("mau daftar kunjungan", "KSP Sinar Harapan Bogor", "25", "16 Februari 2027"):
        await world.say(answer)
    assert (await texts_of(world, "1 hari"))[-1] == texts("booking.ask.topics")
    asked = "Apa bisa dibantu carikan hotel dekat lokasi?"
    world.nlu.add(asked, "ask_lodging", 0.77)
    lodging = answers.for_intent("ask_lodging", asked)
    assert lodging is not None
    assert await texts_of(world, asked) == [lodging.text, texts("booking.ask.topics")]


async def test_a_formal_letter_with_its_weekdays_brackets_and_lodging(
    world: World, texts: Texts
) -> None:
    """Found in the console (a civil servants' cooperative from Lombok Tengah): the letter's
    "hari Rabu-Kamis tanggal 17-18 Februari 2027" was refused as too soon, its name lost
    "(KPN) Setda Kabupaten Lombok Tengah" and its origin with it (the full stop after
    "Tengah"), and "rombongan akan menginap di Jakarta" where the origin was asked became
    the origin."""
    letter = (
        "Perkenalkan kami dari Koperasi Konsumen Pegawai Negeri (KPN) Setda Kabupaten Lombok "
        "Tengah. Kami bermaksud melaksanakan studi tiru ke Koperasi BMI Grup pada hari "
        "Rabu-Kamis tanggal 17-18 Februari 2027 dengan jumlah peserta 22 orang."
    )
    names = ("Koperasi Konsumen Pegawai Negeri", "KPN", "Setda Kabupaten Lombok Tengah")
    tagged = tuple(tagged_at(letter, name) for name in names)
    world.nlu.table[letter] = NluResult("book_visit", 0.9, tagged, (("book_visit", 0.9),))
    started = await texts_of(world, letter)
    assert started[-1] == texts("booking.ask.topics")  # the date, the group, the origin kept
    await world.say("tata kelola koperasi")
    lodging = "rombongan akan menginap di Jakarta"
    world.nlu.add(lodging, "ask_lodging", 0.97)
    assert await texts_of(world, lodging) == [
        texts("booking.notes_noted", notes=lodging), texts("booking.ask.contact_name")
    ]  # fmt: skip
    await world.say("Bapak Lalu Muhammad Zaini")
    summary = (await world.say("087765432100"))[-1].text
    assert (
        "Lembaga: Koperasi Konsumen Pegawai Negeri (KPN) Setda Kabupaten Lombok Tengah "
        "(Koperasi)\n" in summary
    )
    assert "Asal: Kabupaten Lombok Tengah, Nusa Tenggara Barat\n" in summary
    assert "Tanggal: 17–18 Februari 2027 (2 hari)\n" in summary
    assert f"Catatan: {lodging}\n" in summary


async def test_the_kind_told_before_a_tagged_name_is_put_back(world: World, texts: Texts) -> None:
    """Found in the console (a credit cooperative from Karawang): the tagger took "Sejahtera
    Bersama Karawang" of "… bendahara koperasi simpan pinjam Sejahtera Bersama Karawang", and
    the form asked what kind of body it was."""
    said = "sy Bu Endang bendahara koperasi simpan pinjam Sejahtera Bersama Karawang, mau daftar"
    name = "Sejahtera Bersama Karawang"
    tagged = (tagged_at(said, name),)
    world.nlu.table[said] = NluResult("book_visit", 0.9, tagged, (("book_visit", 0.9),))
    assert (await texts_of(world, said))[-1] == texts("booking.ask.participants", limit=100)
    summary = await world.summary_after(
        ("25", "16 Februari 2027", "1 hari", "jawara", "Bu Endang", "081234567890")
    )
    assert "Lembaga: Koperasi Simpan Pinjam Sejahtera Bersama Karawang (Koperasi)\n" in summary
