"""Staff decisions on a booking, one implementation for every place staff act from: the
Telegram group's buttons and commands, and the web desk. Approving, declining and replacing
an agenda go through here, so the requester hears the same words through the same outbox
and the booking's history records who acted and from where.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.agenda_edit import check_overlaps
from bot.core.booking import BookingError, Bookings, BookingView, Status
from bot.core.ics import visit_invitation
from bot.core.messages import BOOKING_TAG, Document
from bot.core.notify import InviteLinks, Outgoing, PendingSender
from bot.core.render import bookings as render
from bot.core.texts import Texts
from bot.core.visits import AgendaItem, VisitCalendar, Visits

if TYPE_CHECKING:  # printing needs WeasyPrint and SQL, which the core does not import
    from bot.documents.paperwork import Paperwork, Printed

DESK = "desk"


@dataclass(frozen=True)
class StaffMember:
    """Who acts: their Telegram user id, the name staff know them by, and where they acted
    from ("telegram" for the staff group, "desk" for the web page)."""

    user_id: str
    name: str
    via: str = "telegram"

    @property
    def actor(self) -> str:
        """The booking history's record of this person ("desk:42:Rina")."""
        return f"{self.via}:{self.user_id}:{self.name}"[:80]


@dataclass(frozen=True)
class Decided:
    """A decision taken: the booking as it is now, and the notices that did not reach the
    requester (channel, chat, reason) for staff to follow up by phone."""

    booking: BookingView
    undelivered: list[tuple[str, str, str]] = field(default_factory=list)


