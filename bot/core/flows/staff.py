"""The staff side of bookings, in the staff group: approve, decline with a reason, commands.

Only staff may act (`StaffAuthority`: STAFF_USER_IDS, or the group's administrators when it is
empty); a press by anyone else is refused and logged. Callback data is untrusted: the code it
carries is looked up again and the booking's status checked before anything changes. The
prompt for a decline reason belongs to one booking and one staff member, and expires.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.core.agenda_edit import (
    AgendaInvalid,
    check_overlaps,
    parse_csv,
    parse_file,
    parse_session,
)
from bot.core.booking import BookingError, Bookings, BookingView, Status
from bot.core.flows.handoff import HandoffFlow
from bot.core.ics import visit_invitation
from bot.core.knowledge import Knowledge
from bot.core.messages import BOOKING_TAG, Document, Incoming, Kind, Reply
from bot.core.notify import (
    InviteLinks,
    Notifier,
    Outgoing,
    PendingSender,
    StaffAuthority,
    StaffDesk,
)
from bot.core.payloads import Space, decode
from bot.core.render import agenda
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.core.visits import VisitCalendar, Visits

log = logging.getLogger(__name__)
DECLINE_FLOW = "decline"
REASON_WITHIN = timedelta(minutes=15)


class StaffFlow:
    """Handles every event from the staff group."""

    spaces = frozenset({Space.APPROVE, Space.DECLINE})  # the buttons it answers

    def __init__(
        self,
        bookings: Bookings,
        *,
        knowledge: Knowledge,
        texts: Texts,
        notifier: Notifier,
        desk: StaffDesk,
        links: InviteLinks,
        outbox: PendingSender,
        venue: str,
        now: Callable[[], datetime],
        today: Callable[[], date],
        visits: Visits | None = None,
        calendar: VisitCalendar | None = None,
        handoff: HandoffFlow | None = None,
        authority: StaffAuthority | None = None,
    ) -> None:
        self._authority = authority or StaffAuthority(desk, notifier)
        self._handoff = handoff
        self._outbox = outbox
        self._visits = visits
        self._calendar = calendar
        self._bookings = bookings
        self._knowledge = knowledge
        self._t = texts
        self._notifier = notifier
        self._desk = desk
        self._links = links
        self._venue = venue
        self._now = now
        self._today = today

    async def handle(self, event: Incoming, state: ConversationState) -> list[Reply]:
        """Act on a staff button or command; ordinary group chatter gets no reply."""
        if event.kind is Kind.BUTTON:
            return await self._button(event, state)
        if event.kind is not Kind.TEXT:
            return []
        text = event.text.strip()
        answered = await self._in_conversation(event, state, text)
        if answered is not None:
            return answered
        if not text.startswith("/"):
            return []
        if not await self._authority.allows(event.user_id):
            log.warning("non-staff user %s tried staff command %r", event.user_id, text[:40])
            return [Reply(self._t("staff.not_allowed"))]
        command, _, argument = text.partition(" ")
        return await self._command(event, command.split("@")[0].lower(), argument)

    async def _in_conversation(
        self, event: Incoming, state: ConversationState, text: str
    ) -> list[Reply] | None:
        """A message inside a handoff's topic, a reply to a relayed message, or the reason
        for a decline; None for anything else."""
        if event.thread is not None and self._handoff is not None:
            in_topic = await self._handoff.topic_message(
                event, await self._authority.allows(event.user_id)
            )
            if in_topic is not None:
                return in_topic
        if event.reply_to_id and self._handoff is not None and not text.startswith("/"):
            relayed = await self._handoff.staff_reply(
                event, await self._authority.allows(event.user_id)
            )
            if relayed is not None:
                return relayed
        if self._awaiting_reason(event, state) and text and not text.startswith("/"):
            return await self._decline(event, state, text)
        return None

    async def _command(self, event: Incoming, command: str, argument: str) -> list[Reply]:
        """One staff command, from someone allowed to give it."""
        code = argument.strip().upper()
        if command == "/pending":
            return [self._listing("staff.pending", await self._bookings.pending())]
        if command in {"/upcoming", "/jadwal"}:
            return [self._listing("staff.upcoming", await self._bookings.upcoming(self._today()))]
        if command in {"/booking", "/detail"}:
            booking = await self._bookings.get(code) if code else None
            if booking is None:
                return [Reply(self._t("staff.unknown_code", code=code))]
            return [Reply(render.details(self._t, self._knowledge, booking))]
        if command in {"/peserta", "/participants"} and self._visits is not None:
            return await self._participants(code)
        if command == "/agenda" and self._visits is not None and event.attachment is None:
            return await self._show_agenda(code)
        if command in {"/balas", "/ambil", "/tutup", "/template"} and self._handoff is not None:
            return await self._handoff.staff_command(event, command, argument)
        if command in {"/sesi", "/agendacsv"} and self._visits is not None:
            return await self._edit_agenda(command, argument)
        if command == "/agenda" and event.attachment is not None and self._visits is not None:
            return await self._edit_agenda(
                "/agendafile", f"{argument.strip()}\n", event.filename or "", event.attachment
            )
        if command == "/export":
            csv = await self._bookings.export_csv()
            name = f"kunjungan-{self._today().isoformat()}.csv"
            return [Reply(self._t("staff.export"), document=Document(name, csv, "text/csv"))]
        return [Reply(self._t("staff.help"))]

    async def _participants(self, code: str) -> list[Reply]:
        """Who has joined a visit, and on which channel."""
        if self._visits is None or not code or await self._bookings.get(code) is None:
            return [Reply(self._t("staff.unknown_code", code=code))]
        people = await self._visits.participants(code)
        if not people:
            return [Reply(self._t("staff.no_participants", code=code))]
        names = "\n".join(
            f"{n}. {name} ({channel})" for n, (name, channel, _) in enumerate(people, 1)
        )
        return [Reply(self._t("staff.participants", code=code, count=len(people), names=names))]

    async def _show_agenda(self, code: str) -> list[Reply]:
        """A visit's whole agenda, day by day."""
        booking = await self._bookings.get(code) if code else None
        if booking is None or self._visits is None:
            return [Reply(self._t("staff.unknown_code", code=code))]
        await self._visits.ensure_agenda(booking.code)
        days = [
            agenda.day(self._t, booking, index, await self._visits.agenda(booking.code, index))
            for index in range(1, booking.days + 1)
        ]
        return [Reply("\n\n".join(days))]

    async def _edit_agenda(
        self, command: str, argument: str, filename: str = "", content: bytes = b""
    ) -> list[Reply]:
        """`/sesi KODE 2 09:00-10:30 Judul | Pembicara | Tempat` sets one session (same day and
        start replaced); `/agendacsv KODE` + CSV lines, or a .csv/.yml file sent with the caption
        `/agenda KODE`, replaces the agenda. All or nothing."""
        assert self._visits is not None
        code, _, body = argument.strip().partition(" " if command == "/sesi" else "\n")
        booking = await self._bookings.get(code.strip()) if code.strip() else None
        if booking is None:
            return [Reply(self._t("staff.unknown_code", code=code.strip().upper()))]
        await self._visits.ensure_agenda(booking.code)
        try:
            if command == "/agendafile":
                items = parse_file(filename, content, booking.days)
            elif command == "/agendacsv":
                items = parse_csv(body, booking.days)
            else:
                session = parse_session(body, booking.days)
                current = [
                    item
                    for day in range(1, booking.days + 1)
                    for item in await self._visits.agenda(booking.code, day)
                ]
                items = [
                    item
                    for item in current
                    if (item.day, item.starts) != (session.day, session.starts)
                ] + [session]
            check_overlaps(items)
        except AgendaInvalid as invalid:
            problems = "\n".join(
                self._t(
                    "staff.agenda_problem",
                    line=p.line,
                    why=self._t(f"agenda_problem.{p.key}", **p.fields),
                )
                for p in invalid.problems
            )
            return [Reply(self._t("staff.agenda_invalid", problems=problems))]
        await self._visits.replace_agenda(booking.code, items)
        return [Reply(self._t("staff.agenda_saved", code=booking.code))]

    async def _button(self, event: Incoming, state: ConversationState) -> list[Reply]:
        payload = decode(event.payload)
        if payload is None or payload.space not in self.spaces:
            return [Reply(self._t("input.stale_button"))]
        if not await self._authority.allows(event.user_id):
            log.warning("non-staff user %s pressed %s", event.user_id, payload)
            return [Reply(self._t("staff.not_allowed"))]
        code = payload.value
        if payload.space is Space.DECLINE:
            booking = await self._bookings.get(code)
            if booking is None:
                return [Reply(self._t("staff.unknown_code", code=code.upper()))]
            state.flow, state.step = DECLINE_FLOW, "reason"
            until = self._now() + REASON_WITHIN
            state.slots = {"code": booking.code, "by": event.user_id, "until": until.isoformat()}
            return [
                Reply(self._t("staff.ask_reason", code=booking.code, name=event.user_name or ""))
            ]
        return await self._approve(event, code)

    async def _approve(self, event: Incoming, code: str) -> list[Reply]:
        """All or nothing: the visit's pushes are planned first; the approval and its notice
        to the requester commit together (dropping the plan if that fails); the notice then
        leaves through the outbox, which sends it later if this process cannot now."""
        booking = await self._bookings.get(code)
        if booking is None:
            return [Reply(self._t("staff.unknown_code", code=code.upper()))]
        if booking.status is not Status.PENDING:
            return [Reply(render.refusal(self._t, BookingError(
                "booking.wrong_status", code=booking.code, status=booking.status
            )))]  # fmt: skip
        if self._visits is not None:
            await self._visits.ensure_agenda(booking.code)
        if self._calendar is not None:
            await self._calendar.plan(booking)
        notices: list[Outgoing] = []

        def approval(approved: BookingView) -> list[Outgoing]:
            notices[:] = [self._approval(approved)]
            return notices

        actor = f"staff:{event.channel}:{event.user_id}"
        try:
            booking = await self._bookings.approve(code, actor, approval)
        except BookingError as error:  # e.g. a colleague approved it a moment before
            await self._unplan_unless_approved(code)
            return [Reply(render.refusal(self._t, error))]
        except Exception:  # a lost COMMIT may still have gone through
            await self._unplan_unless_approved(code)
            raise
        approved = Reply(self._t("staff.approved", code=booking.code, name=event.user_name or ""))
        return [approved, *await self._send(notices)]

    async def _send(self, notices: list[Outgoing]) -> list[Reply]:
        """Send the notices now; a notice that could not reach the requester (blocked, or
        WhatsApp's window closed without a template) is reported to staff."""
        report = await self._outbox.send_pending([notice.key for notice in notices])
        return [
            Reply(self._t("staff.undelivered", channel=n.channel, chat=n.chat_id, reason=why))
            for n in notices
            if (why := report.failed.get(n.key)) is not None
        ]

    async def _unplan_unless_approved(self, code: str) -> None:
        """Drop the pushes planned for an approval that did not happen, but never those of a
        visit approved meanwhile (two staff pressing "Setujui" at once plan the same jobs)."""
        if self._calendar is None:
            return
        booking = await self._bookings.get(code)
        if booking is None or booking.status is not Status.APPROVED:
            await self._calendar.drop(code)

    def _awaiting_reason(self, event: Incoming, state: ConversationState) -> bool:
        """Whether this staff member's message is the reason they were asked for; a prompt
        older than REASON_WITHIN is dropped, so a later message never declines anything."""
        if state.flow != DECLINE_FLOW or state.slots.get("by") != event.user_id:
            return False
        until = datetime.fromisoformat(str(state.slots.get("until") or "1970-01-01T00:00+00:00"))
        if self._now() < until:
            return True
        state.flow = state.step = None
        state.slots = {}
        return False

    async def _decline(
        self, event: Incoming, state: ConversationState, reason: str
    ) -> list[Reply]:
        code = str(state.slots.get("code", ""))
        state.flow = state.step = None
        state.slots = {}
        notices: list[Outgoing] = []

        def decline(declined: BookingView) -> list[Outgoing]:
            text = self._t("booking.declined_user", code=declined.code, reason=reason[:500])
            notices[:] = [_notice(declined, "declined", text)]
            return notices

        try:
            booking = await self._bookings.decline(
                code, f"staff:{event.channel}:{event.user_id}", reason[:500], decline
            )
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        return [Reply(self._t("staff.declined", code=booking.code)), *await self._send(notices)]

    def _approval(self, booking: BookingView) -> Outgoing:
        """The requester's notice: the approval, the participants' invite, the .ics."""
        invite = booking.invite_code or ""
        link = self._links.link(booking.channel, invite)
        text = self._t(
            "booking.approved_user",
            code=booking.code,
            when=render.when(booking),
            invite=invite,
        )
        if link:
            text += "\n" + self._t("booking.invite_link", link=link)
        text += "\n\n" + self._t("booking.ics_caption")
        ics = visit_invitation(
            booking, self._venue, self._now(), self._t("staff.ics_summary", code=booking.code)
        )
        document = Document(f"kunjungan-{booking.code}.ics", ics, "text/calendar")
        return _notice(booking, "approved", text, document)

    def _listing(self, key: str, bookings: list[BookingView]) -> Reply:
        if not bookings:
            return Reply(self._t(f"{key}_empty"))
        return Reply(
            self._t(key) + "\n\n" + "\n\n".join(render.brief(self._t, b) for b in bookings)
        )


def _notice(
    booking: BookingView, outcome: str, text: str, document: Document | None = None
) -> Outgoing:
    """A booking notice for the outbox. Its key starts with "booking" (which picks the
    WhatsApp template outside the 24-hour window) and is new for every decision, since a
    rescheduled booking is approved again."""
    key = f"{BOOKING_TAG}:{booking.code}:{outcome}:{uuid.uuid4().hex[:12]}"
    return Outgoing(key, booking.channel, booking.chat_id, text, document)
