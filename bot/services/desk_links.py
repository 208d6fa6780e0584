"""Single-use login links to the staff desk: issued by the bot on `/desk`, redeemed once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import DeskLink

LINK_VALID = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DeskLinks:
    """Issue and redeem login links; a token works once, within LINK_VALID."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._now = now

    async def issue(self, user_id: str, user_name: str) -> str:
        """A new token for this staff member (expired links are swept on the way)."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        async with self._sessions.begin() as session:
            await session.execute(delete(DeskLink).where(DeskLink.expires_at < now))
            session.add(
                DeskLink(
                    token_hash=_hash(token), user_id=user_id, user_name=user_name[:120],
                    created_at=now, expires_at=now + LINK_VALID,
                )
            )  # fmt: skip
        return token

    async def redeem(self, token: str) -> tuple[str, str] | None:
        """(user id, name) when the token is valid, marking it used in the same conditional
        UPDATE, so two tabs racing with one link open one session; None otherwise."""
        now = self._now()
        async with self._sessions.begin() as session:
            used = await session.execute(
                update(DeskLink)
                .where(
                    DeskLink.token_hash == _hash(token),
                    DeskLink.used_at.is_(None),
                    DeskLink.expires_at > now,
                )
                .values(used_at=now)
                .returning(DeskLink.user_id, DeskLink.user_name)
            )
            row = used.first()
        return (row.user_id, row.user_name) if row else None

    async def valid(self, token: str) -> bool:
        """Whether the token could still be redeemed (for the confirmation page)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(DeskLink.token_hash).where(
                    DeskLink.token_hash == _hash(token),
                    DeskLink.used_at.is_(None),
                    DeskLink.expires_at > self._now(),
                )
            )
        return found is not None
