"""Participants through the engine: invite code, name, agenda on demand, leave; approval plans
pushes and cancel drops them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.booking import BookingRequest, BookingRules, BookingView
from bot.core.engine import Engine
from bot.core.flows.participants import ParticipantFlow
from bot.core.flows.staff import StaffFlow
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Kind, Reply
from bot.core.notify import InviteLinks, StaffDesk
from bot.core.texts import Texts
from bot.core.visits import load_agenda_template
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.jobs.outbox import Outbox
from bot.services.booking import BookingService, Capacity
from bot.services.visits import VisitService
from bot.wiring import booking_flows
from tests.fakes.nlu import RecordedNlu
from tests.fakes.notifier import RecordingNotifier
from tests.fakes.store import JsonMemoryStore

WIB = ZoneInfo("Asia/Jakarta")
VISIT = date(2026, 12, 8)  # Tuesday; a 3-day visit, 8-10 December


class FakeCalendar:
    def __init__(self) -> None:
        self.planned: list[str] = []
        self.dropped: list[str] = []

    async def plan(self, booking: BookingView) -> None:
        self.planned.append(booking.code)

    async def drop(self, code: str) -> None:
        self.dropped.append(code)


@dataclass
class World:
    engine: Engine
    bookings: BookingService
    calendar: FakeCalendar
    texts: Texts
    clock: list[datetime]

    async def send(
        self, text: str, chat: str, kind: Kind = Kind.TEXT, payload: str | None = None
    ) -> list[Reply]:
        return await self.engine.handle(
            Incoming("telegram", chat, chat, kind, text=text, payload=payload)
        )


@pytest.fixture
async def world(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> AsyncIterator[World]:
    await upgrade(sqlite_url)
    database = create_engine(sqlite_url)
    sessions = session_factory(database)
    clock = [datetime(2026, 11, 23, 9, tzinfo=WIB)]

    def today() -> date:
        return clock[0].date()

    rules = BookingRules()
    bookings = BookingService(sessions, rules, Capacity(), today=today)
    visits = VisitService(sessions, load_agenda_template(ROOT / "data" / "agenda.yml"))
    notifier, calendar = RecordingNotifier(), FakeCalendar()
    desk = StaffDesk("telegram", "-100", frozenset({"-100"}))
    flows = booking_flows(
        bookings, rules, answers=answers, texts=texts, notifier=notifier, desk=desk,
        today=today, calendar=calendar,
    )  # fmt: skip
    participants = ParticipantFlow(
        bookings, visits, texts=texts, now=lambda: clock[0], push_time=time(6, 0),
        hours=answers.hours(),
    )  # fmt: skip
    staff = StaffFlow(
        bookings, knowledge=answers.knowledge, texts=texts, notifier=notifier, desk=desk,
        links=InviteLinks(),
        outbox=Outbox(sessions, notifier),
        venue="Tangerang", now=lambda: clock[0].astimezone(UTC), today=today,
        visits=visits, calendar=calendar,
    )  # fmt: skip
    nlu = RecordedNlu()
    nlu.add("agenda", "ask_agenda")
    nlu.add("agenda besok", "ask_agenda")
    nlu.add("agenda hari kedua", "ask_agenda")
    nlu.add("saya peserta dari rombongan dinas koperasi sumbar", "join_visit")
    nlu.add("jadwal acara besok apa ya?", "ask_agenda")
    nlu.add("acaranya dari jam berapa sampai jam berapa?", "ask_agenda", 0.69)
    nlu.add("kodenya saya tidak tahu, dari ketua rombongan belum dikasih", "join_visit", 0.6)
    nlu.add("kodenya saya tidak tahu, ketua rombongan yang pegang", "join_visit", 0.98)
    nlu.add("kode undangannya apa bu?", "join_visit", 0.7)
    nlu.add("bisa minta link untuk dibagikan ke grup wa peserta?", "ask_materials", 0.5)
    nlu.add("sudah berapa orang yang gabung?", "ask_visit_requirements", 0.6)
    nlu.add("untuk peserta bagaimana cara dapat agendanya?", "join_visit", 0.7)
    nlu.add("rundown acaranya bisa dikirim pak?", "ask_agenda", 0.9)
    nlu.add("kami rencana datang jam 1 siang, selesai jam 4 bisa?", "ask_agenda", 0.63)
    engine = Engine(
        nlu, JsonMemoryStore(), answers, texts, keywords,
        flows=(participants, *flows), staff=staff, desk=desk,
    )  # fmt: skip
    yield World(engine, bookings, calendar, texts, clock)
    await database.dispose()


async def approved_visit(world: World) -> BookingView:
    booking = await world.bookings.request(
        BookingRequest(
            "Coop TLM",
            "koperasi",
            "Kupang, NTT",
            "Mama Yuli",
            "+6281300000000",
            30,
            VISIT,
            3,
            (),
            "",
            "telegram",
            "coordinator",
            "coordinator",
        )  # fmt: skip
    )
    await world.send("", "-100", Kind.BUTTON, payload=f"sa:{booking.code}")
    approved = await world.bookings.get(booking.code)
    assert approved is not None
    return approved


async def test_approval_fills_the_agenda_and_plans_pushes(world: World) -> None:
    booking = await approved_visit(world)
    assert world.calendar.planned == [booking.code]
    agenda = await world.send("agenda", "coordinator")  # the coordinator sees it too
    assert agenda[0].text.startswith("Agenda hari ke-1 (Selasa, 8 Desember 2026)")
    assert "08.30–09.00 Registrasi dan penyambutan rombongan (Aula kantor pusat)" in agenda[0].text


async def test_join_by_deep_link_then_agenda_and_leave(world: World) -> None:
    booking = await approved_visit(world)
    ask = await world.send("/start", "p1", Kind.START, payload=booking.invite_code)
    assert "Coop TLM" in ask[0].text
    done = await world.send("Maria Goreti", "p1")
    assert done[0].text.startswith("Terima kasih, Maria Goreti")
    assert len(done) == 1  # not a visit day yet: no agenda pushed at once
    second = await world.send("agenda hari kedua", "p1")
    assert second[0].text.startswith("Agenda hari ke-2 (Rabu, 9 Desember 2026)")
    left = await world.send("berhenti", "p1")
    assert left[0].text == world.texts("join.left")
    assert (await world.send("agenda", "p1"))[0].text == world.texts("agenda.not_participant")


async def test_a_participant_asking_a_time_gets_the_agenda(world: World) -> None:
    """Found in the console: a participant's "berangkat dari hotel jam berapa?" got the
    answer about lodging. A time asked by someone in a visit is the agenda's; the same
    question from a chat with no visit, or about a shop's hours, is read as usual."""
    booking = await approved_visit(world)
    await world.send(f"gabung {booking.invite_code}", "p5")
    await world.send("Yohana", "p5")
    asked = await world.send("berangkat dari hotel jam berapa?", "p5")
    assert asked[0].text.startswith("Agenda hari ke-1 (Selasa, 8 Desember 2026)")
    second = await world.send("hari kedua kumpul jam brp ya?", "p5")
    assert second[0].text.startswith("Agenda hari ke-2")
    shop = await world.send("warung anggota buka jam berapa?", "p5")
    assert not shop[0].text.startswith("Agenda")
    stranger = await world.send("berangkat dari hotel jam berapa?", "p6")
    assert not stranger[0].text.startswith("Agenda")


