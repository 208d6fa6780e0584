"""Webhook updates are acknowledged only once they are stored.

Telegram and Meta do not resend an update they got a 200 for, so the webhook stores each one
in the inbox table first, answers, and handles it in the background; a handled update is
marked. On start the bot handles whatever a previous process stored and never finished, and
on SIGTERM it stops taking updates and finishes those in hand within a time limit.

Several bot processes may share one database (behind any load balancer): an update is stored
with its chat, and whichever process takes that chat's lock handles all of the chat's waiting
updates, in the order they arrived. Updates left by a process that died are picked up by the
others after STALE_SECONDS.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db.chat_locks import ChatLocks
from bot.db.inbox import SqlInbox

log = logging.getLogger(__name__)
Handler = Callable[[Any], Awaitable[None]]
ChatOf = Callable[[Any], str]
STALE_SECONDS = 10.0  # an update waiting this long lost its process: another takes it
WATCH_SECONDS = 2.0


class Intake:
    """Stores, hands out and marks the updates of every webhook channel."""

    def __init__(self, inbox: SqlInbox, locks: ChatLocks) -> None:
        self._inbox = inbox
        self._locks = locks
        self._handlers: dict[str, tuple[Handler, ChatOf]] = {}
        self._tasks: set[asyncio.Task[int]] = set()
        self._watch: asyncio.Task[None] | None = None

    def register(self, channel: str, handler: Handler, chat_of: ChatOf) -> None:
        """Updates of `channel` are handled by `handler(payload)`; `chat_of(payload)` names
        the chat an update belongs to."""
        self._handlers[channel] = (handler, chat_of)

    async def accept(self, channel: str, key: str, payload: Any) -> None:
        """Store the update (raising if the database cannot), then handle its chat's waiting
        updates in the background; a redelivered update (same key) is not stored again."""
        chat = self._handlers[channel][1](payload)
        stored = await self._inbox.store(
            channel, key, json.dumps(payload, ensure_ascii=False), chat
        )
        if stored is None:
            log.info("%s update %s already received", channel, key[:16])
            return
        self._spawn(channel, chat)

    async def replay(self, channel: str) -> int:
        """Handle the channel's updates stored by an earlier process and never finished, and
        from now on watch for updates a dead process leaves behind."""
        chats = await self._inbox.waiting(channel)
        handled = sum([await self._drain(channel, chat) for chat in chats])
        if handled:
            log.info("handled %d %s update(s) left over from before", handled, channel)
        if self._watch is None:
            self._watch = asyncio.create_task(self._watch_stale())
        return handled

    async def drain(self, within: float) -> bool:
        """Wait for the updates in hand; False when some were still running after `within`
        seconds (they stay in the inbox for the next start)."""
        if self._watch is not None:
            self._watch.cancel()
        if not self._tasks:
            return True
        _done, running = await asyncio.wait(set(self._tasks), timeout=within)
        if running:
            log.warning("%d update(s) unfinished at shutdown: handled on next start", len(running))
        return not running

    def _spawn(self, channel: str, chat: str) -> None:
        task = asyncio.create_task(self._drain(channel, chat))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, channel: str, chat: str) -> int:
        """With the chat's lock, handle every update of it still waiting, oldest first (some
        may have come through other processes; those another process handled are gone)."""
        handler = self._handlers[channel][0]
        async with self._locks(channel, chat):
            waiting = await self._inbox.unhandled(channel, chat)
            for row_id, payload in waiting:
                try:
                    await handler(json.loads(payload))
                except Exception:  # logged and marked: an update that always fails must not loop
                    log.exception("%s update %d could not be processed", channel, row_id)
                await self._inbox.handled(row_id)
        return len(waiting)

    async def _watch_stale(self) -> None:
        """Every few seconds, the chats whose updates have waited too long (their process
        died after storing them) are handled here."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            cutoff = datetime.now(UTC) - timedelta(seconds=STALE_SECONDS)
            try:
                for channel in self._handlers:
                    for chat in await self._inbox.waiting(channel, before=cutoff):
                        self._spawn(channel, chat)
            except Exception:  # the database away: try again next round
                log.warning("could not look for waiting updates", exc_info=True)
