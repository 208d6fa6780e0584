"""WhatsApp users on the same core: webhook events in, Graph API messages out.

Answers to a user's message are free-form (their 24-hour window has just opened). Messages the
bot starts (agenda pushes, reminders, booking outcomes, staff replies) check the window first:
outside it they go as the approved template configured for their tag, and without one they are
recorded as not sent and `DeliveryFailed` tells the caller (the outbox, or the staff group).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.channels.whatsapp.api import WINDOW_CLOSED, GraphAPI, GraphError
from bot.channels.whatsapp.render import Labels, reply_bodies, template_body
from bot.channels.whatsapp.store import WhatsAppStore
from bot.channels.whatsapp.webhook import Inbound, parse
from bot.core.engine import Engine
from bot.core.locks import KeyedLocks
from bot.core.messages import Document, Reply
from bot.core.notify import DeliveryFailed
from bot.privacy import mask

log = logging.getLogger(__name__)


class WindowClosed(Exception):
    """The user's 24-hour window is closed: only a template may be sent."""


class WhatsAppChannel:
    """The channel: `receive` takes webhook payloads, `deliver` sends proactive messages."""

    def __init__(
        self,
        engine: Engine,
        api: GraphAPI,
        store: WhatsAppStore,
        *,
        labels: Labels,
        templates: dict[str, str],
        language: str,
        now: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._api = api
        self._store = store
        self._labels = labels
        self._templates = templates
        self._language = language
        self._now = now
        # One user's messages are handled in the order they arrived, never two at once.
        self._locks = KeyedLocks()
        self._pruned_at: datetime | None = None

    async def receive(self, payload: Any) -> None:
        """Handle one webhook call: statuses are stored, each new message answered once."""
        messages, statuses = parse(payload)
        now = self._now()
        if self._pruned_at is None or now - self._pruned_at > timedelta(days=1):
            self._pruned_at = now  # Meta redelivers for up to 7 days: older ids can go
            await self._store.forget_before(now - timedelta(days=8))
        for update in statuses:
            await self._store.status(update.message_id, update.status, update.at, update.error)
        for message in messages:  # in the order Meta listed them
            await self._handle(message)

    async def _handle(self, message: Inbound) -> None:
        """Answer a message not handled before; it counts as handled once answered, so a
        process that dies half-way answers it again from the inbox rather than never."""
        event = message.event
        async with self._locks(event.chat_id):
            if await self._store.handled(message.message_id):
                log.info("WhatsApp message %s already handled", message.message_id)
                return
            await self._store.saw(
                event.chat_id, event.user_name, min(message.sent_at, self._now())
            )
            replies = await self._engine.handle(event)
            try:
                await self._send(event.chat_id, replies, proactive=False)
            except DeliveryFailed as error:
                log.warning(
                    "answer to WhatsApp user %s not delivered: %s", mask(event.chat_id), error
                )
            await self._store.mark_handled(message.message_id)

    async def fetch(self, media_id: str) -> Document | None:
        """A photo, document or voice note a user sent (for the staff group)."""
        return await self._api.download(media_id)

    async def deliver(self, chat_id: str, replies: list[Reply]) -> None:
        """A message the bot starts (for the notifier and the outbox)."""
        await self._send(chat_id, replies, proactive=True)

    async def _send(self, chat_id: str, replies: list[Reply], *, proactive: bool) -> None:
        tag = next((reply.tag for reply in replies if reply.tag), "")
        try:
            if proactive and not await self._store.window_open(chat_id, self._now()):
                raise WindowClosed
            for reply in replies:
                await self._free_form(chat_id, reply, tag)
        except WindowClosed:
            await self._template(chat_id, replies, tag)

    async def _free_form(self, chat_id: str, reply: Reply, tag: str) -> None:
        for body in reply_bodies(reply, self._labels):
            await self._post(chat_id, body, tag)
        if reply.document is not None:
            try:
                media = await self._api.upload(reply.document)
            except GraphError as error:
                raise DeliveryFailed(f"upload: {error}", permanent=not error.retryable) from error
            document = {"id": media, "filename": reply.document.filename}
            await self._post(chat_id, {"type": "document", "document": document}, tag)

    async def _post(self, chat_id: str, body: dict[str, Any], tag: str) -> None:
        try:
            wamid = await self._api.send(chat_id, body)
        except GraphError as error:
            if error.code == WINDOW_CLOSED:
                raise WindowClosed from error
            await self._store.sent(chat_id, tag, body["type"], None, str(error))
            raise DeliveryFailed(str(error), permanent=not error.retryable) from error
        await self._store.sent(chat_id, tag, body["type"], wamid)

    async def _template(self, chat_id: str, replies: list[Reply], tag: str) -> None:
        """Outside the window: the tag's template with the text, or nothing and why."""
        kind = tag.split(":", 1)[0]
        name = self._templates.get(kind)
        if name is None:
            reason = self._labels.no_template.format(
                kind=kind or "-", setting=f"WHATSAPP_TEMPLATE_{kind.upper() or '…'}"
            )
            await self._store.sent(chat_id, tag, "template", None, reason)
            raise DeliveryFailed(reason, permanent=True)
        text = "\n".join(reply.text for reply in replies if reply.text.strip())
        try:
            await self._post(chat_id, template_body(name, self._language, text), tag)
        except WindowClosed as error:  # a template is never refused for the window
            raise DeliveryFailed("template refused: window closed", permanent=True) from error
