"""Participants and the morning push, end to end on Telegram (fake Bot API, real Rasa)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta

import pytest

from bot.config import ROOT, Settings
from bot.holidays import closed_days
from bot.jobs import pushes
from nlu.dates import VENUE_TZ
from tests.e2e.conftest import RunningBot, coop_tlm, running_bot
from tests.fakes.telegram_server import FakeTelegram

STAFF_GROUP, STAFF, COORDINATOR = -100777, 77, 6000
ALICE, BLOCKED = 6001, 6002


@pytest.fixture
async def visit_today(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    today_settings = settings.model_copy(
        update={
            "staff_chat_id": STAFF_GROUP,
            "staff_user_ids": [STAFF],
            "booking_lead_days": 0,
            "closed_weekdays": frozenset(),
            "agenda_push_time": time(0, 0),
        }
    )
    async with running_bot(today_settings, telegram) as bot:
        yield bot


async def test_join_by_deep_link_and_the_morning_push(visit_today: RunningBot) -> None:
    server, app = visit_today.server, visit_today.app
    booking = await app.bookings.request(
        coop_tlm(datetime.now(VENUE_TZ).date(), 2, str(COORDINATOR))
    )
    await server.press(STAFF_GROUP, f"sa:{booking.code}", user_id=STAFF, chat_type="supergroup")
    await server.wait_for(COORDINATOR, 1, method="sendDocument")
    approved = await app.bookings.get(booking.code)
    assert approved is not None and approved.invite_code
    jobs = {job.id for job in app.scheduler.scheduler.get_jobs()}
    assert f"agenda:{booking.code}:2" in jobs  # day 1's 00:00 push may already have run

    for chat, name in ((ALICE, "Alice"), (BLOCKED, "Bona")):
        await server.send_text(chat, f"/start {approved.invite_code}")
        await server.wait_for(chat, 1)
        await server.send_text(chat, name)
        joined = await server.wait_for(chat, 3)  # confirmation + today's agenda at once
        assert joined[-1].params["text"].startswith("Agenda hari ke-1")

    server.blocked.add(BLOCKED)
    server.fail("sendMessage", 429, count=1, retry_after=1)
    before = len(server.sent(ALICE))
    await pushes.push_agenda(booking.code, 2, jobs=app.scheduler.jobs)
    pushed = server.texts(ALICE)[before:]
    assert len(pushed) == 1
    assert pushed[0].startswith("Selamat pagi, Alice")
    assert "Agenda hari ke-2" in pushed[0]
    # The approval's own message to the group may come after the summary under load.
    to_staff = [call.params["text"] for call in await server.wait_for(STAFF_GROUP, 2)]
    summary = next(text for text in to_staff if "terkirim" in text)
    assert "terkirim 1/2, gagal 1" in summary
    assert "Bona" in summary

    # The job runs again: nothing is sent twice.
    await pushes.push_agenda(booking.code, 2, jobs=app.scheduler.jobs)
    assert len(server.texts(ALICE)) == before + 1


async def test_staff_upload_an_agenda_file(visit_today: RunningBot) -> None:
    server, app = visit_today.server, visit_today.app
    booking = await app.bookings.request(
        coop_tlm(
            datetime.now(VENUE_TZ).date(),
            1,
            "6100",
            org_name="Kopwan Setia Budi",
            origin="Malang",
            contact_name="Bu Sri",
            contact_phone="+6281300000002",
            participants=20,
        )
    )
    await server.press(STAFF_GROUP, f"sa:{booking.code}", user_id=STAFF, chat_type="supergroup")
    await server.wait_for(STAFF_GROUP, 1)
    bad = b"- {day: 1, start: '09:00', end: '08:00', title: Terbalik}\n"
    good = (
        b"- {day: 1, start: '08:00', end: '09:30', title: Pembukaan, place: Aula}\n"
        b"- {day: 1, start: '09:30', end: '11:00', title: Kunjungan Warung Anggota}\n"
    )
    for index, content in enumerate((bad, good)):
        await server.push(
            {
                "message": server.message(
                    STAFF_GROUP,
                    STAFF,
                    "supergroup",
                    caption=f"/agenda {booking.code}",
                    document=server.document(f"f{index}", "agenda.yml", content),
                )  # fmt: skip
            }
        )
        await server.wait_for(STAFF_GROUP, 2 + index)
    replies = server.texts(STAFF_GROUP)
    assert "baris 1: jam selesai harus setelah jam mulai" in replies[-2]
    assert replies[-1].startswith(f"Agenda {booking.code} sudah diperbarui")
    await server.send_text(
        STAFF_GROUP, f"/agenda {booking.code}", user_id=STAFF, chat_type="supergroup"
    )
    shown = (await server.wait_for(STAFF_GROUP, 4))[-1].params["text"]
    assert "08.00–09.30 Pembukaan (Aula)" in shown


async def test_a_three_day_visit_walked_through_its_planned_jobs(
    settings: Settings, telegram: FakeTelegram
) -> None:
    """Every job the scheduler stored for a 3-day visit, run in time order at its local time:
    reminder 18:00 the day before, agendas 06:00 on days 1-3, thanks 16:00 on day 3."""
    staffed = settings.model_copy(update={"staff_chat_id": STAFF_GROUP, "staff_user_ids": [STAFF]})
    async with running_bot(staffed, telegram) as running:
        server, app = running.server, running.app
        start = datetime.now(VENUE_TZ).date() + timedelta(days=20)
        holidays = closed_days(ROOT / "data" / "holidays.yml")
        while any(
            (start + timedelta(days=d)).weekday() == 6 or start + timedelta(days=d) in holidays
            for d in range(3)
        ):
            start += timedelta(days=1)
        booking = await app.bookings.request(coop_tlm(start, 3, str(COORDINATOR)))
        await server.press(
            STAFF_GROUP, f"sa:{booking.code}", user_id=STAFF, chat_type="supergroup"
        )
        await server.wait_for(COORDINATOR, 1, method="sendDocument")
        approved = await app.bookings.get(booking.code)
        assert approved is not None
        await server.send_text(ALICE, f"gabung {approved.invite_code}")
        await server.wait_for(ALICE, 1)
        await server.send_text(ALICE, "Alice")
        await server.wait_for(ALICE, 2)

        jobs = sorted(
            (job for job in app.scheduler.scheduler.get_jobs() if booking.code in job.id),
            key=lambda job: job.next_run_time,
        )
        local = [(job.id.split(":")[0], job.next_run_time.astimezone(VENUE_TZ)) for job in jobs]
        day = [start + timedelta(days=d) for d in range(3)]
        assert local == [
            ("reminder", datetime.combine(day[0] - timedelta(days=1), time(18), VENUE_TZ)),
            ("agenda", datetime.combine(day[0], time(6), VENUE_TZ)),
            ("agenda", datetime.combine(day[1], time(6), VENUE_TZ)),
            ("agenda", datetime.combine(day[2], time(6), VENUE_TZ)),
            ("feedback", datetime.combine(day[2], time(16), VENUE_TZ)),
        ]
        before = len(server.sent(ALICE))
        for job in jobs:  # the clock moves from one planned moment to the next
            await job.func(*job.args, jobs=app.scheduler.jobs)
        received = server.texts(ALICE)[before:]
        assert [text.split(",")[0] for text in received] == [
            "Selamat sore", "Selamat pagi", "Selamat pagi", "Selamat pagi", "Terima kasih",
        ]  # fmt: skip
        assert [f"Agenda hari ke-{n}" in received[n] for n in (1, 2, 3)] == [True] * 3
        for job in jobs:  # a restart reruns them: nobody gets anything twice
            await job.func(*job.args, jobs=app.scheduler.jobs)
        assert len(server.texts(ALICE)) == before + 5
