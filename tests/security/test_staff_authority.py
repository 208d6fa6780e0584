"""Staff authority end to end: staff words reach exactly the chat they are meant for, staff
rights fail closed, exports and agenda uploads cannot hurt, one slow chat stalls no other."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import time
import tracemalloc
from dataclasses import replace

import pytest

from bot.channels.telegram.adapter import TelegramOutput, create_bot
from bot.channels.telegram.pacing import TelegramPace
from bot.config import ROOT, Settings
from bot.core.agenda_edit import MAX_FILE_BYTES, AgendaInvalid, parse_file
from bot.core.booking import BookingRules
from bot.core.messages import Reply
from bot.core.visits import load_agenda_template
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.services.booking import BookingService, Capacity
from bot.services.visits import VisitService
from tests.e2e.conftest import RunningBot, running_bot
from tests.e2e.test_handoff import (
    BUDI,
    OUTSIDER,
    STAFF_GROUP,
    escalate,
    staff_reply,
)
from tests.fakes.telegram_server import FakeTelegram
from tests.security.test_abuse_limits import REQUEST
from tests.services.test_booking_service import TODAY

ADMIN = 90


async def test_a_reply_to_a_booking_request_never_reaches_a_handoff_user(
    staffed: RunningBot,
) -> None:
    """The review's case: a new request whose notes say "#1", and a staff member's internal
    remark written as a reply to it, while handoff #1 is open."""
    server, app = staffed.server, staffed.app
    header = await escalate(server, BUDI, 1)
    assert header.split()[1] == "#1"
    request = replace(
        REQUEST, notes="mohon hubungi kami, lihat #1", chat_id="7100", user_id="7100"
    )
    booking = await app.bookings.request(request)
    await app.notifier.send(
        "telegram", str(STAFF_GROUP), [Reply(f"Permohonan baru {booking.code}: {request.notes}")]
    )
    (posted,) = [c for c in server.sent(STAFF_GROUP) if booking.code in c.params["text"]]
    before = len(server.sent(BUDI))
    await server.push(staff_reply(server, "ini rombongan yang rewel itu", posted))
    await asyncio.sleep(1.0)
    assert len(server.sent(BUDI)) == before  # nothing reached Budi

    relay = (await server.wait_for(STAFF_GROUP, 1))[0]  # the handoff header, the bot's own
    await server.push(staff_reply(server, "Baik Pak, kami bantu.", relay))
    answer = (await server.wait_for(BUDI, before + 1))[-1]
    assert answer.params["text"] == "Petugas: Baik Pak, kami bantu."


async def test_without_staff_ids_only_the_groups_administrators_act(
    settings: Settings, telegram: FakeTelegram
) -> None:
    telegram.admins.add(ADMIN)
    configured = settings.model_copy(update={"staff_chat_id": STAFF_GROUP, "staff_user_ids": []})
    async with running_bot(configured, telegram) as running:
        await telegram.send_text(STAFF_GROUP, "/export", user_id=OUTSIDER, chat_type="supergroup")
        refusal = (await telegram.wait_for(STAFF_GROUP, 1))[-1].params["text"]
        assert "hanya petugas" in refusal
        assert telegram.sent(STAFF_GROUP, "sendDocument") == []
        await telegram.send_text(STAFF_GROUP, "/export", user_id=ADMIN, chat_type="supergroup")
        await telegram.wait_for(STAFF_GROUP, 1, method="sendDocument")
        asked = [c for c in telegram.calls if c.method == "getChatMember"]
        assert {int(c.params["user_id"]) for c in asked} == {OUTSIDER, ADMIN}
        assert running.app.desk is not None and not running.app.desk.user_ids


