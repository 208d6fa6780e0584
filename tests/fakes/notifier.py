"""A notifier that records what the core sent to other chats."""

from __future__ import annotations

from bot.core.messages import Document, Reply
from bot.core.notify import DeliveryFailed


class RecordingNotifier:
    """Keeps (channel, chat_id, reply) for every message sent; chats in `unreachable` fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Reply]] = []
        self.unreachable: dict[str, str] = {}  # chat_id -> reason
        self.forum = False  # whether the staff group has topics
        self.topics: list[str] = []  # names of the topics opened
        self.files: dict[str, Document] = {}  # media_id -> the file users sent
        self.admins: set[str] = set()  # user ids administering any group

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        """Record; the "message ids" are the positions in `sent`."""
        if chat_id in self.unreachable:
            return []
        first = len(self.sent)
        self.sent.extend((channel, chat_id, reply) for reply in replies)
        return [str(index) for index in range(first, len(self.sent))]

    async def deliver(self, channel: str, chat_id: str, replies: list[Reply]) -> list[str]:
        if chat_id in self.unreachable:
            raise DeliveryFailed(self.unreachable[chat_id], permanent=True)
        return await self.send(channel, chat_id, replies)

    async def is_admin(self, channel: str, chat_id: str, user_id: str) -> bool:
        return user_id in self.admins

    def to(self, chat_id: str) -> list[Reply]:
        """Replies sent to one chat."""
        return [reply for _, chat, reply in self.sent if chat == chat_id]

    async def open_topic(self, channel: str, chat_id: str, name: str) -> str | None:
        if not self.forum:
            return None
        self.topics.append(name)
        return str(100 + len(self.topics))

    async def fetch(self, channel: str, media_id: str) -> Document | None:
        return self.files.get(media_id)