async def test_a_participant_late_or_away_is_asked_to_tell_the_coordinator(
    world: World,
) -> None:
    """Found in the console: a participant's "saya mungkin telat 30 menit, boleh?" got "that
    question is outside our service", "saya izin tidak ikut sesi siang" the agenda."""
    booking = await approved_visit(world)
    await world.send(f"gabung {booking.invite_code}", "p7")
    await world.send("Yohana", "p7")
    told = world.texts("join.tell_coordinator", contact="Mama Yuli", phone="+6281300000000")
    for message in ("saya mungkin telat 30 menit, boleh?", "saya izin tidak ikut sesi siang"):
        assert [r.text for r in await world.send(message, "p7")] == [told]
    both = await world.send("saya telat, kumpul jam berapa?", "p7")
    assert both[0].text.startswith("Agenda hari ke-1") and both[1].text == told
    stranger = await world.send("saya mungkin telat 30 menit, boleh?", "p8")
    assert told not in [r.text for r in stranger]  # no visit joined: read as usual
    # the coordinator joined as well (console: told to tell themself): staff, a button
    await world.send(f"gabung {booking.invite_code}", "coordinator")
    await world.send("Mama Yuli", "coordinator")
    (own,) = await world.send("saya mungkin telat 30 menit, boleh?", "coordinator")
    assert own.text == world.texts("join.tell_staff") and own.buttons


