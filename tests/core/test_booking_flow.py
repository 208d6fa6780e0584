"""The booking conversation and the staff desk, through the engine, on a real SQLite database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.answers import Answers
from bot.core.booking import BookingRules, Places
from bot.core.engine import Engine
from bot.core.flows.booking import guess_kind, introduced, whole_name
from bot.core.flows.staff import StaffFlow
from bot.core.guard import Guard
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Kind, Reply
from bot.core.nlu import Entity, NluResult
from bot.core.notify import InviteLinks, StaffDesk
from bot.core.payloads import Space, encode
from bot.core.texts import Texts
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.jobs.outbox import Outbox
from bot.services.booking import BookingService, Capacity
from bot.wiring import booking_flows
from tests.fakes.nlu import RecordedNlu
from tests.fakes.notifier import RecordingNotifier
from tests.fakes.store import JsonMemoryStore

TODAY = date(2026, 11, 23)
STAFF_GROUP, STAFF, OUTSIDER = "-100", "7", "8"
ONE_MESSAGE = "kami dari Dinas Koperasi Sumbar mau studi tiru 27 orang tanggal 13 Juni"


@dataclass
class World:
    engine: Engine
    nlu: RecordedNlu
    notifier: RecordingNotifier
    bookings: BookingService
    texts: Texts
    database: AsyncEngine

    async def say(self, text: str, chat: str = "u1", user: str | None = None) -> list[Reply]:
        return await self.engine.handle(
            Incoming("telegram", chat, user or chat, Kind.TEXT, text=text, user_name="Budi")
        )

    async def press(self, payload: str, chat: str = "u1", user: str | None = None) -> list[Reply]:
        return await self.engine.handle(
            Incoming(
                "telegram", chat, user or chat, Kind.BUTTON, payload=payload, user_name="Sari"
            )
        )

    async def summary_after(self, answers: Iterable[str]) -> str:
        """The booking's summary once `answers` are said in turn and no notes are added."""
        for answer in answers:
            await self.say(answer)
        return (await self.say("tidak ada"))[-1].text


@contextlib.asynccontextmanager
async def make_world(
    url: str,
    answers: Answers,
    texts: Texts,
    keywords: KeywordMatcher,
    *,
    guard: Guard | None = None,
    store: JsonMemoryStore | None = None,
    clock: list[datetime] | None = None,
    places: Places | None = None,
) -> AsyncIterator[World]:
    """The booking world on the database at `url`."""
    await upgrade(url)
    database = create_engine(url)
    rules = BookingRules(
        lead_days=7,
        max_participants=100,
        holidays={
            date(2026, 12, 25): "Hari Raya Natal",
            date(2027, 3, 10): "Idulfitri 1448 H",
            date(2027, 3, 11): "Idulfitri 1448 H",
        },
    )
    sessions = session_factory(database)
    bookings = BookingService(sessions, rules, Capacity(2, 60), today=lambda: TODAY)
    notifier = RecordingNotifier()
    desk = StaffDesk("telegram", STAFF_GROUP, frozenset({STAFF}))
    flows = booking_flows(
        bookings, rules, answers=answers, texts=texts, notifier=notifier, desk=desk,
        today=lambda: TODAY, guard=guard, places=places,
    )  # fmt: skip
    now = clock or [datetime(2026, 11, 23, tzinfo=UTC)]
    staff = StaffFlow(
        bookings, knowledge=answers.knowledge, texts=texts, notifier=notifier, desk=desk,
        links=InviteLinks("kunjungan_bmi_bot"), outbox=Outbox(sessions, notifier),
        venue="Tangerang",
        now=lambda: now[0], today=lambda: TODAY,
    )  # fmt: skip
    nlu = RecordedNlu()
    for day in ("13 Juni", "14 Juni"):
        nlu.add(
            ONE_MESSAGE.replace("13 Juni", day), "book_visit", organization="Dinas Koperasi Sumbar"
        )
    nlu.add("mau daftar kunjungan", "book_visit")
    nlu.add("berapa biayanya?", "ask_visit_cost", confidence=0.97)
    engine = Engine(
        nlu, store or JsonMemoryStore(), answers, texts, keywords, flows=flows, staff=staff,
        desk=desk, guard=guard,
    )  # fmt: skip
    try:
        yield World(engine, nlu, notifier, bookings, texts, database)
    finally:
        await database.dispose()


