"""Chats handed to staff: the records and the service protocol (the flow is flows/handoff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class HandoffStatus(StrEnum):
    """bot -> waiting for staff -> with staff -> closed (back to the bot)."""

    WAITING = "waiting"
    WITH_STAFF = "with_staff"
    CLOSED = "closed"


OPEN_STATUSES = (HandoffStatus.WAITING, HandoffStatus.WITH_STAFF)  # the chat is not the bot's


@dataclass(frozen=True)
class Escalation:
    """One handoff; `id` is the number staff use ("#7")."""

    id: int
    channel: str
    chat_id: str
    user_name: str
    status: HandoffStatus
    assigned_to: str | None = None
    topic: str | None = None  # its forum topic in the staff group, if the group has topics


class Escalations(Protocol):
    """Where handoffs are kept: the one source of truth for "is this chat with staff?"."""

    async def open(self, channel: str, chat_id: str, user_name: str) -> tuple[Escalation, bool]:
        """The chat's open handoff, or a new one; True when it was just created."""
        ...

    async def active(self, channel: str, chat_id: str) -> Escalation | None:
        """The chat's open handoff, if any."""
        ...

    async def get(self, escalation_id: int) -> Escalation | None:
        """A handoff by number."""
        ...

    async def in_topic(self, topic: str) -> Escalation | None:
        """The open handoff whose forum topic this is."""
        ...

    async def set_topic(self, escalation_id: int, topic: str) -> None:
        """Remember the handoff's forum topic."""
        ...

    async def posted(
        self, escalation_id: int, channel: str, chat_id: str, message_ids: list[str]
    ) -> None:
        """Remember messages the bot posted in the staff group about this handoff."""
        ...

    async def by_post(self, channel: str, chat_id: str, message_id: str) -> Escalation | None:
        """The handoff a message the bot posted in the staff group was about, if it was."""
        ...

    async def take(self, escalation_id: int, staff_name: str) -> Escalation | None:
        """Assign an open handoff to a staff member (status: with staff)."""
        ...

    async def close(self, escalation_id: int) -> Escalation | None:
        """Close an open handoff; None when it was not open."""
        ...

    async def touch(self, escalation_id: int, *, by_staff: bool) -> None:
        """Record a message in the handoff (from the user, or an answer from staff)."""
        ...

    async def idle_since(self, cutoff: datetime) -> list[Escalation]:
        """Open handoffs with no message since `cutoff`."""
        ...

    async def unanswered_since(self, cutoff: datetime, now: datetime) -> list[Escalation]:
        """Handoffs still waiting for staff, opened (or last re-pinged) before `cutoff`;
        marks them pinged at `now`."""
        ...
