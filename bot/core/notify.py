"""Messages the core sends to chats other than the one it is answering (staff, requesters)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote

from cachetools import TTLCache

from bot.core.messages import Document, Reply


@dataclass(frozen=True)
class Outgoing:
    """A message the bot starts, put through the outbox: `key` is unique per message ever
    meant (a push to one participant for one day, a booking's approval), so it goes once."""

    key: str
    channel: str
    chat_id: str
    text: str
    document: Document | None = None


class DeliveryFailed(Exception):
    """A message could not be delivered; `permanent` when retrying cannot help (blocked)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Notifier(Protocol):
    """Delivers replies to any chat on any channel."""

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        """Send `replies` to that chat; failures are the notifier's to report, not to raise.
        Returns the ids of the messages posted (none when it failed)."""
        ...

    async def deliver(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        """Send `replies` or raise `DeliveryFailed`, for callers that tell someone about it;
        the ids of the messages posted."""
        ...

    async def is_admin(self, channel: str, chat_id: str, user_id: str) -> bool:
        """Whether the user administers that group chat (False when unknown)."""
        ...

    async def open_topic(self, channel: str, chat_id: str, name: str) -> str | None:
        """A new forum topic in that chat, its thread id; None where the chat has no topics."""
        ...

    async def fetch(self, channel: str, media_id: str) -> Document | None:
        """A file a user sent on `channel`, to pass on; None when it cannot be fetched."""
        ...


@dataclass
class Report:
    """What a send through the outbox achieved."""

    total: int = 0
    sent: int = 0
    already: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key -> reason


class PendingSender(Protocol):
    """Sends outbox rows that were written inside another transaction."""

    async def send_pending(self, keys: list[str]) -> Report:
        """Send the rows with these keys that are still pending."""
        ...

    async def broadcast(self, messages: list[Outgoing]) -> Report:
        """Write the messages to the outbox, then send them (as `send_pending`)."""
        ...


@dataclass(frozen=True)
class StaffDesk:
    """Where staff work: one group chat, and the staff listed by id (STAFF_USER_IDS)."""

    channel: str
    chat_id: str
    user_ids: frozenset[str] = frozenset()

    def is_desk(self, channel: str, chat_id: str) -> bool:
        """Whether a chat is the staff group."""
        return (channel, chat_id) == (self.channel, self.chat_id)

    def listed(self, user_id: str) -> bool:
        """Whether this user is named in STAFF_USER_IDS."""
        return user_id in self.user_ids


class StaffAuthority:
    """Who may act as staff (approve, decline, answer users, export). The listed staff when
    STAFF_USER_IDS is set; otherwise only the staff group's administrators, asked from the
    channel and remembered for `ttl` seconds. Fails closed: no answer means no."""

    def __init__(
        self,
        desk: StaffDesk,
        notifier: Notifier,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._desk = desk
        self._notifier = notifier
        self._answers: TTLCache[str, bool] = TTLCache(maxsize=1024, ttl=ttl, timer=clock)

    async def allows(self, user_id: str) -> bool:
        """Whether this user may act as staff now."""
        if self._desk.user_ids:
            return self._desk.listed(user_id)
        known = self._answers.get(user_id)
        if known is None:
            desk = self._desk
            known = await self._notifier.is_admin(desk.channel, desk.chat_id, user_id)
            self._answers[user_id] = known
        return known


@dataclass
class InviteLinks:
    """Links participants open to join a visit; each channel's is known once it has started."""

    telegram_username: str | None = None
    whatsapp_number: str | None = None  # digits only, e.g. 6281234567890

    def link(self, channel: str, invite_code: str) -> str | None:
        """Telegram: `https://t.me/<bot>?start=<code>` (payload ≤ 64 of [A-Za-z0-9_-]);
        WhatsApp: `https://wa.me/<number>?text=gabung%20<code>` (a prefilled message)."""
        if channel == "whatsapp" and self.whatsapp_number:
            return f"https://wa.me/{self.whatsapp_number}?text=gabung%20{quote(invite_code)}"
        if channel == "telegram" and self.telegram_username:
            return f"https://t.me/{self.telegram_username}?start={invite_code}"
        return None
