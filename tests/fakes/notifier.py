"""A notifier that records what the core sent to other chats."""

from __future__ import annotations

from bot.core.messages import Reply


class RecordingNotifier:
    """Keeps (channel, chat_id, reply) for every message sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Reply]] = []

    async def send(self, channel: str, chat_id: str, replies: list[Reply]) -> None:
        self.sent.extend((channel, chat_id, reply) for reply in replies)

    def to(self, chat_id: str) -> list[Reply]:
        """Replies sent to one chat."""
        return [reply for _, chat, reply in self.sent if chat == chat_id]
