"""An in-memory `StateStore` that round-trips through JSON, like the SQL store."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.core.state import ConversationState


class JsonMemoryStore:
    """Keeps state as JSON text so unserialisable state fails in tests, as it would in SQL."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}
        self.transcript: list[tuple[str, str, str]] = []  # (chat_id, direction, text)

    async def receive(
        self, channel: str, chat_id: str, received: str, *, handoffs_of: str | None = None
    ) -> ConversationState:
        """The state, `staffed` left True (not known here: the engine looks it up)."""
        self.transcript.append((chat_id, "in", received))
        raw = self.rows.get((channel, chat_id))
        return ConversationState.from_json(json.loads(raw) if raw else None)

    async def save(
        self, channel: str, chat_id: str, state: ConversationState, sent: Sequence[str]
    ) -> None:
        self.rows[(channel, chat_id)] = json.dumps(state.to_json())
        self.transcript.extend((chat_id, "out", text) for text in sent)
