"""The one scheduler: APScheduler 3.11 with a persistent SQLAlchemy job store.

- Jobs have stable ids (`agenda:<code>:<day>`, `reminder:<code>`) and `replace_existing`, so
  planning a visit twice, or after a restart, never duplicates a push.
- `misfire_grace_time` is hours, not APScheduler's 1 s default, and `coalesce` is on: a bot that
  was down at 06:00 still sends that morning's agenda once when it comes back.
- Exactly one process runs jobs: it holds a lock (a PostgreSQL advisory lock, or a file lock
  beside the SQLite file). Other processes start their scheduler paused; they still write jobs
  to the shared store, and the running scheduler re-reads the store every 30 s. A paused one
  tries the lock every 30 s too, and runs the jobs once the holder has stopped or died.
- The job store is synchronous SQLAlchemy, so it is only ever used from worker threads: a
  locked SQLite file or a slow PostgreSQL makes a job wait, never every chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import asyncpg
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import make_url

from bot.core.booking import BookingView
from bot.core.visits import day_date
from bot.jobs.context import JobContext

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x4B554E4A  # "KUNJ"
WAKEUP_SECONDS = 30


def sync_url(database_url: str) -> str:
    """The job store is synchronous: sqlite+aiosqlite -> sqlite, +asyncpg -> +psycopg2."""
    url = make_url(database_url)
    driver = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg2"
    return url.set(drivername=driver).render_as_string(hide_password=False)


class SchedulerLock:
    """Held by the one process that runs jobs."""

    def __init__(self, database_url: str) -> None:
        self._url = make_url(database_url)
        self._connection: asyncpg.Connection | None = None
        self._file: IO[str] | None = None

    async def acquire(self) -> bool:
        """Try once; False when another process already runs the scheduler."""
        if self._url.get_backend_name() == "sqlite":
            path = Path(self._url.database or "kunjungan.sqlite3").with_suffix(".scheduler.lock")
            handle = path.open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._file = handle
            return True
        plain = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = await asyncpg.connect(plain)
        got = bool(
            await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_LOCK_KEY)
        )
        if not got:
            await self._connection.close()
            self._connection = None
        return got

    async def release(self) -> None:
        """Let another process take over."""
        if self._connection is not None:
            await self._connection.close()  # closing the session releases the advisory lock
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class _WithContext:
    """A due job as APScheduler's runner sees it, with the `JobContext` as the function's
    `jobs` argument. The stored `Job` itself is never changed: the store pickles it again."""

    def __init__(self, job: Job, context: JobContext) -> None:
        self._job = job
        self.func = functools.partial(job.func, jobs=context)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)

    def __str__(self) -> str:
        return str(self._job)


class ThreadSafeExecutor(AsyncIOExecutor):
    """Jobs are submitted from the store thread; their tasks start on the event loop, each
    given the app's `JobContext` (its `jobs` argument)."""

    def __init__(self, context: JobContext) -> None:
        super().__init__()
        self._context = context

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        bound = _WithContext(job, self._context)
        self._eventloop.call_soon_threadsafe(super()._do_submit_job, bound, run_times)


class OffLoopScheduler(AsyncIOScheduler):
    """`AsyncIOScheduler` whose job-store reads (`_process_jobs`) run in one worker thread,
    never on the event loop; wake-ups while it runs are folded into one more pass."""

    def __init__(self, context: JobContext, **options: Any) -> None:
        self._context = context
        super().__init__(**options)
        self._store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobstore")
        self._processing = False
        self._again = False
        self._closing = False

    async def drain(self) -> None:
        """Start no more passes over the job store and let the one in flight finish: a pass
        cut off by shutdown could start a job and never record it as done."""
        self._closing = True
        await asyncio.get_running_loop().run_in_executor(self._store_thread, lambda: None)

    def wakeup(self) -> None:
        loop = self._eventloop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self._stop_timer()
        if self._closing:
            return
        if self._processing:
            self._again = True
            return
        self._processing = True
        future = self._eventloop.run_in_executor(self._store_thread, self._process_jobs)
        future.add_done_callback(self._processed)

    def _processed(self, future: asyncio.Future[float | None]) -> None:
        self._processing = False
        if self._eventloop is None:  # shut down meanwhile
            return
        try:
            wait_seconds = future.result()
        except Exception:  # the store was unreachable: try again at the next regular wake-up
            log.exception("scheduled jobs could not be read")
            wait_seconds = WAKEUP_SECONDS
        if self._again:
            self._again = False
            self._wake()
            return
        self._start_timer(wait_seconds)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        self._store_thread.shutdown(wait=False)

    def _create_default_executor(self) -> ThreadSafeExecutor:
        return ThreadSafeExecutor(self._context)