class Decisions:
    """Approve, decline, replace an agenda: all or nothing, notices through the outbox."""

    def __init__(
        self,
        bookings: Bookings,
        *,
        texts: Texts,
        links: InviteLinks,
        outbox: PendingSender,
        venue: str,
        now: Callable[[], datetime],
        visits: Visits | None = None,
        calendar: VisitCalendar | None = None,
        paperwork: Paperwork | None = None,
    ) -> None:
        self._paperwork = paperwork
        self._bookings = bookings
        self._t = texts
        self._links = links
        self._outbox = outbox
        self._venue = venue
        self._now = now
        self._visits = visits
        self._calendar = calendar

    async def approve(self, code: str, staff: StaffMember) -> Decided:
        """The visit's pushes are planned first; the approval and its notice to the requester
        commit together (dropping the plan if that fails); the notice then leaves through the
        outbox, which sends it later if this process cannot now. BookingError when the code is
        unknown or the booking is no longer pending."""
        booking = await self._bookings.get(code)
        if booking is None:
            raise BookingError("staff.unknown_code", code=code.upper())
        if booking.status is not Status.PENDING:
            raise BookingError("booking.wrong_status", code=booking.code, status=booking.status)
        if self._visits is not None:
            await self._visits.ensure_agenda(booking.code)
        if self._calendar is not None:
            await self._calendar.plan(booking)
        notices: list[Outgoing] = []

        def approval(approved: BookingView) -> list[Outgoing]:
            notices[:] = [self._approval(approved)]
            return notices

        try:
            booking = await self._bookings.approve(code, staff.actor, approval)
        except Exception:  # a colleague approved meanwhile, or a lost COMMIT went through
            await self._unplan_unless_approved(code)
            raise
        undelivered = await self._send(notices)
        return Decided(booking, undelivered + await self.send_letter(booking))

    async def send_letter(self, booking: BookingView) -> list[tuple[str, str, str]]:
        """The confirmation letter to the requester (its own outbox message: a PDF beside the
        approval's .ics), once the approval is committed; a moved visit's letter names the
        number it replaces. What could not be delivered, for staff."""
        if self._paperwork is None:
            return []
        printed = await self._paperwork.letter(booking.code)
        text = self._t("documents.letter", code=booking.code, number=printed.issued.number)
        if printed.issued.replaces:
            old = printed.issued.replaces
            text += "\n" + self._t("documents.letter_replaces", old=old)
        key = f"{BOOKING_TAG}:{booking.code}:letter:{printed.issued.number}"
        notice = Outgoing(
            key, booking.channel, booking.chat_id, text, printed.document("surat-konfirmasi")
        )
        report = await self._outbox.broadcast([notice])
        return [(notice.channel, notice.chat_id, why) for why in report.failed.values()]

    async def decline(self, code: str, staff: StaffMember, reason: str) -> Decided:
        """Decline a pending request; the requester receives the reason."""
        notices: list[Outgoing] = []
        reason = reason.strip()[:500]

        def decline(declined: BookingView) -> list[Outgoing]:
            text = self._t("booking.declined_user", code=declined.code, reason=reason)
            notices[:] = [_notice(declined, "declined", text)]
            return notices

        booking = await self._bookings.decline(code, staff.actor, reason, decline)
        return Decided(booking, await self._send(notices))

    async def cancel(self, code: str, staff: StaffMember, reason: str) -> Decided:
        """Cancel a pending or approved visit: its capacity is freed, its pushes dropped,
        and the requester told why."""
        reason = reason.strip()[:500]
        notices: list[Outgoing] = []

        def cancelled(booking: BookingView) -> list[Outgoing]:
            text = self._t(
                "booking.cancelled_by_staff", code=booking.code, when=render.when(booking),
                reason=reason,
            )  # fmt: skip
            notices[:] = [_notice(booking, "cancelled", text)]
            return notices

        booking = await self._bookings.cancel(code, staff.actor, reason=reason, notices=cancelled)
        if self._calendar is not None:
            await self._calendar.drop(booking.code)
        return Decided(booking, await self._send(notices))

    async def move(self, code: str, start: date, staff: StaffMember, reason: str) -> Decided:
        """Move a visit to another start date (same length): back to pending for approval,
        its pushes dropped until then, the requester told. The date rules and capacity are
        the chat's (BookingError, DayFull)."""
        booking = await self._bookings.get(code)
        if booking is None:
            raise BookingError("staff.unknown_code", code=code.upper())
        reason = reason.strip()[:500]
        notices: list[Outgoing] = []

        def moved(moved: BookingView) -> list[Outgoing]:
            text = self._t(
                "booking.moved_by_staff", code=moved.code, when=render.when(moved), reason=reason
            )
            notices[:] = [_notice(moved, "moved", text)]
            return notices

        def note(old: BookingView) -> str:
            return self._t("booking.moved_from", when=render.when(old))

        moved_booking = await self._bookings.reschedule(
            booking.code, start, booking.days, staff.actor, note=note, notices=moved
        )
        if self._calendar is not None:
            await self._calendar.drop(booking.code)
        return Decided(moved_booking, await self._send(notices))

    async def receipt(self, code: str, amount: int) -> tuple[Printed, list[tuple[str, str, str]]]:
        """Record a payment: the receipt (a correction voids the previous number), sent to
        the requester for their SPJ; what could not be delivered, for staff."""
        assert self._paperwork is not None
        printed = await self._paperwork.receipt(code, amount)
        booking = await self._bookings.get(code)
        assert booking is not None
        issued = printed.issued
        text = self._t(
            "documents.receipt", code=booking.code, number=issued.number,
            amount=issued.data["amount"],
        )  # fmt: skip
        if issued.replaces:
            text += "\n" + self._t("documents.receipt_replaces", old=issued.replaces)
        key = f"{BOOKING_TAG}:{booking.code}:receipt:{issued.number}"
        notice = Outgoing(
            key, booking.channel, booking.chat_id, text, printed.document("kuitansi")
        )
        report = await self._outbox.broadcast([notice])
        return printed, [(notice.channel, notice.chat_id, why) for why in report.failed.values()]

    async def replace_agenda(self, code: str, items: list[AgendaItem]) -> None:
        """Replace a visit's whole agenda after the overlap check (AgendaInvalid): every
        participant's next push carries it."""
        assert self._visits is not None
        check_overlaps(items)
        await self._visits.replace_agenda(code, items)

    async def _send(self, notices: list[Outgoing]) -> list[tuple[str, str, str]]:
        """Send the notices now; those that could not reach the requester (blocked, or
        WhatsApp's window closed without a template) are returned for staff."""
        report = await self._outbox.send_pending([notice.key for notice in notices])
        return [
            (n.channel, n.chat_id, why)
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

    def _approval(self, booking: BookingView) -> Outgoing:
        """The requester's notice: the approval, the participants' invite, the .ics."""
        invite = booking.invite_code or ""
        link = self._links.link(booking.channel, invite)
        text = self._t(
            "booking.approved_user", code=booking.code, when=render.when(booking), invite=invite
        )
        if link:
            text += "\n" + self._t("booking.invite_link", link=link)
        text += "\n\n" + self._t("booking.ics_caption")
        ics = visit_invitation(
            booking, self._venue, self._now(), self._t("staff.ics_summary", code=booking.code)
        )
        document = Document(f"kunjungan-{booking.code}.ics", ics, "text/calendar")
        return _notice(booking, "approved", text, document)


def _notice(
    booking: BookingView, outcome: str, text: str, document: Document | None = None
) -> Outgoing:
    """A booking notice for the outbox. Its key starts with "booking" (which picks the
    WhatsApp template outside the 24-hour window) and is new for every decision, since a
    rescheduled booking is approved again."""
    key = f"{BOOKING_TAG}:{booking.code}:{outcome}:{uuid.uuid4().hex[:12]}"
    return Outgoing(key, booking.channel, booking.chat_id, text, document)
