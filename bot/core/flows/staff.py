"""The staff side of bookings, in the staff group: approve, decline with a reason, commands.

Only staff may act (`StaffAuthority`: STAFF_USER_IDS, or the group's administrators when it is
empty); a press by anyone else is refused and logged. Callback data is untrusted: the code it
carries is looked up again and the booking's status checked before anything changes. The
prompt for a decline reason belongs to one booking and one staff member, and expires.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from lokal.rupiah import parse_rupiah

from bot.core.agenda_edit import (
    AgendaInvalid,
    parse_csv,
    parse_file,
    parse_session,
)
from bot.core.booking import BookingError, Bookings, BookingView
from bot.core.decisions import Decisions, StaffMember
from bot.core.flows.desk_access import DeskAccess
from bot.core.flows.handoff import HandoffFlow
from bot.core.knowledge import Knowledge
from bot.core.messages import Document, Incoming, Kind, Reply
from bot.core.notify import (
    InviteLinks,
    Notifier,
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

if TYPE_CHECKING:  # printing needs WeasyPrint and SQL, which the core does not import
    from bot.documents.paperwork import Paperwork

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
        access: DeskAccess | None = None,
        paperwork: Paperwork | None = None,
    ) -> None:
        self._authority = authority or StaffAuthority(desk, notifier)
        # The desk acts through this same object: one rule for each decision.
        self.decisions = Decisions(
            bookings, texts=texts, links=links, outbox=outbox, venue=venue, now=now,
            visits=visits, calendar=calendar, paperwork=paperwork,
        )  # fmt: skip
        self._paperwork = paperwork
        self._handoff = handoff
        self._access = access
        self._visits = visits
        self._bookings = bookings
        self._knowledge = knowledge
        self._t = texts
        self._notifier = notifier
        self._desk = desk
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
        if command in {"/surat", "/hadir", "/bayar"} and self._paperwork is not None:
            return await self._documents(command, argument.split())
        if command == "/desk" and self._access is not None:
            return await self._access.request(event)
        if command == "/export":
            csv = await self._bookings.export_csv()
            name = f"kunjungan-{self._today().isoformat()}.csv"
            return [Reply(self._t("staff.export"), document=Document(name, csv, "text/csv"))]
        return [Reply(self._t("staff.help"))]

    async def _documents(self, command: str, words: list[str]) -> list[Reply]:
        """/surat KODE, /hadir KODE HARI, /bayar KODE JUMLAH: the PDF, here in the group (a
        receipt also goes to the requester, as its notice)."""
        assert self._paperwork is not None
        code = words[0].upper() if words else ""
        rest = " ".join(words[1:])
        try:
            if command == "/surat" and code:
                printed = await self._paperwork.letter(code)
                said = self._t("staff.letter_sent", code=code, number=printed.issued.number)
                return [Reply(said, document=printed.document("surat-konfirmasi"))]
            if command == "/hadir" and code and rest.isdecimal():
                pdf = await self._paperwork.attendance(code, int(rest))
                said = self._t("staff.attendance_sent", code=code, day=rest)
                return [Reply(said, document=Document(f"daftar-hadir-{code}-{rest}.pdf", pdf,
                                                      "application/pdf"))]  # fmt: skip
            amount = parse_rupiah(rest) if command == "/bayar" and code else None
            if amount is not None and amount.amount > 0:
                printed, undelivered = await self.decisions.receipt(code, int(amount.amount))
                said = self._t("staff.receipt_done", code=code, number=printed.issued.number,
                               amount=printed.issued.data["amount"])  # fmt: skip
                return [
                    Reply(said, document=printed.document("kuitansi")),
                    *self._undelivered(undelivered),
                ]
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        return [Reply(self._t("staff.documents_usage"))]

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
            await self.decisions.replace_agenda(booking.code, items)
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
        try:
            decided = await self.decisions.approve(code, _member(event))
        except BookingError as error:  # e.g. a colleague approved it a moment before
            return [Reply(render.refusal(self._t, error))]
        name = event.user_name or ""
        approved = Reply(self._t("staff.approved", code=decided.booking.code, name=name))
        return [approved, *self._undelivered(decided.undelivered)]

    def _undelivered(self, failed: list[tuple[str, str, str]]) -> list[Reply]:
        """The notices that could not reach the requester, reported to staff."""
        return [Reply(line) for line in render.undelivered(self._t, failed)]

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
        try:
            decided = await self.decisions.decline(code, _member(event), reason)
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        declined = Reply(self._t("staff.declined", code=decided.booking.code))
        return [declined, *self._undelivered(decided.undelivered)]

    def _listing(self, key: str, bookings: list[BookingView]) -> Reply:
        if not bookings:
            return Reply(self._t(f"{key}_empty"))
        return Reply(
            self._t(key) + "\n\n" + "\n\n".join(render.brief(self._t, b) for b in bookings)
        )


def _member(event: Incoming) -> StaffMember:
    """The staff member behind a Telegram event."""
    return StaffMember(event.user_id, event.user_name or event.user_id, event.channel)