@pytest.fixture
async def world(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> AsyncIterator[World]:
    async with make_world(sqlite_url, answers, texts, keywords) as built:
        yield built


async def test_a_sunday_is_refused_with_the_reason(world: World) -> None:
    replies = await world.say(ONE_MESSAGE)  # 13 June 2027 is a Sunday
    assert world.texts("booking.date_closed", day="Minggu, 13 Juni 2027") in [
        r.text for r in replies
    ]


async def test_one_message_fills_four_slots_and_staff_approve(world: World) -> None:
    replies = await world.say(ONE_MESSAGE.replace("13 Juni", "14 Juni"))
    assert replies[-1].text == world.texts("booking.ask.origin")
    await world.say("Padang, Sumatera Barat")
    replies = await world.say("2 hari")
    assert replies[-1].text == world.texts("booking.ask.topics")
    await world.say("digital marketing")
    await world.say("Ibu Rina")
    await world.say("081234567890")
    await world.say("tidak ada")
    await world.say("kirim")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    assert (booking.start_date, booking.days, booking.participants) == (date(2027, 6, 14), 2, 27)
    assert booking.topics == ("pelatihan_digital_marketing",)
    (request,) = world.notifier.to(STAFF_GROUP)
    assert booking.code in request.text
    assert [b.payload for b in request.buttons] == [f"sa:{booking.code}", f"sd:{booking.code}"]

    refused = await world.press(f"sa:{booking.code}", chat=STAFF_GROUP, user=OUTSIDER)
    assert refused[0].text == world.texts("staff.not_allowed")
    approved = await world.press(f"sa:{booking.code}", chat=STAFF_GROUP, user=STAFF)
    assert booking.code in approved[0].text
    to_user = world.notifier.to("u1")
    assert "DISETUJUI" in to_user[0].text
    assert "https://t.me/kunjungan_bmi_bot?start=" in to_user[0].text
    assert to_user[0].document is not None  # the .ics comes with the approval
    assert b"BEGIN:VCALENDAR" in to_user[0].document.content
    assert b"DTSTART;VALUE=DATE:20270614" in to_user[0].document.content


async def test_step_by_step_with_every_validation(world: World) -> None:
    texts = world.texts
    replies = await world.say("mau daftar kunjungan")
    assert replies[-1].text == texts("booking.ask.org_name")
    assert (await world.say("ab"))[0].text == texts("booking.invalid.org_name")
    for unknown in ("ga tau", "belum tahu kak"):  # console, Depok: the organisation "Ga Tau"
        refused = (await world.say(unknown))[0].text
        assert refused.startswith(texts("booking.invalid.org_unknown"))
    await world.say("Koperasi Wanita Setia Budi")  # kind guessed from the name
    await world.say("Kupang, NTT")
    assert (await world.say("banyak sekali"))[0].text == texts("booking.invalid.participants")
    over = await world.say("150 orang")  # the second refusal in a row says how to get help
    assert over[0].text == texts("booking.participants_over", limit=100) + "\n" + texts(
        "booking.stuck"
    )
    await world.say("30")
    assert (await world.say("kemarin dulu"))[0].text == texts("booking.date_unclear")
    too_soon = await world.say("besok")
    assert too_soon[0].text.startswith("Mohon maaf, pendaftaran paling lambat 7 hari")
    holiday = await world.say("25 Desember")
    assert "Hari Raya Natal" in holiday[0].text
    faq = await world.say("berapa biayanya?")  # a question mid-flow is answered, then re-asked
    assert "Rincian biaya" in faq[0].text
    assert faq[-1].text.startswith("Untuk Desember 2026")  # the month of the refused day
    await world.say("8-10 Desember 2026")  # a range sets the days too
    await world.press("bt:-")
    await world.say("Mama Yuli")
    # no number at all (console: "tidak ada" was told the number was not right)
    needed = (await world.say("tidak ada"))[0].text
    assert needed.startswith(texts("booking.invalid.contact_phone_needed"))
    assert (await world.say("12345"))[0].text.startswith(texts("booking.invalid.contact_phone"))
    await world.say("+62 812 3456 7890")
    summary = await world.say("konsumsi halal")
    assert "8–10 Desember 2026 (3 hari)" in summary[-1].text
    assert "konsumsi halal" in summary[-1].text
    edit = await world.press("bs:edit")
    assert "be:participants" in [b.payload for b in edit[0].buttons]
    again = await world.press("be:participants")
    assert again[-1].text.startswith("Berapa perkiraan jumlah peserta")
    summary = await world.say("35")
    assert "35 orang" in summary[-1].text
    await world.press("bs:send")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    assert (booking.org_kind, booking.participants, booking.days) == ("koperasi", 35, 3)


async def test_batal_leaves_the_flow_and_stores_nothing(world: World) -> None:
    await world.say("mau daftar kunjungan")
    await world.say("Koperasi Maju")
    replies = await world.say("batal")
    assert replies[0].text == world.texts("booking.left")
    assert await world.bookings.for_chat("telegram", "u1") == []


async def test_full_day_offers_alternatives_as_buttons(world: World) -> None:
    for chat in ("a", "b"):
        await finish_one_message_booking_on(world, chat, "14 Juni")
    replies = await world.say(ONE_MESSAGE.replace("13 Juni", "14 Juni"), chat="c")
    await world.say("Padang", chat="c")
    full = await world.say("1", chat="c")
    assert full[0].text.startswith("Mohon maaf, jadwal Senin, 14 Juni 2027 sudah penuh")
    payloads = [b.payload for b in full[0].buttons]
    assert payloads[:2] == ["bd:2027-06-12", "bd:2027-06-15"]
    picked = await world.press("bd:2027-06-15", chat="c")
    assert picked[-1].text == world.texts("booking.ask.topics")
    assert replies
    world.nlu.add("tanggal 14 juni kosong?", "ask_availability")
    (asked,) = await world.say("tanggal 14 juni kosong?", chat="d")
    assert asked.text == world.texts("booking.day_full", day="Senin, 14 Juni 2027")


async def finish_one_message_booking_on(world: World, chat: str, day: str) -> None:
    await world.say(ONE_MESSAGE.replace("13 Juni", day), chat)
    await world.say("Padang", chat)
    await world.say("1", chat)
    await world.press("bt:-", chat)
    await world.say("Pak Andi", chat)
    await world.say("081298765432", chat)
    await world.press("bx:-", chat)
    await world.press("bs:send", chat)


async def test_decline_asks_a_reason_and_tells_the_requester(world: World) -> None:
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    ask = await world.press(f"sd:{booking.code}", chat=STAFF_GROUP, user=STAFF)
    assert booking.code in ask[0].text
    chatter = await world.say("nanti saya cek dulu", chat=STAFF_GROUP, user="9")  # someone else
    assert chatter == []
    done = await world.say("Aula sedang direnovasi", chat=STAFF_GROUP, user=STAFF)
    assert booking.code in done[0].text
    told = world.notifier.to("u1")[-1].text
    assert "Aula sedang direnovasi" in told
    assert (await world.bookings.get(booking.code)).status == "declined"  # type: ignore[union-attr]


async def test_check_cancel_and_someone_elses_code(world: World) -> None:
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add(f"cek {booking.code}", "check_booking", code=booking.code)
    world.nlu.add(f"batalkan {booking.code}", "cancel_booking", code=booking.code)
    world.nlu.add("iya", "affirm")
    mine = await world.say(f"cek {booking.code}")
    assert "menunggu persetujuan" in mine[0].text
    theirs = await world.say(f"cek {booking.code}", chat="intruder")
    assert theirs[0].text == world.texts("booking.not_found", code=booking.code)
    stolen = await world.say(f"batalkan {booking.code}", chat="intruder")
    assert stolen[0].text == world.texts("booking.not_found", code=booking.code)
    confirm = await world.say(f"batalkan {booking.code}")
    assert [b.payload for b in confirm[0].buttons] == ["cy", "cn"]
    done = await world.say("iya")
    assert done[0].text == world.texts("cancel.done", code=booking.code)
    assert (await world.bookings.get(booking.code)).status == "cancelled"  # type: ignore[union-attr]
    assert booking.code in world.notifier.to(STAFF_GROUP)[-1].text


async def test_reschedule_goes_back_to_staff(world: World) -> None:
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add("mau ganti tanggal ke 16 juni", "reschedule_booking")
    replies = await world.say("mau ganti tanggal ke 16 juni")
    assert replies[0].text.startswith(f"Jadwal pendaftaran {booking.code} sudah kami ubah")
    moved = await world.bookings.get(booking.code)
    assert moved is not None
    assert moved.start_date == date(2027, 6, 16)
    request = world.notifier.to(STAFF_GROUP)[-1]
    assert f"sa:{booking.code}" in [b.payload for b in request.buttons]


async def test_a_new_date_the_model_is_torn_about_moves_the_visit(world: World) -> None:
    """Found in the console (a KSP from Cirebon): "pak tanggalnya mau diganti jadi 22 januari
    bisa?" after sending (rescheduling 0.40 beside free days 0.39) was not understood."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    asked = "pak tanggalnya mau diganti jadi 16 juni bisa?"
    new_date = Entity(name="date", value="2027-06-16", text="16 juni", start=0, end=0)
    ranking = (("reschedule_booking", 0.4), ("ask_availability", 0.39))
    world.nlu.table[asked] = NluResult("nlu_fallback", 0.2, (new_date,), ranking)
    (asks,) = await world.say(asked)
    assert asks.text.startswith(f"Pendaftaran {booking.code} saat ini untuk Senin, 14 Juni 2027")
    assert "Rabu, 16 Juni 2027?" in asks.text


async def test_reschedule_by_so_much_from_the_booked_date(world: World) -> None:
    """Found in the console: "mau ganti tanggal jadi seminggu setelahnya" asked for the new
    date as if none was given."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    for text, moved_to in (
        ("mau ganti tanggal jadi seminggu setelahnya", date(2027, 6, 21)),
        ("bisa dimajukan 2 hari?", date(2027, 6, 19)),  # asked: confirmed first
        # console (a fishers' cooperative): asked for a date again
        ("kalau diundur ke minggu depannya bisa?", date(2027, 6, 26)),
    ):
        world.nlu.add(text, "reschedule_booking")
        replies = await world.say(text)
        if text.endswith("?"):
            replies = await world.press("my")
        assert replies[0].text.startswith(f"Jadwal pendaftaran {booking.code} sudah kami ubah")
        assert (await world.bookings.get(booking.code)).start_date == moved_to  # type: ignore[union-attr]