async def test_join_by_text_code_on_a_visit_day_after_the_push_gets_today_at_once(
    world: World,
) -> None:
    booking = await approved_visit(world)
    world.clock[0] = datetime.combine(VISIT + timedelta(days=1), time(7, 15), tzinfo=WIB)
    await world.send(f"gabung {booking.invite_code}", "p2")
    joined = await world.send("Yohana", "p2")
    assert joined[-1].text.startswith("Agenda hari ke-2 (Rabu, 9 Desember 2026)")
    tomorrow = await world.send("agenda besok", "p2")
    assert tomorrow[0].text.startswith("Agenda hari ke-3")


async def test_unknown_or_unapproved_invite_codes(world: World) -> None:
    refused = await world.send("/start", "p3", Kind.START, payload="ZZZZZZ")
    assert "ZZZZZZ" in refused[0].text
    booking = await world.bookings.request(
        BookingRequest(
            "Kop A",
            "koperasi",
            "Bogor",
            "Andi",
            "+6281300000001",
            10,
            VISIT,
            1,
            (),
            "",
            "telegram",
            "c2",
            "c2",
        )  # fmt: skip
    )
    assert booking.invite_code is None  # pending bookings have no invite code yet


async def test_cancel_drops_the_planned_pushes(world: World) -> None:
    booking = await approved_visit(world)
    await world.send("", "coordinator", Kind.BUTTON, payload=f"cc:{booking.code}")
    await world.send("", "coordinator", Kind.BUTTON, payload="cy")
    assert world.calendar.dropped == [booking.code]


async def test_staff_see_the_agenda_and_the_participants(world: World) -> None:
    booking = await approved_visit(world)
    await world.send("/start", "p9", Kind.START, payload=booking.invite_code)
    await world.send("Maria", "p9")
    agenda = await world.send(f"/agenda {booking.code}", "-100")
    assert agenda[0].text.count("Agenda hari ke-") == 3
    people = await world.send(f"/peserta {booking.code}", "-100")
    assert "1. Maria (telegram)" in people[0].text


async def test_rating_after_the_visit_is_stored_once(world: World) -> None:
    booking = await approved_visit(world)
    await world.send("/start", "p7", Kind.START, payload=booking.invite_code)
    await world.send("Yosef", "p7")
    world.clock[0] = datetime.combine(VISIT + timedelta(days=2), time(16, 30), tzinfo=WIB)
    thanks = await world.send("5, materinya sangat bermanfaat", "p7")
    assert thanks[0].text == world.texts("feedback.thanks")
    again = await world.send("4", "p7")
    assert again[0].text == world.texts("feedback.already")
    outsider = await world.send("5", "someone-else")  # not a participant: an ordinary message
    assert outsider[0].text != world.texts("feedback.thanks")


async def test_staff_edit_one_session_and_replace_the_agenda(world: World) -> None:
    booking = await approved_visit(world)
    code = booking.code
    saved = await world.send(
        f"/sesi {code} 2 08:30-10:30 Sejarah BMI | Pak Kambara | Aula", "-100"
    )
    assert saved[0].text == world.texts("staff.agenda_saved", code=code)
    day2 = await world.send("agenda hari kedua", "coordinator")
    assert "08.30–10.30 Sejarah BMI (Pak Kambara, Aula)" in day2[0].text
    clash = await world.send(f"/sesi {code} 2 10:00-11:00 Rapat", "-100")
    assert "bentrok" in clash[0].text
    broken = await world.send(
        f"/agendacsv {code}\nhari,mulai,selesai,judul\n1,08:00,09:00,Pembukaan\n"
        "4,09:00,10:00,Hari keempat\n1,10:00,09:30,Terbalik",
        "-100",
    )
    assert "baris 3: hari harus 1 sampai 3" in broken[0].text
    assert "baris 4: jam selesai harus setelah jam mulai" in broken[0].text
    unchanged = await world.send("agenda hari kedua", "coordinator")
    assert "Sejarah BMI" in unchanged[0].text  # nothing half-applied
    replaced = await world.send(f"/agendacsv {code}\n1,08:00,09:00,Pembukaan,,Aula", "-100")
    assert replaced[0].text == world.texts("staff.agenda_saved", code=code)
    day1 = await world.send("agenda", "coordinator")
    assert "08.00–09.00 Pembukaan (Aula)" in day1[0].text


