"""What the scheduled jobs send: the day's agenda each morning, a reminder the evening before.

APScheduler stores jobs by the import path of their function, with plain arguments, so the
job functions here are module-level; the scheduler hands each the running app's `JobContext`
as the keyword argument `jobs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.channels.notifier import ChannelNotifier
from bot.core.booking import Bookings, Status
from bot.core.messages import Reply
from bot.core.notify import Outgoing, Report, StaffDesk
from bot.core.render import agenda as render_agenda
from bot.core.render import pushes as render
from bot.core.render.agenda import clock
from bot.core.texts import Texts
from bot.core.visits import Visits, day_date
from bot.documents.paperwork import Paperwork, Printed
from bot.jobs.context import JobContext
from bot.jobs.outbox import Outbox

log = logging.getLogger(__name__)
OUTBOX_SWEEP_JOB = "outbox-sweep"


class Pushes:
    """Builds and broadcasts the proactive messages of a visit."""

    def __init__(
        self,
        bookings: Bookings,
        visits: Visits,
        *,
        outbox: Outbox,
        notifier: ChannelNotifier,
        texts: Texts,
        desk: StaffDesk | None,
        venue: str,
        today: Callable[[], date],
        paperwork: Paperwork | None = None,
    ) -> None:
        self._paperwork = paperwork
        self._bookings = bookings
        self._visits = visits
        self._outbox = outbox
        self._notifier = notifier
        self._t = texts
        self._desk = desk
        self._venue = venue
        self._today = today

    async def agenda(self, code: str, day: int) -> Report | None:
        """Send visit day `day`'s agenda to every participant (once each)."""
        booking = await self._bookings.get(code)
        if booking is None or booking.status is not Status.APPROVED or day > booking.days:
            log.info("agenda push for %s day %s skipped: visit not approved", code, day)
            return None
        agenda = render_agenda.day(self._t, booking, day, await self._visits.agenda(code, day))
        when = day_date(booking, day).isoformat()
        people = {
            f"agenda:{code}:{when}:{channel}:{chat}": (name, channel, chat)
            for name, channel, chat in await self._visits.participants(code)
        }
        report = await self._outbox.broadcast(
            [
                Outgoing(key, channel, chat, render.agenda(self._t, name, agenda))
                for key, (name, channel, chat) in people.items()
            ]
        )
        await self._summary(code, self._t("push.agenda_label", index=day), report, people)
        return report

    async def reminder(self, code: str) -> Report | None:
        """The evening before day 1: address, start time, what to bring."""
        booking = await self._bookings.get(code)
        if booking is None or booking.status is not Status.APPROVED:
            return None
        first = await self._visits.agenda(code, 1)
        starts = clock(first[0].starts) if first else "-"
        people = {
            f"reminder:{code}:{booking.start_date.isoformat()}:{channel}:{chat}": (
                name,
                channel,
                chat,
            )
            for name, channel, chat in await self._visits.participants(code)
        }
        report = await self._outbox.broadcast(
            [
                Outgoing(
                    key,
                    channel,
                    chat,
                    render.reminder(self._t, name, booking, starts, self._venue),
                )  # fmt: skip
                for key, (name, channel, chat) in people.items()
            ]
        )
        await self._summary(code, self._t("push.reminder_label"), report, people)
        return report

    async def feedback(self, code: str) -> Report | None:
        """After the last day: thanks, and one question (1-5 and a comment)."""
        booking = await self._bookings.get(code)
        if booking is None or booking.status is not Status.APPROVED:
            return None
        people = {
            f"feedback:{code}:{channel}:{chat}": (name, channel, chat)
            for name, channel, chat in await self._visits.participants(code)
        }
        certificates = await self._certificates(code)
        messages = []
        for key, (name, channel, chat) in people.items():
            text = render.feedback(self._t, name, booking)
            certificate = certificates.get((channel, chat))
            if certificate is not None:
                text += "\n\n" + self._t("push.certificate")
            document = certificate.document("sertifikat") if certificate else None
            messages.append(Outgoing(key, channel, chat, text, document))
        report = await self._outbox.broadcast(messages)
        await self._summary(code, self._t("push.feedback_label"), report, people)
        return report

    async def _certificates(self, code: str) -> dict[tuple[str, str], Printed]:
        """Each participant's certificate; none (and an error logged) if printing fails:
        the thanks and the question still go out."""
        if self._paperwork is None:
            return {}
        try:
            return await self._paperwork.certificates(code)
        except Exception:  # a broken template must not cost the visit its thank-you
            log.exception("certificates for %s could not be printed", code)
            return {}

    async def sweep(self) -> Report:
        """Send what was written and never sent; fail what was cut off mid-send."""
        return await self._outbox.sweep(datetime.now(UTC))

    async def _summary(
        self, code: str, label: str, report: Report, people: dict[str, tuple[str, str, str]]
    ) -> None:
        """Tell staff how a push went: "terkirim 26/27, gagal 1: …"."""
        if self._desk is None or report.total == 0:
            return
        names = {key: name for key, (name, _, _) in people.items()}
        text = render.summary(self._t, label, code, report, names)
        await self._notifier.send(self._desk.channel, self._desk.chat_id, [Reply(text)])


async def push_agenda(code: str, day: int, *, jobs: JobContext | None = None) -> None:
    """Job: the morning agenda of visit day `day`."""
    if jobs is None or jobs.pushes is None:
        log.error("agenda job for %s ran before the bot was ready", code)
        return
    await jobs.pushes.agenda(code, day)


async def push_reminder(code: str, *, jobs: JobContext | None = None) -> None:
    """Job: the reminder the evening before the visit."""
    if jobs is None or jobs.pushes is None:
        log.error("reminder job for %s ran before the bot was ready", code)
        return
    await jobs.pushes.reminder(code)


async def push_feedback(code: str, *, jobs: JobContext | None = None) -> None:
    """Job: thanks and the feedback question after the last day."""
    if jobs is None or jobs.pushes is None:
        log.error("feedback job for %s ran before the bot was ready", code)
        return
    await jobs.pushes.feedback(code)


async def sweep_outbox(*, jobs: JobContext | None = None) -> None:
    """Job: every minute, the outbox's leftovers (see `Outbox.sweep`)."""
    if jobs is not None and jobs.pushes is not None:
        await jobs.pushes.sweep()
