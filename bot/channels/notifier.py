"""Route the core's messages for other chats to the channel each chat lives on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.messages import Document, Reply
from bot.core.notify import DeliveryFailed, StaffDesk
from bot.core.texts import Texts

log = logging.getLogger(__name__)
# Sends replies to a chat; returns the ids of the messages it posted where the channel has them.
Sender = Callable[[str, list[Reply]], Awaitable[list[str] | None]]
TopicOpener = Callable[[str, str], Awaitable[str | None]]
Fetcher = Callable[[str], Awaitable[Document | None]]
AdminCheck = Callable[[str, str], Awaitable[bool]]


class ChannelNotifier:
    """`Notifier` over the channels running in this process.

    A notice that cannot reach a user (blocked, or WhatsApp's 24-hour window closed without a
    template) is reported to the staff group, so nobody waits for an answer that never left.
    """

    def __init__(self, desk: StaffDesk | None = None, texts: Texts | None = None) -> None:
        self._senders: dict[str, Sender] = {}
        self._topic_openers: dict[str, TopicOpener] = {}
        self._fetchers: dict[str, Fetcher] = {}
        self._admin_checks: dict[str, AdminCheck] = {}
        self._desk = desk
        self._t = texts

    def register(
        self,
        channel: str,
        sender: Sender,
        *,
        open_topic: TopicOpener | None = None,
        fetch: Fetcher | None = None,
        is_admin: AdminCheck | None = None,
    ) -> None:
        """Deliver messages for `channel` chats through `sender(chat_id, replies)`, which
        raises `DeliveryFailed` when it cannot; `open_topic(chat_id, name)`,
        `fetch(media_id)` and `is_admin(chat_id, user_id)` where the channel has forum
        topics, files and group administrators."""
        self._senders[channel] = sender
        if open_topic is not None:
            self._topic_openers[channel] = open_topic
        if fetch is not None:
            self._fetchers[channel] = fetch
        if is_admin is not None:
            self._admin_checks[channel] = is_admin

    async def open_topic(self, channel: str, chat_id: str, name: str) -> str | None:
        """A new forum topic's thread id, or None (no topics there, or no such channel)."""
        opener = self._topic_openers.get(channel)
        return await opener(chat_id, name) if opener is not None else None

    async def fetch(self, channel: str, media_id: str) -> Document | None:
        """A user's file from their channel, or None."""
        fetcher = self._fetchers.get(channel)
        return await fetcher(media_id) if fetcher is not None else None

    async def is_admin(self, channel: str, chat_id: str, user_id: str) -> bool:
        """Whether the user administers that group; False when the channel cannot tell."""
        check = self._admin_checks.get(channel)
        return await check(chat_id, user_id) if check is not None else False

    async def deliver(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        """Send, or raise `DeliveryFailed` (for the outbox, which records why); the ids of
        the messages posted."""
        sender = self._senders.get(channel)
        if sender is None:
            raise DeliveryFailed(f"no running {channel} channel", permanent=False)
        return await sender(chat_id, replies) or []

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        """Best effort: one unreachable chat must not fail the action that caused the message.
        The ids of the messages posted (none when it failed)."""
        try:
            return await self.deliver(channel, chat_id, replies)
        except DeliveryFailed as error:
            log.warning("message to a %s chat not delivered: %s", channel, error)
            desk = self._desk
            if desk is None or self._t is None or desk.is_desk(channel, chat_id):
                return []
            warning = self._t("staff.undelivered", channel=channel, chat=chat_id, reason=error)
            try:
                await self.deliver(desk.channel, desk.chat_id, [Reply(warning)])
            except DeliveryFailed as again:
                log.warning("staff group not reachable either: %s", again)
            return []
