"""Webhook updates are acknowledged only once they are stored.

Telegram and Meta do not resend an update they got a 200 for, so the webhook stores each one
in the inbox table first, answers, and handles it in the background; a handled update is
marked. On start the bot handles whatever a previous process stored and never finished, and
on SIGTERM it stops taking updates and finishes those in hand within a time limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.db.inbox import SqlInbox

log = logging.getLogger(__name__)
Handler = Callable[[Any], Awaitable[None]]


class Intake:
    """Stores, hands out and marks the updates of every webhook channel."""

    def __init__(self, inbox: SqlInbox) -> None:
        self._inbox = inbox
        self._handlers: dict[str, Handler] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def register(self, channel: str, handler: Handler) -> None:
        """Updates of `channel` are handled by `handler(payload)`."""
        self._handlers[channel] = handler

    async def accept(self, channel: str, key: str, payload: Any) -> None:
        """Store the update (raising if the database cannot), then handle it in the
        background; a redelivered update (same key) is not handled again."""
        stored = await self._inbox.store(channel, key, json.dumps(payload, ensure_ascii=False))
        if stored is None:
            log.info("%s update %s already received", channel, key[:16])
            return
        self._spawn(channel, stored, payload)

    async def replay(self, channel: str) -> int:
        """Handle the channel's updates stored by an earlier process and never finished."""
        pending = await self._inbox.unhandled(channel)
        for row_id, payload in pending:
            await self._handle(channel, row_id, json.loads(payload))
        if pending:
            log.info("handled %d %s update(s) left over from before", len(pending), channel)
        return len(pending)

    async def drain(self, within: float) -> bool:
        """Wait for the updates in hand; False when some were still running after `within`
        seconds (they stay in the inbox for the next start)."""
        if not self._tasks:
            return True
        _done, running = await asyncio.wait(set(self._tasks), timeout=within)
        if running:
            log.warning("%d update(s) unfinished at shutdown: handled on next start", len(running))
        return not running

    def _spawn(self, channel: str, row_id: int, payload: Any) -> None:
        task = asyncio.create_task(self._handle(channel, row_id, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, channel: str, row_id: int, payload: Any) -> None:
        try:
            await self._handlers[channel](payload)
        except Exception:  # logged and marked: an update that always fails must not loop
            log.exception("%s update %d could not be processed", channel, row_id)
        await self._inbox.handled(row_id)
