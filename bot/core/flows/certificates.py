""" "sertifikat saya belum dapat": a participant asks for their certificate again, and
receives the PDF (the same number as with the thanks); before the visit has ended they are
told when it comes. The requester of a visit is told where their participants' went."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from bot.core.answers import certificate_asked
from bot.core.booking import Bookings, BookingView, Status
from bot.core.calendar_text import long_date
from bot.core.flow import Handler
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.core.visits import Visits

if TYPE_CHECKING:  # printing needs WeasyPrint and SQL, which the core does not import
    from bot.documents.paperwork import Paperwork


class CertificateRequests:
    """A flow of one message, known by its words, for chats with a visit on record: no
    steps, no buttons. Anyone else is answered by the engine (before a visit: the
    knowledge's answer; after one the bot has no record of: staff's)."""

    names: frozenset[str] = frozenset()
    spaces: frozenset[Space] = frozenset()

    def __init__(
        self, bookings: Bookings, visits: Visits, paperwork: Paperwork, texts: Texts,
        *, today: Callable[[], date],
    ) -> None:  # fmt: skip
        self._bookings = bookings
        self._visits = visits
        self._paperwork = paperwork
        self._t = texts
        self._today = today

    def intents(self) -> Mapping[str, Handler]:
        return {}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        if state.flow is not None or not certificate_asked(text, self._t.asks(text)):
            return None  # inside a form, the form's own rules decide
        for code in reversed(await self._visits.memberships(event.channel, event.chat_id)):
            booking = await self._bookings.get(code)
            if booking is not None and booking.status is Status.APPROVED:
                return [await self._participant(event, booking)]  # their own certificate
        own = await self._bookings.for_chat(event.channel, event.chat_id)
        approved = [booking for booking in own if booking.status is Status.APPROVED]
        if not approved:
            return None
        booking = approved[0]  # newest first
        joined = len(await self._visits.participants(booking.code))
        ended = booking.end_date < self._today()
        key = "documents.certificates_sent" if ended else "documents.certificates_later"
        return [Reply(self._t(key, code=booking.code, joined=joined, date=self._last(booking)))]

    async def _participant(self, event: Incoming, booking: BookingView) -> Reply:
        """A participant's own certificate: sent again after the visit; before its last day,
        when it comes and the name it will carry ("nanti sertifikatnya atas nama siapa?",
        console: told when alone), with how to put the name right."""
        if booking.end_date >= self._today():
            people = await self._visits.participants(booking.code)
            name = next(n for n, *chat in people if chat == [event.channel, event.chat_id])
            later = self._t("documents.certificate_later", date=self._last(booking), name=name)
            return Reply(later)
        printed = await self._paperwork.certificate(booking.code, event.channel, event.chat_id)
        assert printed is not None  # a member of the visit: `memberships`
        text = self._t("documents.certificate_again", number=printed.issued.number)
        return Reply(text, document=printed.document("sertifikat"))

    @staticmethod
    def _last(booking: BookingView) -> str:
        return long_date(booking.end_date)

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        return None