async def test_the_export_neutralises_formulas(sqlite_url: str) -> None:
    await upgrade(sqlite_url)
    database = create_engine(sqlite_url)
    bookings = BookingService(
        session_factory(database), BookingRules(), Capacity(), today=lambda: TODAY
    )
    try:
        await bookings.request(
            replace(
                REQUEST,
                org_name='=HYPERLINK("http://evil.example","klik")',
                contact_name="@SUM(1+1)",
                notes="\t=cmd|' /C calc'!A0",
            )
        )
        rows = list(csv.reader(io.StringIO((await bookings.export_csv()).decode("utf-8-sig"))))
        cells = rows[1]
        assert (
            cells[2].startswith("'=") and cells[9].startswith("'@") and cells[11].startswith("'\t")
        )
        assert cells[10] == "'+6281234567890"  # phones start with "+": shown as text too
    finally:
        await database.dispose()


def test_agenda_uploads_refuse_bombs_and_giant_files() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    with pytest.raises(AgendaInvalid, match="yaml_anchor"):
        parse_file("agenda.yml", bomb.encode(), 3)
    with pytest.raises(AgendaInvalid, match="file_too_big"):
        parse_file("agenda.csv", b"1,08:00,09:00,x\n" * (MAX_FILE_BYTES // 10), 3)


async def test_agenda_fields_fit_their_columns_on_every_database(database_url: str) -> None:
    await upgrade(database_url)
    database = create_engine(database_url)
    sessions = session_factory(database)
    bookings = BookingService(sessions, BookingRules(), Capacity(), today=lambda: TODAY)
    visits = VisitService(sessions, load_agenda_template(ROOT / "data" / "agenda.yml"))
    try:
        booking = await bookings.request(REQUEST)
        long = "x" * 5000
        items = parse_file("a.csv", f"1,08:00,09:00,{long},{long},{long}\n".encode(), 1)
        await visits.replace_agenda(booking.code, items)  # PostgreSQL refuses over-long values
        (stored,) = await visits.agenda(booking.code, 1)
        assert (len(stored.title), len(stored.speaker or ""), len(stored.place or "")) == (
            200, 120, 120,
        )  # fmt: skip
    finally:
        await database.dispose()


async def test_a_429_for_the_staff_group_delays_only_the_staff_group(
    telegram: FakeTelegram,
) -> None:
    bot = create_bot(telegram.token, telegram.base_url)
    output = TelegramOutput(bot, TelegramPace())
    telegram.fail_chat(STAFF_GROUP, 429, count=1, retry_after=3)
    try:
        started = time.monotonic()
        staff = asyncio.create_task(output.deliver(STAFF_GROUP, [Reply("#1 Budi: halo")]))
        await asyncio.sleep(0.2)  # the staff group is now paused for 3 s
        for user in range(7000, 7010):
            await output.deliver(user, [Reply("Selamat pagi Bapak/Ibu")])
        users_done = time.monotonic() - started
        await staff
        staff_done = time.monotonic() - started
    finally:
        await bot.session.close()
    assert users_done < 1.0  # not held up by the staff group's pause
    assert staff_done >= 3.0  # the staff group waited for Telegram's retry_after
    assert len(telegram.sent(STAFF_GROUP)) == 1


async def test_a_large_relayed_file_is_streamed_not_held_in_memory(
    telegram: FakeTelegram,
) -> None:
    content = bytes(range(256)) * (15 * 4096)  # 15 MB
    telegram.files["video.mp4"] = content
    bot = create_bot(telegram.token, telegram.base_url)
    output = TelegramOutput(bot, TelegramPace())
    try:
        tracemalloc.start()
        document = await output.fetch("video.mp4")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert document is not None and document.path is not None
        assert peak < 4 * 1024 * 1024  # a few chunks, never the 15 MB
        await output.deliver(STAFF_GROUP, [Reply("#1 Budi: [video]", document=document)])
        (sent,) = telegram.sent(STAFF_GROUP, "sendDocument")
        assert sent.params["document"]["content"] == content
        document.discard()
        assert not os.path.exists(document.path)  # noqa: ASYNC240
    finally:
        await bot.session.close()