async def test_a_move_undone_by_a_bare_day_and_a_group_size_at_the_date_step(
    world: World,
) -> None:
    """Found in the console (a women's cooperative from Padang): after a move, "eh maaf pak,
    tidak jadi mundur, tetap tanggal 14 saja" asked for the new date again, and "pesertanya
    bertambah jadi 30 orang pak" there was "tanggalnya belum saya pahami"."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    undone = "eh maaf pak, tidak jadi mundur, tetap tanggal 14 saja"
    for text in ("mundur seminggu ya pak", undone):
        world.nlu.add(text, "reschedule_booking")
        (moved, *_) = await world.say(text)
        assert moved.text.startswith(f"Jadwal pendaftaran {booking.code} sudah kami ubah")
    assert (await world.bookings.get(booking.code)).start_date == date(2027, 6, 14)  # type: ignore[union-attr]
    world.nlu.add("mau ganti tanggal", "reschedule_booking")
    grown = "pesertanya bertambah jadi 30 orang pak"
    world.nlu.add(grown, "reschedule_booking", 0.9, participants=30)
    await world.say("mau ganti tanggal")
    (told, *_) = await world.say(grown)
    assert told.text != world.texts("booking.date_unclear")


async def test_a_yes_where_the_new_date_is_asked_asks_for_it_again(world: World) -> None:
    """Found in the console (a fishers' cooperative): "iya" where the new date was asked
    ended the change ("Ada lagi yang bisa saya bantu?"), as if it had been made."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    world.nlu.add("mau ganti tanggal", "reschedule_booking")
    world.nlu.add("iya", "affirm", 0.97)
    await world.say("mau ganti tanggal")
    (again,) = await world.say("iya")
    assert again.text == world.texts("reschedule.which_date")
    (moved,) = await world.say("21 Juni 2027")
    assert moved.text.startswith("Jadwal pendaftaran")


async def test_a_move_asked_about_is_confirmed_before_it_is_made(world: World) -> None:
    """Found in the console (a Makassar women's cooperative): "kak kalau mau ganti tanggalnya
    jadi 22 april bisa?" moved the visit at once, and a move sends an approved visit back to
    staff. Asked as a question, the move is offered; "tidak" keeps the date, a typed yes (or
    the button) moves it."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    asked = "kak kalau mau ganti tanggalnya jadi 21 juni bisa?"
    world.nlu.add(asked, "reschedule_booking")
    world.nlu.add("tidak jadi", "deny", 0.95)
    world.nlu.add("iya", "affirm", 0.97)
    (offer,) = await world.say(asked)
    assert offer.text == world.texts(
        "reschedule.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        new="Senin, 21 Juni 2027",
    )  # fmt: skip
    assert [b.payload for b in offer.buttons] == ["my", "mn"]
    (kept,) = await world.say("tidak jadi")
    assert kept.text == world.texts(
        "reschedule.kept", code=booking.code, when="Senin, 14 Juni 2027"
    )
    assert (await world.bookings.get(booking.code)).start_date == date(2027, 6, 14)  # type: ignore[union-attr]
    await world.say(asked)
    (moved,) = await world.say("iya")
    assert moved.text.startswith(f"Jadwal pendaftaran {booking.code} sudah kami ubah")
    assert (await world.bookings.get(booking.code)).start_date == date(2027, 6, 21)  # type: ignore[union-attr]


async def test_an_approved_visit_postponed_from_its_own_date_is_asked_where_to(
    world: World,
) -> None:
    """Found in the console (a women's cooperative from Sidoarjo, approved): "kunjungan kami
    tanggal 14 Januari sepertinya harus diundur" was "moved" to its own date at once and
    sent back to staff. The booked date is where it moves from; an approved visit is only
    moved once confirmed."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    await world.press(f"sa:{booking.code}", chat=STAFF_GROUP, user=STAFF)
    told = "Bu, kunjungan kami tanggal 14 Juni sepertinya harus diundur karena ada acara bupati"
    world.nlu.add(told, "reschedule_booking", 0.9, date="2027-06-14")
    (asked,) = await world.say(told)
    assert asked.text == world.texts(
        "reschedule.ask_date", code=booking.code, when="Senin, 14 Juni 2027"
    )
    (offer,) = await world.say("ke tanggal 21 juni")
    assert offer.text == world.texts(
        "reschedule.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        new="Senin, 21 Juni 2027",
    )  # fmt: skip
    unmoved = await world.bookings.get(booking.code)
    assert unmoved is not None and unmoved.status == "approved"
    world.nlu.add("iya tolong dipindah", "reschedule_booking", 0.9)  # the move asked again
    await world.say("iya tolong dipindah")
    moved = await world.bookings.get(booking.code)
    assert moved is not None and (moved.start_date, moved.status) == (date(2027, 6, 21), "pending")


@pytest.mark.parametrize("told", ["jadi 30 orang", "30"])
async def test_a_new_group_size_asked_without_its_number_asks_for_it(
    world: World, told: str
) -> None:
    """Found in the console: "sy mau ubah jumlah peserta" (read as moving the booking) was
    asked for a new date, and the number told next was "tanggalnya belum saya pahami"."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add("sy mau ubah jumlah peserta", "reschedule_booking", 0.9)
    (asked,) = await world.say("sy mau ubah jumlah peserta")
    assert asked.text == world.texts("amend.participants.ask", code=booking.code, old=27)
    (offer,) = await world.say(told)
    assert offer.text == world.texts(
        "amend.participants.confirm", code=booking.code, when="Senin, 14 Juni 2027", old=27,
        new=30,
    )  # fmt: skip


async def test_a_visit_postponed_without_a_new_date_is_passed_to_staff(world: World) -> None:
    """Found in the console (a women's cooperative whose budget was late): "kunjungannya bisa
    ditunda dulu? tanggalnya belum tahu" was asked for the new date, and "iya tunda dulu"
    then got a goodbye: nobody was told."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    asked = "pak, anggaran kami belum cair. kunjungannya bisa ditunda dulu? tanggalnya belum tahu"
    world.nlu.add(asked, "reschedule_booking", 0.9)
    (held,) = await world.say(asked)
    when = "Senin, 14 Juni 2027"
    assert held.text == world.texts("reschedule.postponed", code=booking.code, when=when)
    assert "ditunda" in world.notifier.to(STAFF_GROUP)[-1].text
    # asked for the new date first, then told to wait ("iya tunda dulu")
    world.nlu.add("mau ganti jadwal", "reschedule_booking", 0.95)
    world.nlu.add("iya tunda dulu", "affirm", 0.6)
    await world.say("mau ganti jadwal")
    (again,) = await world.say("iya tunda dulu")
    assert again.text == held.text
    kept = await world.bookings.get(booking.code)
    assert kept is not None and kept.start_date == booking.start_date  # as it was


async def test_a_new_contact_asked_without_a_name_asks_for_it(world: World) -> None:
    """Found in the console (a KSPPS from Kuningan): "apakah bisa ganti PJ nya?" (moving the
    booking, 0.49) was asked for a new date, and "jadi Bapak Mulyadi 0812…" next got "Ada
    lagi…?"."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    old = f"{booking.contact_name} ({booking.contact_phone})"
    world.nlu.add("pak mau nanya, apakah bisa ganti PJ nya?", "reschedule_booking", 0.49)
    (asked,) = await world.say("pak mau nanya, apakah bisa ganti PJ nya?")
    assert asked.text == world.texts("amend.contact_name.ask", code=booking.code, old=old)
    (offer,) = await world.say("jadi Bapak Mulyadi 081299911122")
    assert offer.text == world.texts(
        "amend.contact_name.confirm", code=booking.code, when="Senin, 14 Juni 2027", old=old,
        new="Bapak Mulyadi (+6281299911122)",
    )  # fmt: skip
    (done,) = await world.say("ya")
    assert "Bapak Mulyadi" in done.text
    changed = await world.bookings.get(booking.code)
    assert changed is not None and changed.contact_phone == "+6281299911122"


async def test_a_new_group_size_after_sending_is_confirmed_then_sent_to_staff(
    world: World,
) -> None:
    """Found in the console (a KSPPS from Bogor): "pak, maaf peserta kami bertambah jadi 35
    orang" after the request was sent got the staff contact: nothing changed. Known by its
    words (no NLU reading needed), confirmed, then the booking is pending again and staff are
    told."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    (offer,) = await world.say("pak, maaf peserta kami bertambah jadi 35 orang")
    assert offer.text == world.texts(
        "amend.participants.confirm", code=booking.code, when="Senin, 14 Juni 2027", old=27,
        new=35,
    )  # fmt: skip
    assert [b.payload for b in offer.buttons] == ["zy", "zn"]
    (kept,) = await world.press("zn")
    assert kept.text == world.texts("amend.participants.kept", code=booking.code, old=27)
    await world.say("peserta kami bertambah 8 orang")  # by so many: 35 again
    # a yes said first (console: "iya betul, ubah jadi 35", read as moving the visit)
    world.nlu.add("iya betul, ubah jadi 35", "reschedule_booking", 0.9)
    (done,) = await world.say("iya betul, ubah jadi 35")
    assert done.text == world.texts("amend.participants.done", code=booking.code, new=35)
    resized = await world.bookings.get(booking.code)
    assert resized is not None and (resized.participants, resized.status) == (35, "pending")
    told = world.notifier.to(STAFF_GROUP)[-1]
    assert told.text.startswith(world.texts("staff.resized", old=27, summary="")[:30])
    assert f"sa:{booking.code}" in [b.payload for b in told.buttons]
    (same,) = await world.say("jumlah peserta jadi 35 orang ya")
    assert same.text == world.texts("amend.participants.same", code=booking.code, new=35)
    for grown_to_40 in (
        "kalau nanti bertambah jadi 40 orang bisa?",  # the group unnamed (console: staff's)
        "bu, peserta kami bertambah 5 orang jadi 40, bisa?",  # by and to (console: 5 people)
    ):
        (grown,) = await world.say(grown_to_40)
        assert grown.text == world.texts(
            "amend.participants.confirm", code=booking.code, when="Senin, 14 Juni 2027",
            old=35, new=40,
        )  # fmt: skip
        await world.press("zn")
    told = "pak ada perubahan, kami datang 30 orang"  # a change told (console: a person)
    world.nlu.add(told, "reschedule_booking", 0.79, participants=30)
    (changed,) = await world.say(told)
    assert changed.text == world.texts(
        "amend.participants.confirm", code=booking.code, when="Senin, 14 Juni 2027", old=35,
        new=30,
    )  # fmt: skip
    await world.press("zn")
    world.nlu.add("jumlah peserta berubah menjadi 500", "book_visit", 0.5)
    over = await world.say("jumlah peserta berubah menjadi 500")
    assert over[0].text == world.texts("booking.participants_over", limit=100)
    (stale,) = await world.press("zy")  # pressed again later: nothing is changed twice
    assert stale.text == world.texts("input.stale_button")


async def test_a_new_length_after_sending_is_offered_as_a_move(world: World) -> None:
    """Found in the console (Sidoarjo): "terus kalau hari kedua kami tidak ikut, jadi 1 hari
    saja bisa?" after sending got how visits go."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    cost = "kalau 2 hari jadi berapa biayanya?"  # the cost asked, no new length
    world.nlu.add(cost, "ask_visit_cost", 0.9)
    assert (await world.say(cost))[0].text != world.texts(
        "reschedule.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        new="14–15 Juni 2027 (2 hari)",
    )  # fmt: skip
    asked = "kalau ditambah, jadi 2 hari saja bisa?"
    world.nlu.add(asked, "ask_visit_info", 0.6)
    (offer,) = await world.say(asked)
    assert offer.text == world.texts(
        "reschedule.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        new="14–15 Juni 2027 (2 hari)",
    )  # fmt: skip
    await world.press("my")
    moved = await world.bookings.get(booking.code)
    assert moved is not None and (moved.start_date, moved.days) == (date(2027, 6, 14), 2)


async def test_a_new_contact_number_where_a_new_date_is_asked_is_the_number(
    world: World,
) -> None:
    """Found in the console: "nomor pj ganti jadi 0813 5566 7788" where a new date was asked
    got "tanggalnya belum saya pahami"."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add("mau ganti tanggal", "reschedule_booking")
    await world.say("mau ganti tanggal")
    (offer,) = await world.say("nomor pj ganti jadi 0813 5566 7788")
    assert offer.text.startswith(f"Nomor penanggung jawab pendaftaran {booking.code}")
    assert "+6281355667788" in offer.text


async def test_a_new_contact_number_after_sending_is_confirmed_and_staff_told(
    world: World,
) -> None:
    """Found in the console (a KSPPS from Bogor): "nomor baru 081311112222" after sending got
    BMI's own contacts. The number changes nothing staff decided: the booking keeps its
    status, staff are told."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    (offer,) = await world.say("nomor baru 081311112222")
    assert offer.text == world.texts(
        "amend.contact_phone.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        old="+6281298765432", new="+6281311112222",
    )  # fmt: skip
    world.nlu.add("berapa biayanya?", "ask_visit_cost", 0.95)
    asked = await world.say("berapa biayanya?")  # another question: answered, nothing changed
    assert "biaya" in asked[0].text.lower()
    assert (await world.bookings.get(booking.code)).contact_phone == "+6281298765432"  # type: ignore[union-attr]
    await world.say("ganti nomor wa jadi 0813 1111 2222")
    world.nlu.add("iya betul", "affirm", 0.96)
    (done,) = await world.say("iya betul")
    assert done.text == world.texts(
        "amend.contact_phone.done", code=booking.code, new="+6281311112222"
    )
    changed = await world.bookings.get(booking.code)
    assert changed is not None and (changed.contact_phone, changed.status) == (
        "+6281311112222", "pending"
    )  # fmt: skip
    assert world.notifier.to(STAFF_GROUP)[-1].text == world.texts(
        "staff.renumbered", code=booking.code, old="+6281298765432", new="+6281311112222"
    )


async def test_a_new_contact_person_after_sending_is_confirmed_and_staff_told(
    world: World,
) -> None:
    """Found in the console (a Dinas from Aceh Besar): "PIC-nya diganti ya jadi Ibu Cut Nurul,
    0813 7700 1122" after sending got "Ada lagi yang bisa saya bantu?", and nothing changed.
    The person and the number are offered, then taken; a new person without a number keeps
    the number and says so."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    old = f"{booking.contact_name} (+6281298765432)"
    changed_to = "pak mohon maaf, PIC-nya diganti ya jadi Ibu Cut Nurul, 0813 7700 1122"
    (offer,) = await world.say(changed_to)
    assert offer.text == world.texts(
        "amend.contact_name.confirm", code=booking.code, when="Senin, 14 Juni 2027", old=old,
        new="Ibu Cut Nurul (+6281377001122)",
    )  # fmt: skip
    (kept,) = await world.press("zn")
    assert kept.text == world.texts("amend.contact_name.kept", code=booking.code, old=old)
    await world.say(changed_to)
    (done,) = await world.press("zy")
    new = "Ibu Cut Nurul (+6281377001122)"
    assert done.text == world.texts("amend.contact_name.done", code=booking.code, new=new)
    changed = await world.bookings.get(booking.code)
    assert changed is not None
    assert (changed.contact_name, changed.contact_phone) == ("Ibu Cut Nurul", "+6281377001122")
    assert world.notifier.to(STAFF_GROUP)[-1].text == world.texts(
        "staff.new_person", code=booking.code, old=old, new=new
    )
    await world.say("penanggung jawab rombongan sekarang Bapak Yusuf")
    (done,) = await world.press("zy")
    assert done.text.endswith(world.texts("amend.contact_name.same_phone", phone="+6281377001122"))
    assert (await world.bookings.get(booking.code)).contact_name == "Bapak Yusuf"  # type: ignore[union-attr]


async def test_the_new_date_step_and_the_cancel_question_trap_nobody(world: World) -> None:
    """Found reading the flows after the console's traps: at the new-date step every message
    got "tanggalnya belum saya pahami", and a question read as a faint yes ("kode tadi apa
    ya?", affirm 0.23) at "batalkan?" would have cancelled the visit."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add("mau ganti tanggal", "reschedule_booking")
    asked = await world.say("mau ganti tanggal")
    assert booking.code in asked[0].text
    cost = await world.say("berapa biayanya?")
    assert cost[0].text != world.texts("booking.date_unclear")
    assert "biaya" in cost[0].text.lower()
    world.nlu.add(f"batalkan {booking.code}", "cancel_booking")
    world.nlu.add("kode tadi apa ya?", "affirm", 0.23)
    await world.say(f"batalkan {booking.code}")
    kept = await world.say("kode tadi apa ya?")
    assert kept[0].text == world.texts("cancel.kept", code=booking.code)
    assert (await world.bookings.get(booking.code)).status == "pending"  # type: ignore[union-attr]
    # the cancel asked for again where it is confirmed is a yes (console: "iya batalkan",
    # read as cancelling at 1.0, kept the visit); "jangan dibatalkan" is not
    world.nlu.add("jangan dibatalkan", "cancel_booking", 0.9)
    await world.say(f"batalkan {booking.code}")
    kept = await world.say("jangan dibatalkan")
    assert kept[0].text == world.texts("cancel.kept", code=booking.code)
    world.nlu.add("iya batalkan", "cancel_booking", 1.0)
    await world.say(f"batalkan {booking.code}")
    (done,) = await world.say("iya batalkan")
    assert done.text == world.texts("cancel.done", code=booking.code)


async def test_a_group_over_the_limit_asking_is_told_so(world: World) -> None:
    """Found in the console: "kalau rombongan kami 120 orang bisa?" (read as a question about
    requirements) got the requirements, which do not say no."""
    world.nlu.add("kalau rombongan kami 120 orang bisa?", "ask_visit_requirements")
    (reply,) = await world.say("kalau rombongan kami 120 orang bisa?")
    assert reply.text == world.texts("booking.participants_over", limit=100)
    assert reply.buttons[0].payload == encode(Space.INTENT, "human_handoff")
    world.nlu.add("syaratnya apa untuk 40 orang?", "ask_visit_requirements")
    (within,) = await world.say("syaratnya apa untuk 40 orang?")
    assert within.text != world.texts("booking.participants_over", limit=100)


async def test_availability_question(world: World) -> None:
    world.nlu.add("tanggal 15 juni kosong?", "ask_availability")
    world.nlu.add("tanggal 13 juni kosong?", "ask_availability")
    free = await world.say("tanggal 15 juni kosong?")
    assert free[0].text.startswith("Tanggal Selasa, 15 Juni 2027 masih tersedia")
    assert free[0].buttons[0].payload == "bd:2027-06-15"
    closed = await world.say("tanggal 13 juni kosong?")
    sunday = world.texts("booking.date_closed", day="Minggu, 13 Juni 2027")
    assert closed[0].text == f"{sunday}\n{world.texts('availability.alternatives')}"  # once
    assert closed[0].buttons[0].payload.startswith("bd:2027-06-1")
    start = await world.press("bd:2027-06-15")
    assert start[-1].text == world.texts("booking.ask.org_name")


async def test_staff_commands(world: World) -> None:
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    pending = await world.say("/pending", chat=STAFF_GROUP, user=STAFF)
    assert "Dinas Koperasi Sumbar" in pending[0].text
    export = await world.say("/export@kunjungan_bmi_bot", chat=STAFF_GROUP, user=STAFF)
    assert export[0].document is not None
    assert export[0].document.filename.endswith(".csv")
    refused = await world.say("/pending", chat=STAFF_GROUP, user=OUTSIDER)
    assert refused[0].text == world.texts("staff.not_allowed")


@pytest.mark.parametrize(
    ("text", "found", "name"),
    [
        ("kami dari Kopwan Sekar Melati mau berkunjung", "Kopwan", "Kopwan Sekar Melati"),
        ("dari Koperasi Bina Usaha, 20 orang", "Koperasi Bina", "Koperasi Bina Usaha"),
        ("Dinas Koperasi Sumbar mau studi tiru", "Dinas Koperasi Sumbar", "Dinas Koperasi Sumbar"),
        ("KSP Maju Tanggal 5 Juni", "KSP Maju", "KSP Maju"),
        ("koperasi kami Kopdit Sejahtera Juni nanti", "Kopdit", "Kopdit Sejahtera"),
        ("tidak ada di teks", "Kopwan", "Kopwan"),
        # Lower case: the last word or two of the message, when the tagger stopped short.
        ("siang min, kami dari diskop kab pasaman barat", "diskop kab pasaman",
         "diskop kab pasaman barat"),
        ("saya dari koperasi wanita sekar arum 🙏", "koperasi wanita sekar",
         "koperasi wanita sekar arum"),
        ("kami dari kspps sejahtera berencana studi banding", "kspps sejahtera",
         "kspps sejahtera"),
        ("sy dari dinkop padang mau", "dinkop padang", "dinkop padang"),
        # The tagger's span ran on into the place (found in the console).
        ("beta dari Kopwan Flobamora di Kupang 🙏", "Kopwan Flobamora di Kupang",
         "Kopwan Flobamora"),
        # The kind before the name, left out by the tagger (found in the console).
        ("kulo saking KUD Sido Makmur Klaten, badhe tanglet", "Sido Makmur Klaten",
         "KUD Sido Makmur Klaten"),
        ("kami dari koperasi Sekar Arum", "Sekar Arum", "koperasi Sekar Arum"),
        ("kami dari Jakarta Sekar Arum", "Sekar Arum", "Sekar Arum"),
        # Lower case up to the comma that ends it (found in the console).
        ("kita dari koperasi karyawan pt maju jaya jakarta, 45 org", "koperasi karyawan pt",
         "koperasi karyawan pt maju jaya jakarta"),
        ("kami dari kopwan melati, mau berkunjung bulan depan", "kopwan melati", "kopwan melati"),
        # The tagger stopped at the dot of "Kab." (found in the console).
        ("kami dari Dinas Koperasi Kab. Pesisir Selatan berencana studi tiru",
         "Dinas Koperasi Kab", "Dinas Koperasi Kab. Pesisir Selatan"),
        # The tagger's span ran on into the plan (found in the console).
        ("kami dari dinas koperasi ukm kab pesisir selatan rencana mau kunjungan",
         "dinas koperasi ukm kab pesisir selatan rencana",
         "dinas koperasi ukm kab pesisir selatan"),
        ("kami dari KSP Maju rencananya mau studi banding", "KSP Maju rencananya", "KSP Maju"),
    ],
)  # fmt: skip
def test_whole_name_carries_on_over_capitalised_words(
    texts: Texts, text: str, found: str, name: str
) -> None:
    assert whole_name(text, found, texts.words("words.booking.name_stops")) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("kami dari ksp maju bersama bandung mau studi banding 20 orang tgl 15 juni",
         "ksp maju bersama bandung"),
        ("sy dr kopwan setia kawan, biaya berapa", "kopwan setia kawan"),
        ("saya dari dinas koperasi ukm kab. kerinci", "dinas koperasi ukm kab. kerinci"),
        ("kami dari koperasi mau tanya biaya", None),  # the kind alone names nobody
        ("kami mau ke koperasi bmi", None),  # where they go
        ("sy kopi dulu ya", None),
        # "a cooperative in Manado, we'd like a study visit": where they are, not a name
        ("torang dari koperasi di manado mo studi banding, berapa dang biayanya?", None),
        ("kami dari kud sido makmur mo berkunjung", "kud sido makmur"),
        # what a question asks about is no one's name (console, an SMK from Rangkasbitung)
        ("apakah BMI menerima kunjungan dari koperasi sekolah? kami dari kopsis SMKN 1 "
         "Rangkasbitung, siswa sekitar 40 orang", "kopsis SMKN 1 Rangkasbitung"),
        # the visit of a Dinas (console, Bogor: "mau konfirmasi jadwal kunjungan dinas …")
        ("mau konfirmasi jadwal kunjungan dinas koperasi kabupaten bogor tanggal 15 januari",
         "dinas koperasi kabupaten bogor"),
        # a cooperative known by its initials (console, Pangalengan: the name asked again)
        ("Kami dari KPBS Pangalengan, rencana studi banding bulan depan", "KPBS Pangalengan"),
    ],
)  # fmt: skip
def test_an_organisation_introduced_with_its_kind(
    texts: Texts, text: str, name: str | None
) -> None:
    """For lower-case names the tagger missed (found in the console)."""
    assert introduced(text, texts.words("words.booking.name_stops")) == name


async def test_a_lower_case_organisation_the_tagger_missed_is_not_asked(world: World) -> None:
    message = "kami dari ksp maju bersama bandung mau studi banding 20 orang tgl 15 juni 2027"
    world.nlu.add(message, "book_visit", 0.91)  # no organisation tagged, as Rasa answered
    replies = await world.say(message)
    assert replies[-1].text == world.texts("booking.ask.origin")
    await world.say("Bandung, Jawa Barat")
    assert (await world.say("2 hari"))[-1].text == world.texts("booking.ask.topics")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("HMJ Ekonomi Syariah UIN Syarif Hidayatullah Jakarta", "lainnya"),
        ("himpunan mahasiswa jurusan", "lainnya"),
        ("Koperasi Mahasiswa Universitas Andalas", "koperasi"),  # a cooperative all the same
        ("Pemkab Solok", "dinas"),
        ("Yayasan Pendidikan Al-Ikhlas", "lainnya"),
        ("Gapoktan Subur Makmur", "lainnya"),
        ("CU Mandiri Sejahtera Medan", "koperasi"),  # a credit union
        ("Sasangga Banua", None),
        ("Komunitas UMKM Binaan Dinas Koperasi Depok", "lainnya"),  # console: a Dinas
        ("KPRI Guru Sejahtera", "koperasi"),  # civil servants' cooperative
        ("LPD Desa Adat Kuta", "lainnya"),  # a village's credit body (console: "pilih")
    ],
)
def test_the_kind_of_an_organisation_is_read_from_its_name(name: str, kind: str | None) -> None:
    """Found in the console: a students' association was asked its kind, and "himpunan
    mahasiswa jurusan" typed as the answer was refused again and again."""
    assert guess_kind(name) == kind


async def test_a_kind_typed_in_words_is_taken(world: World) -> None:
    await world.say("mau daftar kunjungan")
    await world.say("Sasangga Banua")  # a name that says no kind
    assert (await world.say("himpunan mahasiswa jurusan"))[-1].text == world.texts(
        "booking.ask.origin"
    )


async def test_a_students_group_books_as_it_writes(world: World) -> None:
    """Found in the console: the kind was asked of "HMJ … UIN", and "40 mahasiswa + 2 dosen"
    named no group, so the size was asked while the user answered the next steps."""
    message = (
        "saya Dimas, kami dari HMJ Ekonomi Syariah UIN Jakarta mau kunjungan tgl 14 Juni 2027,"
        " sekitar 40 mahasiswa + 2 dosen"
    )
    world.nlu.add(message, "book_visit", 0.95, organization="HMJ Ekonomi Syariah UIN Jakarta")
    assert (await world.say(message))[-1].text == world.texts("booking.ask.origin")
    await world.say("Jakarta Selatan")
    summary = await world.summary_after(("1 hari", "profil", "Dr. Ahmad Fauzi", "085712349876"))
    assert "(Lembaga lain)" in summary and "42 orang" in summary


async def test_a_new_date_asked_for_a_booking_moves_it(world: World, answers: Answers) -> None:
    """Found in the console: a coordinator's "kalau mau ganti tanggal ke 27 januari bisa?"
    (reschedule 0.79) got "27 January is free, book it?", a second booking."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    asked = "kalau mau ganti tanggal ke 21 juni bisa?"
    world.nlu.add(asked, "reschedule_booking", 0.79, date="2027-06-21")
    (reply,) = await world.say(asked)
    assert reply.text == world.texts(
        "reschedule.confirm", code=booking.code, when="Senin, 14 Juni 2027",
        new="Senin, 21 Juni 2027",
    )  # fmt: skip
    (none,) = await world.say(asked, chat="u2")  # no booking to move: from another phone?
    assert none.text == world.texts("booking.none_active", **answers.main_contact())


async def test_a_request_waited_for_gets_an_apology_and_where_it_stands(
    world: World, answers: Answers
) -> None:
    """Found in the console: "pak kok lama sekali belum dikonfirmasi ya?" got "not sure what
    is meant"."""
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    world.nlu.add("pak kok lama sekali belum dikonfirmasi ya?", "nlu_fallback", 0.2)
    sorry, status = await world.say("pak kok lama sekali belum dikonfirmasi ya?")
    assert sorry.text == world.texts("booking.waiting", **answers.main_contact())
    assert booking.code in status.text
    # (console, Blitar) the status asked, then a need told (a no, 0.27), then "when?"
    world.nlu.add("pak sudah di acc belum?", "check_booking", 0.9)
    world.nlu.add("kalau belum di acc kami ga bisa pesan tiket", "deny", 0.27)
    world.nlu.add("kapan kira2?", "ask_availability", 0.38)
    await world.say("pak sudah di acc belum?")
    sorry, status = await world.say("kalau belum di acc kami ga bisa pesan tiket")
    assert sorry.text == world.texts("booking.waiting", **answers.main_contact())
    when, listed = await world.say("kapan kira2?")
    assert when.text == world.texts("booking.under_review") and booking.code in listed.text
    # a change's approval asked (console, a KSU from Bandung: read as moving it, "which date?")
    world.nlu.add("sudah di acc belum pak perubahannya?", "reschedule_booking", 0.32)
    (stands,) = await world.say("sudah di acc belum pak perubahannya?")
    assert booking.code in stands.text and not stands.text.endswith("jadwal barunya?")


async def test_a_coordinator_already_registered_is_shown_the_booking_not_a_new_form(
    world: World, answers: Answers
) -> None:
    """Found in the console (a women's cooperative from Malang): "saya koordinator rombongan
    … yg sudah daftar kunjungan" (a booking, 0.73) began a new form, whose group-size step
    then took "kode pendaftarannya KJ7ABC" for 7 people."""
    told = "saya koordinator rombongan dari Kopwan Setia Budi yg sudah daftar kunjungan"
    world.nlu.add(told, "book_visit", 0.73, organization="Kopwan Setia Budi")
    (none,) = await world.say(told, chat="u2")  # registered from another phone
    assert none.text == world.texts("booking.none_active", **answers.main_contact())
    # coming tomorrow, or the code forgotten (console: tomorrow's availability, "no booking")
    going = "mau konfirmasi, kami jadi berangkat besok ya pak, rombongan dari kopwan melati"
    world.nlu.table[going] = NluResult(
        "nlu_fallback", 0.2, (Entity("date", "2026-11-24", "besok", 0, 0),),
        (("nlu_fallback", 0.2), ("book_visit", 0.19), ("cancel_booking", 0.13)),
    )  # fmt: skip
    world.nlu.add("kode booking nya lupa", "check_booking", 0.96)
    # read as joining a visit (console, a KSP: asked for an invite code), a code not kept
    joining = "Saya koordinator rombongan KSP Maju Bersama yang sudah daftar"
    world.nlu.add(joining, "join_visit", 0.6, organization="Maju Bersama")
    world.nlu.add("oh salah, kodenya belum saya simpan", "nlu_fallback", 0.2)
    # registered by phone (console, a KSP from Bogor cancelling: a new form began)
    phoned = "dari KSP Sejahtera Bersama Bogor, yang daftar lewat telpon ke pak sehnuri"
    world.nlu.add(phoned, "ask_contact", 0.29, organization="KSP Sejahtera Bersama Bogor")
    for said in (going, "kode booking nya lupa", joining, "oh salah, kodenya belum saya simpan"):
        (none,) = await world.say(said, chat="u2")
        assert none.text == world.texts("booking.none_active", **answers.main_contact())
    (by_phone,) = await world.say(phoned, chat="u2")  # whom to ask, not "from another phone"
    assert by_phone.text == world.texts("booking.by_phone", **answers.main_contact())
    await finish_one_message_booking_on(world, "u1", "14 Juni")
    (booking,) = await world.bookings.for_chat("telegram", "u1")
    (listed,) = await world.say(told)
    assert booking.code in listed.text
    # a booking code is no group size
    world.nlu.add("mau daftar kunjungan", "book_visit")
    await world.say("mau daftar kunjungan", chat="u3")
    await world.say("KSP Maju Jaya", chat="u3")
    asked = (await world.say("Solok", chat="u3"))[-1].text
    assert asked.startswith("Berapa perkiraan jumlah peserta")
    coded = "kode pendaftarannya KJ7ABC"
    world.nlu.add(coded, "check_booking", 0.84, code="KJ7ABC")
    replies = await world.say(coded, chat="u3")
    assert not any(r.text.startswith("Tanggal berapa") for r in replies)
