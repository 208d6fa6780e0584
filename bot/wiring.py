"""The small builders `App.create` is assembled from: each makes one part of the bot from
`Settings` and the parts it needs, so the wiring reads top to bottom in one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import aiohttp
import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.notifier import ChannelNotifier
from bot.channels.whatsapp.webhook import CHANNEL
from bot.config import ROOT, Settings
from bot.core.answers import Answers
from bot.core.booking import BookingRules, Bookings, Places
from bot.core.flows.amendments import Amendments
from bot.core.flows.availability import Availability
from bot.core.flows.booking import BookingFlow
from bot.core.flows.booking_parts import BookingParts
from bot.core.flows.certificates import CertificateRequests
from bot.core.flows.changes import BookingChanges
from bot.core.flows.desk_access import DeskAccess
from bot.core.flows.handoff import BusinessHours, HandoffFlow
from bot.core.flows.letters import LetterRequests
from bot.core.flows.participants import ParticipantFlow
from bot.core.flows.staff import StaffFlow
from bot.core.guard import AbuseLimits, Guard
from bot.core.keywords import KeywordMatcher
from bot.core.knowledge import load_knowledge
from bot.core.notify import InviteLinks, Notifier, StaffAuthority, StaffDesk
from bot.core.texts import Texts
from bot.core.visits import VisitCalendar, load_agenda_template
from bot.db.transcript import SqlTranscript
from bot.desk.context import Desk
from bot.desk.security import session_key
from bot.documents.host import load_host
from bot.documents.paperwork import Paperwork
from bot.documents.render import Printer
from bot.holidays import closed_days
from bot.jobs import expiry, handoff_jobs, retention
from bot.jobs.context import HandoffSweep
from bot.jobs.outbox import Outbox
from bot.jobs.pushes import OUTBOX_SWEEP_JOB
from bot.jobs.scheduler import VisitScheduler
from bot.services.booking import BookingService, Capacity
from bot.services.desk_links import DeskLinks
from bot.services.documents import DocumentStore
from bot.services.handoff import EscalationService
from bot.services.nlu import RasaClient
from bot.services.overview import Overview
from bot.services.visits import VisitService

log = logging.getLogger(__name__)
Part = TypeVar("Part", bound=BookingParts)
KEYWORDS_FILE = ROOT / "data" / "keywords.yml"
ORGANISATIONS_FILE = ROOT / "data" / "organisations.yml"


@dataclass(frozen=True)
class Clock:
    """The venue's today and now (Asia/Jakarta), and now in UTC."""

    settings: Settings

    def today(self) -> date:
        return datetime.now(self.settings.tz).date()

    def now(self) -> datetime:
        return datetime.now(self.settings.tz)

    @staticmethod
    def utc() -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Language:
    """What the bot knows and says: loaded and checked before anything starts."""

    answers: Answers
    texts: Texts
    keywords: KeywordMatcher


@dataclass(frozen=True)
class Staff:
    """Where staff sit and how messages reach them."""

    desk: StaffDesk | None
    notifier: ChannelNotifier
    links: InviteLinks
    guard: Guard
    # Who counts as staff, for every place staff act from (None without a staff group).
    authority: StaffAuthority | None


def language(settings: Settings) -> Language:
    """Knowledge, messages and keywords; a broken file stops start-up here."""
    knowledge = load_knowledge(
        settings.knowledge_dir, settings.venue_address, settings.answer_rules()
    )
    texts = Texts.load(settings.messages_file)
    gaps = knowledge.placeholders()
    if gaps:
        log.info("%d facts in data/knowledge are placeholders for staff to fill in", len(gaps))
        log.debug("placeholders: %s", "; ".join(gaps))
    return Language(Answers(knowledge, texts), texts, KeywordMatcher.load(KEYWORDS_FILE))


def staff(settings: Settings, texts: Texts) -> Staff:
    """The staff group (if set), the notifier that reaches every channel, the abuse guard."""
    desk = (
        StaffDesk(
            "telegram", str(settings.staff_chat_id), frozenset(map(str, settings.staff_user_ids))
        )
        if settings.staff_chat_id is not None
        else None
    )
    if desk is not None and not desk.user_ids:
        log.warning(
            "STAFF_USER_IDS is empty: only administrators of the staff group "
            "(STAFF_CHAT_ID) may act as staff"
        )
    guard = Guard(AbuseLimits(settings.user_messages_per_minute, settings.code_attempts_per_hour))
    notifier = ChannelNotifier(desk, texts)
    authority = StaffAuthority(desk, notifier) if desk is not None else None
    return Staff(desk, notifier, InviteLinks(), guard, authority)


