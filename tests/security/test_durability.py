"""Nothing lost, nothing done twice: webhook updates acknowledged only once stored (and handled
after a crash), a clean SIGTERM, approval all or nothing, no blocking call on the event loop,
no outbox row left `sending` forever."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select, update

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.booking import BookingRules, BookingView, Status
from bot.core.flows.staff import StaffFlow
from bot.core.messages import Incoming, Kind
from bot.core.notify import InviteLinks, Outgoing, StaffDesk
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.db.chat_locks import ChatLocks
from bot.db.inbox import SqlInbox
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage
from bot.db.outbox import enqueue
from bot.db.session import create_engine, session_factory
from bot.intake import Intake
from bot.jobs.outbox import INTERRUPTED, Outbox
from bot.jobs.scheduler import VisitScheduler
from bot.services.booking import BookingService, Capacity
from bot.web import (
    TELEGRAM,
    TELEGRAM_SECRET_HEADER,
    TELEGRAM_WEBHOOK_PATH,
    add_telegram_webhook,
    build_app,
    telegram_chat,
)
from tests.conftest import RASA_TOKEN, free_port
from tests.e2e.conftest import wait_http
from tests.fakes.loopback import serve
from tests.fakes.notifier import RecordingNotifier
from tests.fakes.telegram_server import FakeTelegram
from tests.security.test_abuse_limits import REQUEST

SECRET = "durable-secret_1"
USER = 8801
STAFF_GROUP, STAFF = "-100", "7"


class SlowRasa:
    """A Rasa stand-in that answers "halo" (the health check) at once and takes `delay`
    seconds over anything else; `asked` is set once a slow parse has started."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.asked = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> SlowRasa:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        self._runner, self.url = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _parse(self, request: web.Request) -> web.Response:
        text = (await request.json())["text"]
        if text != "halo":
            self.asked.set()
            await asyncio.sleep(self.delay)
        ranking = [{"name": "ask_visit_cost", "confidence": 0.99}]
        return web.json_response(
            {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}
        )


@pytest.fixture
async def slow_rasa() -> AsyncIterator[SlowRasa]:
    server = await SlowRasa(delay=60).start()
    try:
        yield server
    finally:
        await server.stop()


def bot_env(database: Path, rasa: str, telegram: FakeTelegram, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "RASA_URL": rasa,
        "RASA_TOKEN": RASA_TOKEN,
        "RASA_TIMEOUT": "90",
        "RASA_RETRIES": "0",
        "HTTP_PORT": str(port),
    }


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    await wait_http(f"http://127.0.0.1:{env['HTTP_PORT']}/healthz", within=60)
    return process


async def post_update(port: int, telegram: FakeTelegram, text: str) -> int:
    update = {"update_id": 5001, "message": telegram.message(USER, text=text)}
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"http://127.0.0.1:{port}{TELEGRAM_WEBHOOK_PATH}",
            json=update,
            headers={TELEGRAM_SECRET_HEADER: SECRET},
        )
        return response.status


def unhandled(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT payload FROM inbox WHERE handled_at IS NULL")
        return [payload for (payload,) in rows]


async def test_a_process_killed_after_the_200_handles_the_update_on_restart(
    rasa_url: str, slow_rasa: SlowRasa, telegram: FakeTelegram, tmp_path: Path
) -> None:
    database, port = tmp_path / "bot.sqlite3", free_port()
    process = await start_bot(bot_env(database, slow_rasa.url, telegram, port))
    try:
        assert await post_update(port, telegram, "berapa biaya studi banding?") == 200
        await asyncio.wait_for(slow_rasa.asked.wait(), 30)  # handling has begun
    finally:
        process.kill()  # no clean-up at all, as with a power cut or the OOM killer
        await process.wait()
    assert telegram.sent(USER) == []
    assert len(unhandled(database)) == 1  # acknowledged, so it was stored

    process = await start_bot(bot_env(database, rasa_url, telegram, port))
    try:
        (answer,) = await telegram.wait_for(USER, 1, within=30)
        assert "biaya" in answer.params["text"].lower()
        assert unhandled(database) == []
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)


async def test_sigterm_finishes_the_update_in_hand_and_exits_0(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    slow = await SlowRasa(delay=2).start()
    database, port = tmp_path / "bot.sqlite3", free_port()
    try:
        process = await start_bot(bot_env(database, slow.url, telegram, port))
        assert await post_update(port, telegram, "berapa biaya studi banding?") == 200
        await asyncio.wait_for(slow.asked.wait(), 30)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 40)
    finally:
        await slow.stop()
    assert process.returncode == 0, output.decode()[-2000:]
    assert len(telegram.sent(USER)) == 1  # answered before it stopped
    assert unhandled(database) == []


class BrokenInbox:
    """The database is down."""

    async def store(self, channel: str, key: str, payload: str, chat: str = "") -> int | None:
        raise ConnectionError("database unreachable")


async def feed_nothing(_update: Any) -> None:
    raise AssertionError("an update that was not stored must not be handled")


