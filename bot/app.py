"""Build the bot's parts from `Settings` once, in one place, and close them in reverse order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic as time_now
from typing import TYPE_CHECKING, Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import wiring
from bot.channels.notifier import ChannelNotifier
from bot.channels.telegram.adapter import TelegramOutput, create_dispatcher
from bot.channels.telegram.pacing import TelegramPace
from bot.channels.whatsapp.api import GraphAPI
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.render import Labels
from bot.channels.whatsapp.store import WhatsAppStore
from bot.channels.whatsapp.webhook import CHANNEL
from bot.config import Settings
from bot.core.engine import Engine
from bot.core.notify import InviteLinks, StaffDesk
from bot.core.texts import Texts
from bot.db.chat_locks import ChatLocks
from bot.db.inbox import SqlInbox
from bot.db.migrate import upgrade
from bot.db.session import create_engine, session_factory
from bot.db.state_store import SqlStateStore
from bot.db.transcript import SqlTranscript
from bot.desk.context import Desk
from bot.documents.paperwork import Paperwork
from bot.intake import Intake
from bot.jobs.pushes import Pushes
from bot.jobs.scheduler import VisitScheduler
from bot.services.booking import BookingService
from bot.services.nlu import RasaClient
from bot.services.places import IndonesianPlaces

if TYPE_CHECKING:  # aiogram is imported by the Telegram channel (bot.channels.telegram)
    from aiogram import Bot, Dispatcher

log = logging.getLogger(__name__)
NLU_HEALTH_SECONDS = 10.0
NLU_POLL_SECONDS = 2.0


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
    web_desk: Desk | None  # the staff's web pages (/desk), when there is a staff group
    paperwork: Paperwork  # letters, receipts, certificates (and their /verify page)
    store: SqlStateStore  # the conversations' state (on SQLite, with its writer thread)
    _nlu_seen: tuple[float, bool] = (float("-inf"), False)
    _nlu_watch: asyncio.Task[None] | None = None

    @classmethod
    async def create(cls, settings: Settings) -> App:
        """Load data files (failing loudly), migrate the database, build every part."""
        said, clock = wiring.language(settings), wiring.Clock(settings)
        staff = wiring.staff(settings, said.texts)
        await upgrade(settings.database_url)
        database = create_engine(settings.database_url)
        sessions = session_factory(database)
        http = aiohttp.ClientSession()
        nlu = wiring.nlu_client(settings, http, clock)
        bookings = wiring.booking_service(settings, sessions, clock)
        scheduler = wiring.visit_scheduler(settings, bookings)
        visiting = wiring.visiting(settings, sessions, scheduler, staff, said)
        participants = wiring.participant_flow(
            settings, bookings, visiting.visits, language=said, clock=clock, guard=staff.guard
        )
        documents = wiring.paperwork(
            settings, sessions, bookings, visits=visiting.visits, language=said, clock=clock
        )
        scheduler.jobs.pushes = Pushes(
            bookings, visiting.visits, outbox=visiting.outbox,
            notifier=staff.notifier, texts=said.texts, desk=staff.desk, venue=visiting.venue,
            today=clock.today, paperwork=documents,
        )  # fmt: skip
        form, changes, amendments, availability = wiring.booking_flows(
            bookings, bookings.rules, answers=said.answers, texts=said.texts,
            notifier=staff.notifier, desk=staff.desk, today=clock.today, calendar=scheduler,
            guard=staff.guard, places=IndonesianPlaces.load(wiring.ORGANISATIONS_FILE),
        )  # fmt: skip
        handoff = wiring.handoff_flow(
            settings, sessions, bookings, transcript=SqlTranscript(database), language=said,
            staff=staff, clock=clock,
        )  # fmt: skip
        access = wiring.desk_access(settings, sessions, staff, said.texts)
        room = wiring.staff_flow(
            bookings, handoff, visiting=visiting, language=said, staff=staff, clock=clock,
            access=access, documents=documents,
        )  # fmt: skip
        store = SqlStateStore(database)
        engine = Engine(
            nlu, store, said.answers, said.texts, said.keywords,
            # Asked in this order whether an event is theirs; a new flow is one more entry.
            flows=(
                *([access] if access else []),
                *wiring.paper_requests(bookings, visiting.visits, documents, said.texts, clock),
                participants, form, changes, amendments, availability,
            ),
            staff=room, desk=staff.desk, handoff=handoff, guard=staff.guard, now=clock.now,
        )  # fmt: skip
        web_desk = wiring.web_desk(
            settings, sessions, bookings, room=room, visiting=visiting, staff=staff,
            texts=said.texts, clock=clock, handoff=handoff, documents=documents,
        )  # fmt: skip
        await scheduler.start()
        await wiring.recurring_jobs(settings, scheduler, handoff)
        return cls(
            settings, engine, database, http, nlu, staff.notifier, staff.links, staff.desk,
            scheduler, bookings, said.texts, sessions,
            Intake(SqlInbox(database), ChatLocks(database)), web_desk, documents, store,
        )  # fmt: skip

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
                no_template=self.texts("whatsapp.no_template"),
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
        await self.store.close()
        await self.database.dispose()
