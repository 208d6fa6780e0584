"""Proactive messages through the outbox: each (kind, visit, day, chat) is sent at most once.

Rows are written first (a unique key makes a second broadcast a no-op; booking notices are
written in the same transaction as the decision they announce), each is marked `sending` and
committed before the API call, then `sent` or `failed`. After a crash, rows left in `sending`
are not retried, so a participant never gets the same agenda twice: the sweep marks them
failed once they are older than any send can take, and sends `pending` rows nobody sent. Sends are
paced per channel, by an overall rate and a per-chat rate (Telegram: ~30 msg/s overall, 1 msg/s
per chat; WhatsApp: 80 msg/s per number, about 1 message per 6 s to the same user); rate-limit,
network and 5xx errors are retried by the channel, permanent refusals are recorded as final.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Mapping
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from cachetools import TTLCache
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.messages import Document, Reply
from bot.core.notify import DeliveryFailed, Notifier, Outgoing, Report
from bot.db.models import OutboxMessage, utcnow
from bot.db.outbox import enqueue
from bot.privacy import mask

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=10)  # far beyond a send's retries and pacing
LATE_AFTER = timedelta(minutes=1)
# An operator's record in the outbox row (like the logs, in English), never shown to users.
INTERRUPTED = "interrupted while sending (it may have been delivered); not sent again"


def _reply(row: OutboxMessage) -> Reply:
    document = (
        Document(row.document_name or "lampiran", row.document, _mime(row.document_name))
        if row.document is not None
        else None
    )
    return Reply(row.text, document=document, tag=row.key)


def _mime(filename: str | None) -> str:
    return mimetypes.guess_type(filename or "")[0] or "application/octet-stream"


class Outbox:
    """Writes, paces and sends proactive messages."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        notifier: Notifier,
        per_second: float = 30,
        per_chat_seconds: float = 1,
        channel_rates: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        """`per_second` / `per_chat_seconds` pace every channel not in `channel_rates`
        (channel -> (messages per second, seconds between two messages to one chat))."""
        self._sessions = sessions
        self._notifier = notifier
        self._pace = dict(channel_rates or {})
        self._default_pace = (per_second, per_chat_seconds)
        self._overall: dict[str, AsyncLimiter] = {}
        # Forgotten an hour after a chat's last push: memory follows the chats pushed to now.
        self._per_chat: TTLCache[tuple[str, str], AsyncLimiter] = TTLCache(100_000, 3600)

    async def broadcast(self, messages: list[Outgoing]) -> Report:
        """Send every message not sent before; return the counts."""
        if messages:
            async with self._sessions() as session, session.begin():
                await enqueue(session, messages)
        return await self.send_pending([m.key for m in messages])

    async def send_pending(self, keys: list[str]) -> Report:
        """Send the rows with these keys that are still pending (written by `broadcast`, or
        by a service in the transaction that decided them)."""
        report = Report(total=len(keys))
        if not keys:
            return report
        async with self._sessions() as session:
            pending = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.key.in_(keys), OutboxMessage.status == "pending"
                    )
                )
            )
        report.already = len(keys) - len(pending)
        return await self._send_rows(pending, report)

    async def sweep(self, now: datetime) -> Report:
        """Rows `sending` for longer than STUCK_AFTER are failed ("interrupted": maybe sent,
        never sent twice); rows `pending` for longer than LATE_AFTER (their sender died
        before sending) are sent now."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.status == "sending",
                    OutboxMessage.claimed_at < now - STUCK_AFTER,
                )
                .values(status="failed", error=INTERRUPTED)
            )
        async with self._sessions() as session:
            late = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.status == "pending",
                        OutboxMessage.created_at < now - LATE_AFTER,
                    )
                )
            )
        return await self._send_rows(late, Report(total=len(late)))

    async def _send_rows(self, pending: list[OutboxMessage], report: Report) -> Report:
        results = await asyncio.gather(*(self._send(row) for row in pending))
        for row, error in zip(pending, results, strict=True):
            if error is None:
                report.sent += 1
            else:
                report.failed[row.key] = error
        return report

    async def _send(self, row: OutboxMessage) -> str | None:
        """Claim the row, send it, record the outcome; the failure reason, or None."""
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending")
                .values(status="sending", claimed_at=utcnow())
            )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another broadcast took it
        error: str | None = None
        try:
            overall, per_chat = self._limiters(row.channel, row.chat_id)
            async with overall, per_chat:
                await self._notifier.deliver(row.channel, row.chat_id, [_reply(row)])
        except DeliveryFailed as failure:
            error = str(failure)
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(
                    status="failed" if error else "sent",
                    error=error or "",
                    sent_at=None if error else utcnow(),
                )
            )
        if error:
            what = row.key.removesuffix(f":{row.channel}:{row.chat_id}")
            chat = mask(row.chat_id)
            log.warning("outbox %s to %s %s failed: %s", what, row.channel, chat, error)
        return error

    def _limiters(self, channel: str, chat_id: str) -> tuple[AsyncLimiter, AsyncLimiter]:
        """The channel's overall pace (one message per 1/rate seconds: smooth, no initial
        burst) and the chat's own."""
        rate, gap = self._pace.get(channel, self._default_pace)
        if channel not in self._overall:
            self._overall[channel] = AsyncLimiter(1, 1 / rate)
        if (channel, chat_id) not in self._per_chat:
            self._per_chat[(channel, chat_id)] = AsyncLimiter(1, gap)
        return self._overall[channel], self._per_chat[(channel, chat_id)]
