"""Build the bot's parts from `Settings` once, in one place, and close them in reverse order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic as time_now
from typing import TYPE_CHECKING, Any

import aiohttp
import yaml
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.notifier import ChannelNotifier
from bot.channels.telegram.adapter import TelegramOutput, create_dispatcher
from bot.channels.telegram.pacing import TelegramPace
from bot.channels.whatsapp.api import GraphAPI
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.render import Labels
from bot.channels.whatsapp.store import WhatsAppStore
from bot.channels.whatsapp.webhook import CHANNEL
from bot.config import ROOT, Settings
from bot.core.answers import Answers
from bot.core.booking import BookingRules
from bot.core.engine import Engine
from bot.core.flows.booking import BookingFlow
from bot.core.flows.handoff import BusinessHours, HandoffFlow
from bot.core.flows.participants import ParticipantFlow
from bot.core.flows.staff import StaffFlow
from bot.core.guard import AbuseLimits, Guard
from bot.core.keywords import KeywordMatcher
from bot.core.knowledge import load_knowledge
from bot.core.notify import InviteLinks, StaffDesk
from bot.core.texts import Texts
from bot.core.visits import load_agenda_template
from bot.db.inbox import SqlInbox
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.db.state_store import SqlStateStore
from bot.db.transcript import SqlTranscript
from bot.holidays import closed_days
from bot.intake import Intake
from bot.jobs import handoff_jobs, retention
from bot.jobs.context import HandoffSweep
from bot.jobs.outbox import Outbox
from bot.jobs.pushes import OUTBOX_SWEEP_JOB, Pushes
from bot.jobs.scheduler import VisitScheduler
from bot.services.booking import BookingService, Capacity
from bot.services.handoff import EscalationService
from bot.services.nlu import RasaClient
from bot.services.places import IndonesianPlaces
from bot.services.visits import VisitService

if TYPE_CHECKING:  # aiogram is imported by the Telegram channel (bot.channels.telegram)
    from aiogram import Bot, Dispatcher

log = logging.getLogger(__name__)
NLU_HEALTH_SECONDS = 10.0
NLU_POLL_SECONDS = 2.0
KEYWORDS_FILE = ROOT / "data" / "keywords.yml"
ORGANISATIONS_FILE = ROOT / "data" / "organisations.yml"


def load_canned(path: Path, contact: dict[str, str]) -> dict[str, str]:
    """Staff's canned answers (`key: text`); a missing file means none."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected `key: text` lines")
    return {str(key).lower(): str(text).format(**contact) for key, text in data.items()}


