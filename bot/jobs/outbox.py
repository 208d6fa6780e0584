"""Proactive messages through the outbox: each (kind, visit, day, chat) is sent at most once.

Rows are written first (a unique key makes a second broadcast a no-op), each is marked
`sending` and committed before the API call, then `sent` or `failed`. After a crash, rows left
in `sending` are not retried, so a participant never gets the same agenda twice. Sends are
paced per channel, by an overall rate and a per-chat rate (Telegram: ~30 msg/s overall, 1 msg/s
per chat; WhatsApp: 80 msg/s per number, about 1 message per 6 s to the same user); rate-limit,
network and 5xx errors are retried by the channel, permanent refusals are recorded as final.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.notifier import ChannelNotifier
from bot.core.messages import Reply
from bot.core.notify import DeliveryFailed
from bot.db.models import OutboxMessage, utcnow
from bot.db.session import upsert_insert
from bot.privacy import mask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One message to put through the outbox."""

    key: str
    channel: str
    chat_id: str
    text: str


@dataclass
class Report:
    """What a broadcast achieved."""

    total: int = 0
    sent: int = 0
    already: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key -> reason


class Outbox:
    """Writes, paces and sends proactive messages."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        notifier: ChannelNotifier,
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
        self._per_chat: dict[tuple[str, str], AsyncLimiter] = {}

    async def broadcast(self, messages: list[Outgoing]) -> Report:
        """Send every message not sent before; return the counts."""
        report = Report(total=len(messages))
        if not messages:
            return report
        async with self._sessions() as session, session.begin():
            insert = await upsert_insert(session)
            await session.execute(
                insert(OutboxMessage)
                .values(
                    [
                        {
                            "key": m.key,
                            "channel": m.channel,
                            "chat_id": m.chat_id,
                            "text": m.text,
                            "status": "pending",
                            "error": "",
                            "created_at": utcnow(),
                        }
                        for m in messages
                    ]
                )  # fmt: skip
                .on_conflict_do_nothing(index_elements=[OutboxMessage.key])
            )
        async with self._sessions() as session:
            pending = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.key.in_([m.key for m in messages]),
                        OutboxMessage.status == "pending",
                    )
                )
            )
        report.already = len(messages) - len(pending)
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
                .values(status="sending")
            )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another broadcast took it
        error: str | None = None
        try:
            overall, per_chat = self._limiters(row.channel, row.chat_id)
            async with overall, per_chat:
                await self._notifier.deliver(
                    row.channel, row.chat_id, [Reply(row.text, tag=row.key)]
                )
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
