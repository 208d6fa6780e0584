"""Telegram's send limits, kept per destination chat.

Telegram allows about 30 messages a second overall, about one a second to one chat (short
bursts pass) and 20 a minute to one group; beyond them it answers 429 with `retry_after`.
Groups are paced ahead (the staff group is the one chat the bot writes to a lot); a private
chat gets answers only as fast as its user writes, which the per-user message budget
(USER_MESSAGES_PER_MINUTE) already holds near Telegram's pace, so it is only slowed when
Telegram says 429 for it. Each chat has its own pause: a 429 for the busy staff group delays
only the staff group, never the answers to users. Per-chat state is forgotten after an hour
idle, so memory follows the chats active now.
"""

from __future__ import annotations

import asyncio
import time

from aiolimiter import AsyncLimiter
from cachetools import TTLCache

GROUP_BURST, GROUP_PER_MINUTE = 20, 20
IDLE_SECONDS = 3600
MAX_CHATS = 100_000


class TelegramPace:
    """Waits before each send so no group, and not the bot as a whole, exceeds its limit,
    and no chat is written to while Telegram asked to wait."""

    def __init__(self, per_second: float = 30.0) -> None:
        self._overall = AsyncLimiter(max(per_second, 1.0), 1)
        self._groups: TTLCache[str, AsyncLimiter] = TTLCache(MAX_CHATS, IDLE_SECONDS)
        self._paused_until: TTLCache[str, float] = TTLCache(MAX_CHATS, IDLE_SECONDS)

    async def wait(self, chat_id: int | str) -> None:
        """Return when a message to `chat_id` may be sent."""
        chat = str(chat_id)
        delay = self._paused_until.get(chat, 0.0) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if chat.startswith("-"):  # negative ids are groups and channels
            await self._group(chat).acquire()
        await self._overall.acquire()

    def pause(self, chat_id: int | str, seconds: float) -> None:
        """Telegram said 429 for this chat: hold its sends for `seconds`."""
        chat = str(chat_id)
        until = time.monotonic() + seconds
        self._paused_until[chat] = max(self._paused_until.get(chat, 0.0), until)

    def _group(self, chat: str) -> AsyncLimiter:
        limiter = self._groups.get(chat)
        if limiter is None:
            limiter = AsyncLimiter(GROUP_BURST, 60 * GROUP_BURST / GROUP_PER_MINUTE)
            self._groups[chat] = limiter
        return limiter