@dataclass
class App:
    """The running bot's shared objects."""

    settings: Settings
    engine: Engine
    database: AsyncEngine
    http: aiohttp.ClientSession
    nlu: RasaClient
    notifier: ChannelNotifier
    links: InviteLinks
    desk: StaffDesk | None
    scheduler: VisitScheduler
    bookings: BookingService
    texts: Texts
    sessions: async_sessionmaker[AsyncSession]
    intake: Intake
    _nlu_seen: tuple[float, bool] = (float("-inf"), False)
    _nlu_watch: asyncio.Task[None] | None = None

    @classmethod
    async def create(cls, settings: Settings) -> App:
        """Load data files (failing loudly), migrate the database, connect the NLU client."""
        knowledge = load_knowledge(settings.knowledge_dir, settings.venue_address)
        texts = Texts.load(settings.messages_file)
        keywords = KeywordMatcher.load(KEYWORDS_FILE)
        gaps = knowledge.placeholders()
        if gaps:
            log.info("%d facts in data/knowledge are placeholders for staff to fill in", len(gaps))
            log.debug("placeholders: %s", "; ".join(gaps))
        await upgrade(settings.database_url)
        database = create_engine(settings.database_url)
        http = aiohttp.ClientSession()
        token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
        sessions = session_factory(database)
        answers = Answers(knowledge, texts)
        desk = (
            StaffDesk(
                "telegram",
                str(settings.staff_chat_id),
                frozenset(map(str, settings.staff_user_ids)),
            )
            if settings.staff_chat_id is not None
            else None
        )
        notifier, links = ChannelNotifier(desk, texts), InviteLinks()
        if desk is not None and not desk.user_ids:
            log.warning(
                "STAFF_USER_IDS is empty: only administrators of the staff group "
                "(STAFF_CHAT_ID) may act as staff"
            )
        guard = Guard(
            AbuseLimits(settings.user_messages_per_minute, settings.code_attempts_per_hour)
        )

        def today() -> date:
            return datetime.now(settings.tz).date()

        nlu = RasaClient(
            http,
            settings.rasa_url,
            token=token,
            timeout=settings.rasa_timeout,
            retries=settings.rasa_retries,
            cache_size=settings.nlu_cache_size,
            today=today,
        )

        rules = BookingRules(
            lead_days=settings.booking_lead_days,
            max_participants=settings.booking_max_participants,
            closed_weekdays=settings.closed_weekdays,
            holidays=closed_days(settings.holidays_file),
            max_pending_per_user=settings.booking_max_pending_per_user,
            max_active_per_user=settings.booking_max_active_per_user,
        )
        bookings = BookingService(
            sessions,
            rules,
            Capacity(settings.daily_capacity_delegations, settings.daily_capacity_participants),
            today,
            timedelta(days=settings.booking_pending_expiry_days),
        )

        def now() -> datetime:
            return datetime.now(settings.tz)

        scheduler = VisitScheduler(
            settings.database_url,
            settings.tz,
            push_time=settings.agenda_push_time,
            reminder_time=settings.reminder_time,
            feedback_time=settings.feedback_time,
            misfire_grace=timedelta(seconds=settings.scheduler_misfire_grace_seconds),
        )
        visits = VisitService(sessions, load_agenda_template(settings.agenda_file))
        venue = knowledge.location.venue_address or knowledge.location.head_office
        participants = ParticipantFlow(
            bookings,
            visits,
            texts=texts,
            now=now,
            push_time=settings.agenda_push_time,
            guard=guard,
        )
        outbox = Outbox(
            sessions,
            notifier,
            per_second=settings.push_rate_per_second,
            # Meta: 80 msg/s per number, about one message per 6 s to the same user.
            channel_rates={CHANNEL: (settings.whatsapp_rate_per_second, 6.0)},
        )
        scheduler.jobs.pushes = Pushes(
            bookings,
            visits,
            participants=participants,
            outbox=outbox,
            notifier=notifier,
            texts=texts,
            desk=desk,
            venue=venue,
            today=today,
        )
        flow = BookingFlow(
            bookings,
            rules=rules,
            answers=answers,
            texts=texts,
            notifier=notifier,
            staff=desk,
            today=today,
            calendar=scheduler,
            guard=guard,
            places=IndonesianPlaces.load(ORGANISATIONS_FILE),
        )
        transcript = SqlTranscript(database)
        handoff = (
            HandoffFlow(
                EscalationService(sessions),
                bookings=bookings,
                transcript=transcript,
                texts=texts,
                notifier=notifier,
                desk=desk,
                canned=load_canned(settings.canned_file, answers.main_contact()),
                hours=BusinessHours(
                    settings.business_days,
                    *(time.fromisoformat(t.strip()) for t in settings.business_hours.split("-")),
                ),
                now=now,
            )
            if desk is not None
            else None
        )
        staff = (
            StaffFlow(
                bookings,
                flow=flow,
                texts=texts,
                notifier=notifier,
                desk=desk,
                links=links,
                outbox=outbox,
                venue=venue,
                now=lambda: datetime.now(UTC),
                today=today,
                visits=visits,
                calendar=scheduler,
                agenda=participants.agenda_text,
                handoff=handoff,
            )
            if desk is not None
            else None
        )
        engine = Engine(
            nlu,
            SqlStateStore(database),
            answers,
            texts,
            keywords,
            booking=flow,
            participants=participants,
            staff=staff,
            desk=desk,
            handoff=handoff,
            guard=guard,
            now=now,
        )
        await scheduler.start()
        if handoff is not None:
            scheduler.jobs.handoff = HandoffSweep(
                handoff,
                timedelta(minutes=settings.handoff_idle_minutes),
                timedelta(minutes=settings.handoff_sla_minutes),
            )
            await scheduler.every("bot.jobs.handoff_jobs:sweep", 5, handoff_jobs.JOB_ID)
        await scheduler.every("bot.jobs.pushes:sweep_outbox", 1, OUTBOX_SWEEP_JOB)
        await scheduler.every(
            "bot.jobs.retention:purge",
            24 * 60,
            retention.JOB_ID,
            [settings.database_url, settings.transcript_retention_days, settings.venue_timezone],
        )
        return cls(
            settings,
            engine,
            database,
            http,
            nlu,
            notifier,
            links,
            desk,
            scheduler,
            bookings,
            texts,
            sessions,
            Intake(SqlInbox(sessions)),
        )

    async def telegram(self, bot: Bot) -> Dispatcher:
        """Connect a Telegram bot: its dispatcher, and the notifier's route to Telegram chats."""
        me = await bot.me()
        self.links.telegram_username = me.username
        output = TelegramOutput(bot, TelegramPace(self.settings.telegram_rate_per_second))
        self.notifier.register(
            "telegram",
            output.deliver,
            open_topic=output.open_topic,
            fetch=output.fetch,
            is_admin=output.is_admin,
        )
        return create_dispatcher(self.engine, output, self.settings.staff_chat_id)

    async def whatsapp(self) -> WhatsAppChannel:
        """Connect the WhatsApp number (settings checked complete): the channel that takes
        webhook payloads, and the notifier's route to WhatsApp chats."""
        settings = self.settings
        assert settings.whatsapp_access_token and settings.whatsapp_phone_number_id
        api = GraphAPI(
            self.http,
            base_url=settings.whatsapp_api_base,
            version=settings.whatsapp_api_version,
            phone_number_id=settings.whatsapp_phone_number_id,
            token=settings.whatsapp_access_token.get_secret_value(),
            per_second=settings.whatsapp_rate_per_second,
        )
        channel = WhatsAppChannel(
            self.engine,
            api,
            WhatsAppStore(self.sessions),
            labels=Labels(
                choose=self.texts("whatsapp.choose"),
                more=self.texts("whatsapp.more"),
                list_button=self.texts("whatsapp.list_button"),
            ),
            templates=settings.whatsapp_templates(),
            language=settings.whatsapp_template_language,
            now=lambda: datetime.now(UTC),
        )
        self.links.whatsapp_number = await api.display_number()
        self.notifier.register(CHANNEL, channel.deliver, fetch=channel.fetch)
        return channel

    async def health(self) -> dict[str, Any]:
        """Liveness of the database and the NLU server, for /healthz."""
        try:
            async with self.database.connect() as connection:
                await connection.execute(text("SELECT 1"))
            database = "ok"
        except Exception as error:  # reported, not raised: health must always answer
            database = f"error: {type(error).__name__}"
        nlu = "ok" if await self._nlu_ready() else "unavailable"
        # NLU down is degraded service (menus still work), not an outage.
        return {"status": "ok" if database == "ok" else "error", "database": database, "nlu": nlu}

    def watch_nlu(self, announce: Callable[[str], None] | None = None) -> None:
        """Watch for Rasa in the background until it answers (see `_wait_for_nlu`)."""
        self._nlu_watch = asyncio.create_task(self._wait_for_nlu(announce))

    async def _wait_for_nlu(self, announce: Callable[[str], None] | None) -> None:
        """While Rasa is still loading (`make run` starts the chat at once), the bot answers
        by keywords and menus: say so once, and say when full understanding is ready."""
        if await self.nlu.ready():
            return
        log.info("NLU not ready yet: answering by keywords and menus until it is")
        if announce is not None:
            announce(self.texts("nlu.loading"))
        while True:
            await asyncio.sleep(NLU_POLL_SECONDS)
            if await self.nlu.ready():
                break
        self.nlu.reopen()
        log.info("NLU ready")
        if announce is not None:
            announce(self.texts("nlu.ready"))

    async def _nlu_ready(self) -> bool:
        """Rasa's readiness, asked at most every NLU_HEALTH_SECONDS: /healthz is public and
        polled, and must not turn into a stream of parses."""
        checked_at, ready = self._nlu_seen
        if time_now() - checked_at >= NLU_HEALTH_SECONDS:
            ready = await self.nlu.ready()
            self._nlu_seen = (time_now(), ready)
        return ready

    async def close(self) -> None:
        """Stop the scheduler, release connections."""
        if self._nlu_watch is not None:
            self._nlu_watch.cancel()
        await self.scheduler.stop()
        await self.http.close()
        await self.database.dispose()
