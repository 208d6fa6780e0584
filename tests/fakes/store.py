"""An in-memory `StateStore` that round-trips through JSON, like the SQL store."""

from __future__ import annotations

import json

from bot.core.state import ConversationState


class JsonMemoryStore:
    """Keeps state as JSON text so unserialisable state fails in tests, as it would in SQL."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}

    async def load(self, channel: str, chat_id: str) -> ConversationState:
        raw = self.rows.get((channel, chat_id))
        return ConversationState.from_json(json.loads(raw) if raw else None)

    async def save(self, channel: str, chat_id: str, state: ConversationState) -> None:
        self.rows[(channel, chat_id)] = json.dumps(state.to_json())