class VisitScheduler:
    """Plans and drops the pushes of approved visits."""

    def __init__(
        self,
        database_url: str,
        zone: ZoneInfo,
        *,
        push_time: time,
        reminder_time: time,
        feedback_time: time,
        misfire_grace: timedelta,
        wakeup_seconds: float = WAKEUP_SECONDS,
    ) -> None:
        self._wakeup_seconds = wakeup_seconds
        self._feedback_time = feedback_time
        self._zone = zone
        self._push_time = push_time
        self._reminder_time = reminder_time
        self._lock = SchedulerLock(database_url)
        self.jobs = JobContext()  # filled in by the app; every job gets it
        self.scheduler = OffLoopScheduler(
            self.jobs,
            jobstores={"default": SQLAlchemyJobStore(url=sync_url(database_url))},
            job_defaults={
                "misfire_grace_time": int(misfire_grace.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
            },
            timezone=zone,
        )
        self._wakeups: asyncio.Task[None] | None = None
        self.running_jobs = False

    async def start(self) -> None:
        """Start; run jobs only if this process wins the lock (and try again regularly)."""
        self.running_jobs = await self._lock.acquire()
        self.scheduler.start(paused=not self.running_jobs)
        self._wakeups = asyncio.create_task(self._wake_up_regularly())
        if self.running_jobs:
            log.info("scheduler running: this process sends the agenda pushes")
        else:
            log.info("scheduler paused: another process sends the agenda pushes")

    async def _wake_up_regularly(self) -> None:
        """Pick up jobs other processes wrote to the shared store; while paused, take over
        the jobs as soon as the lock is free (the process that held it is gone)."""
        while True:
            await asyncio.sleep(self._wakeup_seconds)
            if self.running_jobs:
                self.scheduler.wakeup()
            elif await self._lock.acquire():
                self.running_jobs = True
                self.scheduler.resume()
                log.info("scheduler taken over: this process now sends the agenda pushes")

    async def stop(self) -> None:
        """Stop without waiting for running jobs (they resume from the outbox next time)."""
        if self._wakeups is not None:
            self._wakeups.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._wakeups
        if self.scheduler.running:
            await self.scheduler.drain()
            self.scheduler.shutdown(wait=False)
        await self._lock.release()

    def _at(self, day: datetime | Any, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self._zone)

    async def plan(self, booking: BookingView) -> None:
        """(Re)plan the reminder and every day's agenda push of an approved visit."""
        await asyncio.to_thread(self._plan, booking)

    def _plan(self, booking: BookingView) -> None:
        self._drop(booking.code)
        for index in range(1, booking.days + 1):
            self.scheduler.add_job(
                "bot.jobs.pushes:push_agenda",
                "date",
                run_date=self._at(day_date(booking, index), self._push_time),
                args=[booking.code, index],
                id=f"agenda:{booking.code}:{index}",
                replace_existing=True,
            )
        self.scheduler.add_job(
            "bot.jobs.pushes:push_reminder",
            "date",
            run_date=self._at(booking.start_date - timedelta(days=1), self._reminder_time),
            args=[booking.code],
            id=f"reminder:{booking.code}",
            replace_existing=True,
        )
        self.scheduler.add_job(
            "bot.jobs.pushes:push_feedback",
            "date",
            run_date=self._at(booking.end_date, self._feedback_time),
            args=[booking.code],
            id=f"feedback:{booking.code}",
            replace_existing=True,
        )

    async def every(
        self, func: str, minutes: int, job_id: str, args: list[object] | None = None
    ) -> None:
        """A recurring job (stable id, so restarts do not duplicate it)."""
        await asyncio.to_thread(
            self.scheduler.add_job,
            func,
            "interval",
            minutes=minutes,
            args=args or [],
            id=job_id,
            replace_existing=True,
            coalesce=True,
        )

    async def drop(self, code: str) -> None:
        """Remove a visit's pushes (cancelled, declined, or moved back to pending)."""
        await asyncio.to_thread(self._drop, code)

    def _drop(self, code: str) -> None:
        for job in self.scheduler.get_jobs():
            if job.id in {f"reminder:{code}", f"feedback:{code}"} or job.id.startswith(
                f"agenda:{code}:"
            ):
                job.remove()
