"""Per-conversation state, kept in SQL by the channels' store so it survives restarts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

_READ = "staffed"  # the field read with the state, never stored


@dataclass
class ConversationState:
    """Where a conversation stands. Must stay JSON-serialisable: it is stored as JSON."""

    flow: str | None = None
    step: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    misses: int = 0
    last_intents: list[str] = field(default_factory=list)
    # A form put aside (the booking's slots and step) while the user asked something else.
    paused: dict[str, Any] = field(default_factory=dict)
    # What the user said of their visit before asking to book ("sy dari dinkop kab solok",
    # "rencana bulan Maret"): the booking form starts from it instead of asking again.
    heard: dict[str, Any] = field(default_factory=dict)
    # The last message and the replies it got (CRCs of their texts): the same answer asked
    # for again at once in other words is not pasted a second time (console: "kunjungan ke
    # warung anggota berapa lama?", which the sources cannot answer, got the visit's whole
    # description twice; "kami koperasi kecil, boleh ga?" the requirements just given beside
    # another answer); the same words again (or the same update handled again after a
    # process died) get it whole.
    answered: list[int] = field(default_factory=list)
    # What the user sent that the bot cannot read (a photo of their letter, a payment's
    # proof, a voice note: media id, type, caption), newest last: passed to staff with the
    # chat when it goes to them.
    files: list[dict[str, str]] = field(default_factory=list)
    # Not stored: whether staff may have the chat (a handoff open), as the store found it
    # when it read the state; False only when it knows there is none, so that the handoff is
    # not looked up on every message (a third of a message's CPU).
    staffed: bool = field(default=True, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The stored form: the fields themselves, serialised as they are written (no deep
        copy, as `dataclasses.asdict` makes, on every message's path)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != _READ}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        """Rebuild from the stored form, ignoring keys an older version wrote."""
        if not data:
            return cls()
        known = {
            name: data[name] for name in cls.__dataclass_fields__ if name in data and name != _READ
        }
        return cls(**known)

    def remember_intent(self, intent: str, keep: int = 5) -> None:
        """Keep the last few intents, newest last."""
        self.last_intents = [*self.last_intents, intent][-keep:]


class StateStore(Protocol):
    """A conversation's record, by (channel, chat): what was said both ways, and its state.

    Receiving a message and reading the state are one call (one SQL statement) because every
    message needs both, in that order; `bench/message_path.py` measured the round trip."""

    async def receive(
        self, channel: str, chat_id: str, received: str, *, handoffs_of: str | None = None
    ) -> ConversationState:
        """Append `received`, what the user sent, to the transcript (kept even when handling
        it then fails), and return the conversation's state (or a fresh one); `staffed`
        says whether chat `handoffs_of` (by default `chat_id`) may have a handoff open."""
        ...

    async def save(
        self, channel: str, chat_id: str, state: ConversationState, sent: Sequence[str]
    ) -> None:
        """Store the state and append `sent`, the replies, to the transcript, together."""
        ...


class Transcript(Protocol):
    """Every message both ways, kept for staff (handoff summaries) and for the record."""

    async def record(self, channel: str, chat_id: str, direction: str, texts: list[str]) -> None:
        """Append lines; `direction` is "in" (from the user) or "out" (to the user)."""
        ...

    async def recent(self, channel: str, chat_id: str, limit: int = 10) -> list[tuple[str, str]]:
        """The last `limit` lines, oldest first, as (direction, text)."""
        ...
