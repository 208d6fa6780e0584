"""Outbox delivery (once, paced, failures recorded) and the persistent scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import select, update

from bot.channels.notifier import ChannelNotifier
from bot.core.booking import BookingView, Status
from bot.core.messages import Reply
from bot.core.notify import DeliveryFailed, Outgoing
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage
from bot.db.session import create_engine, session_factory
from bot.jobs.outbox import Outbox
from bot.jobs.scheduler import VisitScheduler, sync_url

WIB = ZoneInfo("Asia/Jakarta")


class FlakyChannel:
    """Records deliveries; chats in `blocked` fail permanently, like a 403."""

    def __init__(self, blocked: set[str] | None = None) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.blocked = blocked or set()

    async def __call__(self, chat_id: str, replies: list[Reply]) -> None:
        if chat_id in self.blocked:
            raise DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)
        self.delivered.extend((chat_id, reply.text) for reply in replies)


@pytest.fixture
async def outbox_parts(database_url: str) -> AsyncIterator[tuple[Outbox, FlakyChannel, object]]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    channel = FlakyChannel(blocked={"c3"})
    notifier = ChannelNotifier()
    notifier.register("telegram", channel)
    sessions = session_factory(engine)
    yield Outbox(sessions, notifier, per_second=200), channel, sessions
    await engine.dispose()


def messages(count: int) -> list[Outgoing]:
    return [
        Outgoing(f"agenda:K:2027-01-05:telegram:c{i}", "telegram", f"c{i}", f"hai {i}")
        for i in range(count)
    ]


async def test_broadcast_sends_each_message_once(outbox_parts: tuple) -> None:  # type: ignore[type-arg]
    outbox, channel, _ = outbox_parts
    first = await outbox.broadcast(messages(5))
    assert (first.sent, len(first.failed)) == (4, 1)
    assert "blocked" in first.failed["agenda:K:2027-01-05:telegram:c3"]
    again = await outbox.broadcast(messages(5))  # the same push runs again (restart, retry)
    assert (again.sent, again.already) == (0, 5)
    assert sorted(chat for chat, _ in channel.delivered) == ["c0", "c1", "c2", "c4"]


async def test_a_crash_mid_broadcast_neither_loses_nor_duplicates(outbox_parts: tuple) -> None:  # type: ignore[type-arg]
    outbox, channel, sessions = outbox_parts
    batch = messages(6)
    await outbox.broadcast(batch[:3])  # these were sent before the "crash"
    async with sessions() as session, session.begin():  # one claimed, then the process died
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.key == batch[2].key).values(status="sending")
        )
    channel.delivered.clear()
    report = await outbox.broadcast(batch)  # after the restart the job runs again
    assert sorted(chat for chat, _ in channel.delivered) == ["c4", "c5"]  # c3 is blocked
    assert report.sent == 2
    async with sessions() as session:
        statuses = dict(
            (await session.execute(select(OutboxMessage.key, OutboxMessage.status))).all()
        )
    assert list(statuses.values()).count("sent") == 4


async def test_concurrent_broadcasts_of_one_push_send_once(outbox_parts: tuple) -> None:  # type: ignore[type-arg]
    outbox, channel, _ = outbox_parts
    await asyncio.gather(outbox.broadcast(messages(8)), outbox.broadcast(messages(8)))
    chats = [chat for chat, _ in channel.delivered]
    assert sorted(chats) == sorted(set(chats))
    assert len(chats) == 7


def test_job_store_urls() -> None:
    assert sync_url("sqlite+aiosqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"
    assert sync_url("postgresql+asyncpg://u:p@h:5432/d") == "postgresql+psycopg2://u:p@h:5432/d"


VISIT = BookingView(
    code="KJ7Q2", status=Status.APPROVED, org_name="Coop TLM", org_kind="koperasi",
    origin="Kupang, NTT", contact_name="Mama Yuli", contact_phone="+6281300000000",
    participants=30, start_date=date(2027, 3, 1), days=3, topics=(), notes="",
    channel="telegram", chat_id="1", invite_code="ABC234",
)  # fmt: skip


def scheduler_for(
    url: str, push_time: time = time(6, 0), wakeup_seconds: float = 30
) -> VisitScheduler:
    return VisitScheduler(
        url, WIB, push_time=push_time, reminder_time=time(18, 0), feedback_time=time(16, 0),
        misfire_grace=timedelta(hours=6), wakeup_seconds=wakeup_seconds,
    )  # fmt: skip


async def test_plan_is_persistent_idempotent_and_droppable(database_url: str) -> None:
    await upgrade(database_url)
    first = scheduler_for(database_url)
    await first.start()
    assert first.running_jobs
    await first.plan(VISIT)
    await first.plan(VISIT)  # planned twice: still one job per push
    await first.stop()
    restarted = scheduler_for(database_url)
    await restarted.start()
    jobs = {job.id: job.next_run_time for job in restarted.scheduler.get_jobs()}
    assert jobs == {
        "agenda:KJ7Q2:1": datetime(2027, 3, 1, 6, tzinfo=WIB),
        "agenda:KJ7Q2:2": datetime(2027, 3, 2, 6, tzinfo=WIB),
        "agenda:KJ7Q2:3": datetime(2027, 3, 3, 6, tzinfo=WIB),
        "reminder:KJ7Q2": datetime(2027, 2, 28, 18, tzinfo=WIB),
        "feedback:KJ7Q2": datetime(2027, 3, 3, 16, tzinfo=WIB),
    }
    assert jobs["agenda:KJ7Q2:1"].astimezone(UTC).hour == 23  # 06:00 WIB is 23:00 UTC
    await restarted.drop("KJ7Q2")
    assert restarted.scheduler.get_jobs() == []
    await restarted.stop()


async def test_only_one_process_runs_jobs(database_url: str) -> None:
    await upgrade(database_url)
    leader, follower = scheduler_for(database_url), scheduler_for(database_url)
    await leader.start()
    await follower.start()
    try:
        assert (leader.running_jobs, follower.running_jobs) == (True, False)
        await follower.plan(VISIT)  # a follower still writes jobs to the shared store
        assert {job.id for job in leader.scheduler.get_jobs()} >= {"reminder:KJ7Q2"}
    finally:
        await follower.stop()
        await leader.stop()
    takeover = scheduler_for(database_url)
    await takeover.start()
    assert takeover.running_jobs
    await takeover.stop()


async def test_a_paused_scheduler_takes_over_when_the_leader_is_gone(database_url: str) -> None:
    await upgrade(database_url)
    leader = scheduler_for(database_url)
    follower = scheduler_for(database_url, wakeup_seconds=0.2)
    await leader.start()
    await follower.start()
    try:
        assert not follower.running_jobs
        await leader.stop()  # the leader's process ends (or dies: its lock goes with it)
        for _ in range(50):
            if follower.running_jobs:
                break
            await asyncio.sleep(0.1)
        assert follower.running_jobs and follower.scheduler.state == STATE_RUNNING
    finally:
        await follower.stop()


class RecordingPushes:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.ran = asyncio.Event()

    async def agenda(self, code: str, day: int) -> None:
        self.calls.append((code, day))
        self.ran.set()


async def test_a_push_missed_while_down_still_goes_out_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'late.sqlite3'}"
    await upgrade(url)
    missed = datetime.now(WIB) - timedelta(minutes=5)  # the push time passed while down
    late = replace(VISIT, start_date=missed.date(), days=1)
    recorder = RecordingPushes()
    down = scheduler_for(url, missed.time())
    down.jobs.pushes = recorder  # type: ignore[assignment]
    await down.start()
    await down.plan(late)
    await down.stop()
    back = scheduler_for(url, missed.time())
    back.jobs.pushes = recorder  # type: ignore[assignment]
    await back.start()
    try:
        await asyncio.wait_for(recorder.ran.wait(), 10)
        await asyncio.sleep(0.5)
        assert recorder.calls == [("KJ7Q2", 1)]
    finally:
        await back.stop()