async def test_an_update_that_cannot_be_stored_is_not_acknowledged() -> None:
    app = build_app(lambda: asyncio.sleep(0, {"status": "ok"}))  # type: ignore[arg-type,return-value]
    intake = Intake(BrokenInbox(), ChatLocks(create_engine("sqlite+aiosqlite://")))  # type: ignore[arg-type]
    intake.register(TELEGRAM, feed_nothing, telegram_chat)
    add_telegram_webhook(app, intake, SECRET)
    runner, url = await serve(app)
    try:
        async with aiohttp.ClientSession() as http:
            response = await http.post(
                f"{url}{TELEGRAM_WEBHOOK_PATH}",
                json={"update_id": 1, "message": {"text": "halo"}},
                headers={TELEGRAM_SECRET_HEADER: SECRET},
            )
            assert response.status == 503  # Telegram sends it again later
    finally:
        await runner.cleanup()


async def test_a_redelivered_update_is_handled_once(sqlite_url: str) -> None:
    await upgrade(sqlite_url)
    database = create_engine(sqlite_url)
    handled: list[Any] = []

    async def handler(payload: Any) -> None:
        handled.append(payload)

    intake = Intake(SqlInbox(database), ChatLocks(database))
    intake.register("telegram", handler, telegram_chat)
    try:
        for _ in range(3):
            await intake.accept("telegram", "77", {"update_id": 77})
        assert await intake.drain(5)
        assert handled == [{"update_id": 77}]
    finally:
        await database.dispose()


# ---- approval: all or nothing, and never blocking the event loop -------------------------


