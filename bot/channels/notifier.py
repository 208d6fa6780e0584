"""Route the core's messages for other chats to the channel each chat lives on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.messages import Reply
from bot.core.notify import DeliveryFailed

log = logging.getLogger(__name__)
Sender = Callable[[str, list[Reply]], Awaitable[None]]


class ChannelNotifier:
    """`Notifier` over the channels running in this process."""

    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}

    def register(self, channel: str, sender: Sender) -> None:
        """Deliver messages for `channel` chats through `sender(chat_id, replies)`, which
        raises `DeliveryFailed` when it cannot."""
        self._senders[channel] = sender

    async def deliver(self, channel: str, chat_id: str, replies: list[Reply]) -> None:
        """Send, or raise `DeliveryFailed` (for the outbox, which records why)."""
        sender = self._senders.get(channel)
        if sender is None:
            raise DeliveryFailed(f"no running {channel} channel", permanent=False)
        await sender(chat_id, replies)

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> None:
        """Best effort: one unreachable chat must not fail the action that caused the message."""
        try:
            await self.deliver(channel, chat_id, replies)
        except DeliveryFailed as error:
            log.warning("message to a %s chat not delivered: %s", channel, error)