def nlu_client(settings: Settings, http: aiohttp.ClientSession, clock: Clock) -> RasaClient:
    """The Rasa HTTP client."""
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    return RasaClient(
        http,
        settings.rasa_url,
        token=token,
        timeout=settings.rasa_timeout,
        retries=settings.rasa_retries,
        cache_size=settings.nlu_cache_size,
        today=clock.today,
    )


def booking_service(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> BookingService:
    """The booking rules from the settings, over the database."""
    rules = BookingRules(
        lead_days=settings.booking_lead_days,
        max_participants=settings.group_limit,
        closed_weekdays=settings.closed_weekdays,
        holidays=closed_days(settings.holidays_file),
        max_pending_per_user=settings.booking_max_pending_per_user,
        max_active_per_user=settings.booking_max_active_per_user,
    )
    return BookingService(
        sessions,
        rules,
        Capacity(settings.daily_capacity_delegations, settings.daily_capacity_participants),
        clock.today,
        timedelta(days=settings.booking_pending_expiry_days),
    )


def visit_scheduler(settings: Settings, bookings: BookingService) -> VisitScheduler:
    """The one scheduler, with its persistent job store; its jobs act on `bookings`."""
    scheduler = VisitScheduler(
        settings.database_url,
        settings.tz,
        push_time=settings.agenda_push_time,
        reminder_time=settings.reminder_time,
        feedback_time=settings.feedback_time,
        misfire_grace=timedelta(seconds=settings.scheduler_misfire_grace_seconds),
    )
    scheduler.jobs.bookings = bookings
    return scheduler


def outbox(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], notifier: ChannelNotifier
) -> Outbox:
    """Proactive messages, written before they are sent."""
    return Outbox(
        sessions,
        notifier,
        per_second=settings.push_rate_per_second,
        # Meta: 80 msg/s per number, about one message per 6 s to the same user.
        channel_rates={CHANNEL: (settings.whatsapp_rate_per_second, 6.0)},
    )


def participant_flow(
    settings: Settings, bookings: BookingService, visits: VisitService, *, language: Language,
    clock: Clock, guard: Guard,
) -> ParticipantFlow:  # fmt: skip
    """Joining a visit, its agenda, feedback."""
    return ParticipantFlow(
        bookings, visits, texts=language.texts, now=clock.now,
        push_time=settings.agenda_push_time, guard=guard, hours=language.answers.hours(),
    )  # fmt: skip


def paper_requests(
    bookings: BookingService, visits: VisitService, documents: Paperwork, texts: Texts,
    clock: Clock,
) -> tuple[LetterRequests, CertificateRequests]:  # fmt: skip
    """What a chat with a visit on record asks of its documents: the letter again, a
    participant's certificate."""
    return (
        LetterRequests(bookings, documents, texts),
        CertificateRequests(bookings, visits, documents, texts, today=clock.today),
    )


def booking_flows(
    bookings: Bookings, rules: BookingRules, *, answers: Answers, texts: Texts,
    notifier: Notifier, desk: StaffDesk | None, today: Callable[[], date],
    calendar: VisitCalendar | None = None, guard: Guard | None = None,
    places: Places | None = None,
) -> tuple[BookingFlow, BookingChanges, Amendments, Availability]:  # fmt: skip
    """Collecting a request; checking, cancelling, moving one; a new size or number for it;
    free days (the app and the tests build them alike, here)."""

    def build(kind: type[Part]) -> Part:
        return kind(
            bookings, rules=rules, answers=answers, texts=texts, notifier=notifier, staff=desk,
            today=today, calendar=calendar, guard=guard, places=places,
        )  # fmt: skip

    return build(BookingFlow), build(BookingChanges), build(Amendments), build(Availability)


def handoff_flow(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], bookings: BookingService,
    *, transcript: SqlTranscript, language: Language, staff: Staff, clock: Clock,
) -> HandoffFlow | None:  # fmt: skip
    """Chats handed to staff; none without a staff group."""
    if staff.desk is None:
        return None
    start, end = (time.fromisoformat(t.strip()) for t in settings.business_hours.split("-"))
    return HandoffFlow(
        EscalationService(sessions),
        bookings=bookings,
        transcript=transcript,
        texts=language.texts,
        notifier=staff.notifier,
        desk=staff.desk,
        canned=load_canned(settings.canned_file, language.answers.main_contact()),
        hours=BusinessHours(settings.business_days, start, end),
        now=clock.now,
    )


