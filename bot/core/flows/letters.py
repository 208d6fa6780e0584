""" "minta surat konfirmasi": the requester asks for the host's confirmation letter again and
receives the PDF of their approved visit (the same number as before, unless the visit moved)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.core.booking import BookingError, Bookings, Status
from bot.core.flow import Handler
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from bot.core.texts import Texts

if TYPE_CHECKING:  # printing needs WeasyPrint and SQL, which the core does not import
    from bot.documents.paperwork import Paperwork

# "surat konfirmasinya bisa dikirim?", "surat undangan untuk SPPD" (console: how letters go)
ASKED = re.compile(
    r"\bsurat\s+(?:konfirmasi|undangan|balasan)(?:nya)?\b|\bsurat(?:nya)?\b.{0,30}\bsppd\b",
    re.IGNORECASE,
)


class LetterRequests:
    """A flow of one message, known by its words: no steps, no buttons."""

    names: frozenset[str] = frozenset()
    spaces: frozenset[Space] = frozenset()

    def __init__(self, bookings: Bookings, paperwork: Paperwork, texts: Texts) -> None:
        self._bookings = bookings
        self._paperwork = paperwork
        self._t = texts

    def intents(self) -> Mapping[str, Handler]:
        return {}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        if state.flow is not None or not ASKED.search(text):
            return None  # inside a form, the form's own rules decide
        own = await self._bookings.for_chat(event.channel, event.chat_id)
        approved = [booking for booking in own if booking.status is Status.APPROVED]
        if not approved:
            return None  # an enquiry about letters, not a request for one
        replies = []
        for booking in approved[:3]:  # newest first; a chat rarely has more
            try:
                printed = await self._paperwork.letter(booking.code)
            except BookingError as error:
                replies.append(Reply(render.refusal(self._t, error)))
                continue
            text = self._t("documents.letter", code=booking.code, number=printed.issued.number)
            replies.append(Reply(text, document=printed.document("surat-konfirmasi")))
        return replies

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        return None
