"""What the desk's pages use: the chat's own services, handed over by the app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.decisions import Decisions
from bot.core.flows.handoff import HandoffFlow
from bot.core.messages import Reply
from bot.core.notify import Notifier, StaffAuthority, StaffDesk
from bot.core.texts import Texts
from bot.core.visits import VisitCalendar
from bot.documents.paperwork import Paperwork
from bot.services.booking import BookingService
from bot.services.desk_links import DeskLinks
from bot.services.overview import Overview
from bot.services.visits import VisitService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Desk:
    """The desk's services and settings."""

    bookings: BookingService
    decisions: Decisions
    overview: Overview
    visits: VisitService
    calendar: VisitCalendar
    handoff: HandoffFlow | None
    links: DeskLinks
    authority: StaffAuthority
    notifier: Notifier
    staff: StaffDesk
    texts: Texts
    zone: ZoneInfo
    venue: str
    secret_key: bytes
    secure_cookies: bool
    today: Callable[[], date]
    now: Callable[[], datetime]
    paperwork: Paperwork

    async def tell_staff(self, text: str) -> None:
        """A change made on the desk, announced in the staff group like one made there (and
        logged: the audit trail names the staff member)."""
        log.info("desk: %s", text.replace("\n", " "))
        await self.notifier.send(self.staff.channel, self.staff.chat_id, [Reply(text)])