async def test_the_coordinator_sees_who_joined(world: World) -> None:
    booking = await approved_visit(world)
    await world.send("/start", "p5", Kind.START, payload=booking.invite_code)
    await world.send("Agnes", "p5")
    roster = await world.send("daftar peserta", "coordinator")
    assert "1. Agnes" in roster[0].text
    assert booking.invite_code in roster[0].text
    refused = await world.send("daftar peserta", "p5")  # a participant is not the coordinator
    assert refused[0].text == world.texts("join.no_roster")
    # asked in a sentence (console, a coordinator: the invite code again)
    asked = await world.send("siapa saja peserta yang sudah gabung?", "coordinator")
    assert asked[0].text == roster[0].text
    many = await world.send("sudah berapa orang yang gabung?", "coordinator")  # (console:
    assert many[0].text == roster[0].text  # the group-size limit)


async def test_the_coordinator_asking_for_the_invite_code_is_given_it(world: World) -> None:
    """Found in the console (a women's cooperative from Sidoarjo, approved): "kode
    undangannya apa bu?" from the chat that booked was told to ask the coordinator, and
    "untuk peserta bagaimana cara dapat agendanya?" was asked for the code."""
    booking = await approved_visit(world)
    for asked in ("kode undangannya apa bu?", "untuk peserta bagaimana cara dapat agendanya?"):
        (given,) = await world.send(asked, "coordinator")
        assert given.text == world.texts(
            "join.share_code", org_name="Coop TLM", invite=booking.invite_code
        )
    link = "bisa minta link untuk dibagikan ke grup wa peserta?"  # (console: the materials)
    (shared,) = await world.send(link, "coordinator")
    assert shared.text == world.texts(
        "join.share_code", org_name="Coop TLM", invite=booking.invite_code
    )
    (other,) = await world.send("kode undangannya apa bu?", "p8")  # a participant
    assert other.text == world.texts("join.no_code")
    # back under review (console, Meranti: its new group size; told to ask the coordinator)
    await world.bookings.resize(booking.code, 15, "coordinator", note=lambda _: "")
    (later,) = await world.send("kode undangannya apa bu?", "coordinator")
    assert later.text == world.texts("join.code_after_approval", code=booking.code)
    # the agenda asked meanwhile (console, a KSP from Cirebon: told how participants join)
    (agenda,) = await world.send("rundown acaranya bisa dikirim pak?", "coordinator")
    assert agenda.text == world.texts("agenda.under_review")