def load_canned(path: Path, contact: dict[str, str]) -> dict[str, str]:
    """Staff's canned answers (`key: text`); a missing file means none."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected `key: text` lines")
    return {str(key).lower(): str(text).format(**contact) for key, text in data.items()}


async def recurring_jobs(
    settings: Settings, scheduler: VisitScheduler, handoff: HandoffFlow | None
) -> None:
    """The handoff sweep, the outbox sweep, request expiry and the retention purge (stable
    ids, so restarts do not duplicate them)."""
    if handoff is not None:
        scheduler.jobs.handoff = HandoffSweep(
            handoff,
            timedelta(minutes=settings.handoff_idle_minutes),
            timedelta(minutes=settings.handoff_sla_minutes),
        )
        await scheduler.every("bot.jobs.handoff_jobs:sweep", 5, handoff_jobs.JOB_ID)
    await scheduler.every("bot.jobs.pushes:sweep_outbox", 1, OUTBOX_SWEEP_JOB)
    await scheduler.every("bot.jobs.expiry:expire_requests", 5, expiry.JOB_ID)
    await scheduler.every(
        "bot.jobs.retention:purge",
        24 * 60,
        retention.JOB_ID,
        [settings.database_url, settings.transcript_retention_days, settings.venue_timezone],
    )


@dataclass(frozen=True)
class Visiting:
    """What staff commands act on besides bookings."""

    visits: VisitService
    scheduler: VisitScheduler
    outbox: Outbox
    venue: str


def visiting(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], scheduler: VisitScheduler,
    staff: Staff, language: Language,
) -> Visiting:  # fmt: skip
    """Visits' agendas and participants, the scheduler, the outbox, the venue's address."""
    location = language.answers.knowledge.location
    return Visiting(
        VisitService(sessions, load_agenda_template(settings.agenda_file)),
        scheduler,
        outbox(settings, sessions, staff.notifier),
        location.venue_address or location.head_office,
    )


def staff_flow(
    bookings: BookingService, handoff: HandoffFlow | None,
    *, visiting: Visiting, language: Language, staff: Staff, clock: Clock,
    access: DeskAccess | None, documents: Paperwork,
) -> StaffFlow | None:  # fmt: skip
    """Everything said in the staff group; none without one."""
    if staff.desk is None:
        return None
    return StaffFlow(
        bookings,
        knowledge=language.answers.knowledge,
        texts=language.texts,
        notifier=staff.notifier,
        desk=staff.desk,
        links=staff.links,
        outbox=visiting.outbox,
        venue=visiting.venue,
        now=clock.utc,
        today=clock.today,
        visits=visiting.visits,
        calendar=visiting.scheduler,
        handoff=handoff,
        authority=staff.authority,
        access=access,
        paperwork=documents,
    )


def desk_access(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], staff: Staff, texts: Texts
) -> DeskAccess | None:
    """`/desk` login links; none without a staff group."""
    if staff.authority is None:
        return None
    return DeskAccess(
        DeskLinks(sessions), authority=staff.authority, notifier=staff.notifier, texts=texts,
        public_url=settings.desk_public_url,
    )  # fmt: skip


def web_desk(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], bookings: BookingService,
    *, room: StaffFlow | None, visiting: Visiting, staff: Staff, texts: Texts, clock: Clock,
    handoff: HandoffFlow | None, documents: Paperwork,
) -> Desk | None:  # fmt: skip
    """The web desk's services: the chat's own, so no rule exists twice. None without a
    staff group or a key for its cookies (DESK_SECRET_KEY, else the Telegram token)."""
    secret = settings.desk_secret_key or settings.telegram_bot_token
    if room is None or staff.desk is None or staff.authority is None or secret is None:
        return None
    public = settings.desk_public_url or ""
    return Desk(
        bookings=bookings, decisions=room.decisions, overview=Overview(sessions),
        visits=visiting.visits, calendar=visiting.scheduler, handoff=handoff,
        links=DeskLinks(sessions), authority=staff.authority, notifier=staff.notifier,
        staff=staff.desk, texts=texts, zone=settings.tz, venue=visiting.venue,
        secret_key=session_key(secret.get_secret_value()),
        secure_cookies=public.startswith("https://"), today=clock.today, now=clock.utc,
        paperwork=documents,
    )  # fmt: skip


def paperwork(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], bookings: BookingService,
    *, visits: VisitService, language: Language, clock: Clock,
) -> Paperwork:  # fmt: skip
    """Letters, attendance lists, receipts and certificates (host.yml checked at start-up)."""
    folder = settings.documents_dir
    return Paperwork(
        DocumentStore(sessions, settings.tz),
        Printer(folder / "templates"),
        load_host(folder / "host.yml", language.answers.knowledge),
        bookings=bookings, visits=visits, contact=language.answers.main_contact(),
        public_url=settings.public_url or settings.desk_public_url, today=clock.today,
    )  # fmt: skip
