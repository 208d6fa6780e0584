"""Messages the core sends to chats other than the one it is answering (staff, requesters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from bot.core.messages import Document, Reply


class DeliveryFailed(Exception):
    """A message could not be delivered; `permanent` when retrying cannot help (blocked)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Notifier(Protocol):
    """Delivers replies to any chat on any channel."""

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> None:
        """Send `replies` to that chat; failures are the notifier's to report, not to raise."""
        ...

    async def deliver(self, channel: str, chat_id: str, replies: list[Reply]) -> None:
        """Send `replies` or raise `DeliveryFailed`, for callers that tell someone about it."""
        ...

    async def open_topic(self, channel: str, chat_id: str, name: str) -> str | None:
        """A new forum topic in that chat, its thread id; None where the chat has no topics."""
        ...

    async def fetch(self, channel: str, media_id: str) -> Document | None:
        """A file a user sent on `channel`, to pass on; None when it cannot be fetched."""
        ...


@dataclass(frozen=True)
class StaffDesk:
    """Where staff work: one group chat, and who may act there (empty = any member)."""

    channel: str
    chat_id: str
    user_ids: frozenset[str] = frozenset()

    def is_desk(self, channel: str, chat_id: str) -> bool:
        """Whether a chat is the staff group."""
        return (channel, chat_id) == (self.channel, self.chat_id)

    def may_act(self, user_id: str) -> bool:
        """Whether this user may approve, decline, take or close."""
        return not self.user_ids or user_id in self.user_ids


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