async def test_a_participant_without_a_code_is_not_asked_for_it_forever(world: World) -> None:
    """Found in the console: after "saya peserta dari rombongan …" asked for the invite code,
    every message ("jadwal acara besok apa ya?", "kodenya saya tidak tahu", "terima kasih")
    got the same request for the code."""
    texts = world.texts
    asked = await world.send("saya peserta dari rombongan dinas koperasi sumbar", "p9")
    assert [r.text for r in asked] == [texts("join.ask_code")]
    agenda = await world.send("jadwal acara besok apa ya?", "p9")
    assert [r.text for r in agenda] == [texts("agenda.not_participant")]
    hours = await world.send("acaranya dari jam berapa sampai jam berapa?", "p9")
    assert "pukul 08.30 WIB" in hours[0].text  # the usual hours; the agenda once joined
    # hours proposed (console: told the agenda comes on approval, how participants join)
    proposed = await world.send("kami rencana datang jam 1 siang, selesai jam 4 bisa?", "p8")
    assert [r.text for r in proposed] == [hours[0].text, texts("agenda.hours_proposed")]
    # Found in the console: said right after that (read as join_visit, 0.98), the code was
    # asked for again.
    told = await world.send("kodenya saya tidak tahu, ketua rombongan yang pegang", "p9")
    assert [r.text for r in told] == [texts("join.no_code")]
    await world.send("saya peserta dari rombongan dinas koperasi sumbar", "p9")
    unknown = await world.send("kodenya saya tidak tahu, dari ketua rombongan belum dikasih", "p9")
    assert [r.text for r in unknown] == [texts("join.no_code")]
    booking = await approved_visit(world)
    await world.send("saya peserta dari rombongan dinas koperasi sumbar", "p9")
    named = await world.send(f"ini kodenya {booking.invite_code}", "p9")
    assert named[0].text.startswith("Selamat datang 🙏")
    # A question where the name is asked is no name; the name given after it is.
    question = await world.send("acaranya mulai jam berapa?", "p9")
    assert not question[0].text.startswith("Terima kasih, acaranya")
    joined = await world.send("Bona Ndun", "p9")
    assert joined[0].text.startswith("Terima kasih, Bona Ndun.")


async def test_a_booking_code_where_the_invite_code_is_asked_is_told_apart(world: World) -> None:
    """Found in the console: the coordinator's booking code (5 letters and digits), sent where
    the invite code was asked, was "not found"; it is told apart by its length, the same
    words whether or not it exists (nobody learns which booking codes do), and no wrong guess
    is counted. From the chat that made the booking, the booking itself (console: "kodenya
    9R7KZ" after "mau konfirmasi kunjungan kami" was told what each code is for)."""
    booking = await approved_visit(world)
    await world.send("saya peserta dari rombongan dinas koperasi sumbar", "p7")
    told = await world.send(booking.code, "p7")
    assert [r.text for r in told] == [world.texts("join.booking_code", code=booking.code)]
    unknown = await world.send("gabung 7K3M9PQR", "p7")
    assert [r.text for r in unknown] == [world.texts("join.unknown", code="7K3M9PQR")]
    (own,) = await world.send(f"gabung {booking.code}", "coordinator")
    assert own.text.startswith(world.texts("booking.your_list")) and "Coop TLM" in own.text


async def test_a_participants_name_written_wrong_is_put_right(world: World) -> None:
    """Found in the console (a participant of a KSU from Bandung): "nama saya salah ketik,
    harusnya Ahmad Fauzy pakai y" got "Salam kenal"; the certificate prints that name."""
    booking = await approved_visit(world)
    await world.send(f"gabung {booking.invite_code}", "p9")
    await world.send("Ahmad Fauzi", "p9")
    fixed = await world.send("nama saya salah ketik, harusnya Ahmad Fauzy pakai y", "p9")
    assert [r.text for r in fixed] == [world.texts("join.renamed", name="Ahmad Fauzy")]
    roster = await world.send("daftar peserta", "coordinator")
    assert "1. Ahmad Fauzy" in roster[0].text
    # without the right name in it, the name is asked for
    asked = await world.send("maaf pak nama saya salah", "p9")
    assert [r.text for r in asked] == [world.texts("join.ask_right_name")]
    done = await world.send("Ahmad Fauzy S.E.", "p9")
    assert done[0].text.startswith("Terima kasih, Ahmad Fauzy S.E.")
    stranger = await world.send("nama saya salah ketik, harusnya Budi", "p10")
    assert world.texts("join.renamed", name="Budi") not in [r.text for r in stranger]


async def test_a_group_chat_asked_for_is_the_invite_code(world: World) -> None:
    """Found in the console: "ada grup WA untuk rombongan?" (lodging, 0.28) got the answer
    about lodging; the invite code is what gives the participants their agenda."""
    booking = await approved_visit(world)
    shared = await world.send("ada grup WA untuk rombongan?", "coordinator")
    assert booking.invite_code and booking.invite_code in shared[0].text
    stranger = await world.send("ada grup WA untuk rombongan?", "p12")
    assert [r.text for r in stranger] == [world.texts("join.group_chat")]
