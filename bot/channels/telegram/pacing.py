"""Telegram's send limits, kept per destination chat.

Telegram allows about 30 messages a second overall, about one a second to one chat (a
conversation's burst of answers passes) and 20 a minute to one group; beyond them it answers
429 with `retry_after`.
Each chat has its own pace and its own pause, so a 429 for the busy staff group delays only
the staff group, never the answers to users. Per-chat state is forgotten after an hour idle,
so memory follows the chats active now.
"""

from __future__ import annotations

import asyncio
import time

from aiolimiter import AsyncLimiter
from cachetools import TTLCache

PRIVATE_BURST, PRIVATE_PER_SECOND = 20, 1.0
GROUP_BURST, GROUP_PER_MINUTE = 20, 20
IDLE_SECONDS = 3600
MAX_CHATS = 100_000


class TelegramPace:
    """Waits before each send so no chat, and not the bot as a whole, exceeds its limit."""

    def __init__(self, per_second: float = 30.0) -> None:
        self._overall = AsyncLimiter(max(per_second, 1.0), 1)
        self._chats: TTLCache[str, AsyncLimiter] = TTLCache(MAX_CHATS, IDLE_SECONDS)
        self._paused_until: TTLCache[str, float] = TTLCache(MAX_CHATS, IDLE_SECONDS)

    async def wait(self, chat_id: int | str) -> None:
        """Return when a message to `chat_id` may be sent."""
        chat = str(chat_id)
        delay = self._paused_until.get(chat, 0.0) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await self._limiter(chat).acquire()
        await self._overall.acquire()

    def pause(self, chat_id: int | str, seconds: float) -> None:
        """Telegram said 429 for this chat: hold its sends for `seconds`."""
        chat = str(chat_id)
        until = time.monotonic() + seconds
        self._paused_until[chat] = max(self._paused_until.get(chat, 0.0), until)

    def _limiter(self, chat: str) -> AsyncLimiter:
        limiter = self._chats.get(chat)
        if limiter is None:
            # Negative ids are groups and channels: 20 a minute; private chats about 1 a second.
            limiter = (
                AsyncLimiter(GROUP_BURST, 60 * GROUP_BURST / GROUP_PER_MINUTE)
                if chat.startswith("-")
                else AsyncLimiter(PRIVATE_BURST, PRIVATE_BURST / PRIVATE_PER_SECOND)
            )
            self._chats[chat] = limiter
        return limiter