class Calendar:
    """A calendar that may refuse to plan."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.planned: list[str] = []

    async def plan(self, booking: BookingView) -> None:
        if self.fail:
            raise ConnectionError("job store unreachable")
        self.planned.append(booking.code)

    async def drop(self, code: str) -> None:
        self.planned = [planned for planned in self.planned if planned != code]


async def staff_world(
    answers: Answers, texts: Texts, calendar: Any, bookings: BookingService
) -> tuple[StaffFlow, RecordingNotifier]:
    notifier = RecordingNotifier()
    desk = StaffDesk("telegram", STAFF_GROUP, frozenset({STAFF}))
    staff = StaffFlow(
        bookings, knowledge=answers.knowledge, texts=texts, notifier=notifier, desk=desk,
        links=InviteLinks(),
        outbox=Outbox(bookings._sessions, notifier), venue="Tangerang",  # noqa: SLF001
        now=lambda: datetime.now(UTC), today=lambda: date(2026, 11, 23), calendar=calendar,
    )  # fmt: skip
    return staff, notifier


def press(code: str) -> Incoming:
    return Incoming("telegram", STAFF_GROUP, STAFF, Kind.BUTTON, payload=f"sa:{code}", group=True)


@contextlib.asynccontextmanager
async def bookings_on(
    url: str, kind: type[BookingService] = BookingService
) -> AsyncIterator[BookingService]:
    """A booking service on a migrated database at `url`, disposed afterwards."""
    await upgrade(url)
    database = create_engine(url)
    try:
        yield kind(
            session_factory(database), BookingRules(), Capacity(), today=lambda: date(2026, 11, 23)
        )
    finally:
        await database.dispose()


async def test_no_approval_is_recorded_when_its_pushes_cannot_be_planned(
    sqlite_url: str, answers: Answers, texts: Texts
) -> None:
    calendar = Calendar(fail=True)
    async with bookings_on(sqlite_url) as bookings:
        staff, notifier = await staff_world(answers, texts, calendar, bookings)
        booking = await bookings.request(REQUEST)
        with pytest.raises(ConnectionError):
            await staff.handle(press(booking.code), ConversationState())
        still = await bookings.get(booking.code)
        assert still is not None and still.status is Status.PENDING
        assert notifier.to(REQUEST.chat_id) == []  # the requester heard nothing
        calendar.fail = False
        await staff.handle(press(booking.code), ConversationState())
        approved = await bookings.get(booking.code)
        assert approved is not None and approved.status is Status.APPROVED
        assert calendar.planned == [booking.code]
        (notice,) = notifier.to(REQUEST.chat_id)
        assert "DISETUJUI" in notice.text and notice.document is not None


class ApprovalFails(BookingService):
    async def approve(self, code: str, actor: str, notices: Any = None) -> BookingView:
        raise ConnectionError("database lost at COMMIT")


async def test_a_failed_approval_leaves_no_pushes_planned(
    sqlite_url: str, answers: Answers, texts: Texts
) -> None:
    calendar = Calendar()
    async with bookings_on(sqlite_url, ApprovalFails) as bookings:
        staff, notifier = await staff_world(answers, texts, calendar, bookings)
        booking = await bookings.request(REQUEST)
        with pytest.raises(ConnectionError):
            await staff.handle(press(booking.code), ConversationState())
        assert calendar.planned == []
        assert notifier.to(REQUEST.chat_id) == []


async def test_approval_under_load_with_a_locked_database_never_blocks_the_loop(
    tmp_path: Path, answers: Answers, texts: Texts, caplog: pytest.LogCaptureFixture
) -> None:
    """The SQLite file is locked by another writer while staff approve: the approval waits
    for it, the event loop does not (asyncio's debug mode reports any callback > 100 ms)."""
    path = tmp_path / "locked.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    database = create_engine(url)
    sessions = session_factory(database)
    today = date(2026, 11, 23)
    bookings = BookingService(sessions, BookingRules(), Capacity(), today=lambda: today)
    calendar = VisitScheduler(
        url, UTC, push_time=time(6), reminder_time=time(18), feedback_time=time(16),  # type: ignore[arg-type]
        misfire_grace=timedelta(hours=6),
    )  # fmt: skip
    await calendar.start()
    staff, notifier = await staff_world(answers, texts, calendar, bookings)
    booking = await bookings.request(REQUEST)
    await bookings.get(booking.code)  # warm: first-use costs are not the point here
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    async def chatter() -> None:  # other users' work going on meanwhile
        while not stop.is_set():
            await bookings.get(booking.code)
            await asyncio.sleep(0.01)

    load = [asyncio.create_task(chatter()) for _ in range(20)]
    locker = sqlite3.connect(path, timeout=30)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the file
    loop.call_later(1.5, locker.rollback)
    # A full garbage collection of this long-lived test process can pause ~0.3 s; the bot
    # runs with gc.freeze() for that. What is measured here is blocking calls, not GC.
    gc.collect()
    gc.disable()
    loop.set_debug(True)
    loop.slow_callback_duration = 0.1
    try:
        with caplog.at_level(logging.WARNING, logger="asyncio"):
            await staff.handle(press(booking.code), ConversationState())
        loop.set_debug(False)
        approved = await bookings.get(booking.code)
        jobs = await asyncio.to_thread(calendar.scheduler.get_jobs)
    finally:
        loop.set_debug(False)
        gc.enable()
        stop.set()
        await asyncio.gather(*load)
        locker.close()
        await calendar.stop()
        await database.dispose()
    slow = [r.getMessage() for r in caplog.records if "took" in r.getMessage()]
    assert slow == []
    assert approved is not None and approved.status is Status.APPROVED
    assert {job.id for job in jobs} >= {f"reminder:{booking.code}", f"agenda:{booking.code}:1"}
    assert notifier.to(REQUEST.chat_id)


# ---- the outbox: nothing stuck -----------------------------------------------------------


async def test_the_sweep_fails_rows_stuck_sending_and_sends_forgotten_ones(
    database_url: str,
) -> None:
    await upgrade(database_url)
    database = create_engine(database_url)
    sessions = session_factory(database)
    notifier = RecordingNotifier()
    outbox = Outbox(sessions, notifier)
    try:
        async with sessions() as session, session.begin():
            await enqueue(
                session,
                [
                    Outgoing("booking:AAAAA:approved:1", "telegram", "u1", "disetujui"),
                    Outgoing("booking:BBBBB:approved:1", "telegram", "u2", "disetujui"),
                ],
            )
        long_ago = datetime.now(UTC) - timedelta(minutes=30)
        async with sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == "booking:AAAAA:approved:1")
                .values(status="sending", claimed_at=long_ago, created_at=long_ago)
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == "booking:BBBBB:approved:1")
                .values(created_at=long_ago)
            )
        report = await outbox.sweep(datetime.now(UTC))
        assert report.sent == 1
        assert [r.text for r in notifier.to("u2")] == ["disetujui"]
        assert notifier.to("u1") == []  # maybe sent before the crash: never twice
        async with sessions() as session:
            rows = {
                row.key: (row.status, row.error)
                for row in await session.scalars(select(OutboxMessage))
            }
        assert rows["booking:AAAAA:approved:1"] == ("failed", INTERRUPTED)
        assert rows["booking:BBBBB:approved:1"][0] == "sent"
    finally:
        await database.dispose()


class ApprovedByAColleague(BookingService):
    """A colleague's press commits first: this approval finds the booking approved."""

    async def approve(self, code: str, actor: str, notices: Any = None) -> BookingView:
        await super().approve(code, "staff:telegram:colleague", notices)
        return await super().approve(code, actor, notices)


async def test_a_second_press_at_the_same_moment_keeps_the_first_approvals_pushes(
    sqlite_url: str, answers: Answers, texts: Texts
) -> None:
    calendar = Calendar()
    async with bookings_on(sqlite_url, ApprovedByAColleague) as bookings:
        staff, _ = await staff_world(answers, texts, calendar, bookings)
        booking = await bookings.request(REQUEST)
        (refused,) = await staff.handle(press(booking.code), ConversationState())
        assert "sudah" in refused.text  # told it was approved already
        assert calendar.planned == [booking.code]  # the colleague's approval keeps its pushes
