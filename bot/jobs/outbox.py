"""Proactive messages through the outbox: each (kind, visit, day, chat) is sent at most once.

Rows are written first (a unique key makes a second broadcast a no-op), each is marked
`sending` and committed before the API call, then `sent` or `failed`. After a crash, rows left
in `sending` are not retried, so a participant never gets the same agenda twice. Sends are
paced by a global rate and a per-chat rate (Telegram: ~30 msg/s overall, 1 msg/s per chat);
429, network and 5xx errors are retried by the channel, 403 (blocked) is recorded as final.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.notifier import ChannelNotifier
from bot.core.messages import Reply
from bot.core.notify import DeliveryFailed
from bot.db.models import OutboxMessage, utcnow
from bot.db.session import upsert_insert

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
    ) -> None:
        self._sessions = sessions
        self._notifier = notifier
        self._overall = AsyncLimiter(1, 1 / per_second)  # smooth pacing, no initial burst
        self._per_chat: defaultdict[tuple[str, str], AsyncLimiter] = defaultdict(
            lambda: AsyncLimiter(1, per_chat_seconds)
        )

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
            async with self._overall, self._per_chat[(row.channel, row.chat_id)]:
                await self._notifier.deliver(row.channel, row.chat_id, [Reply(row.text)])
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
            log.warning("outbox %s failed: %s", row.key, error)
        return error
