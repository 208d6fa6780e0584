"""What the engine knows of a conversation flow.

The engine holds a registry of flows (an ordered sequence) and never a flow's name, step or
payload: each flow says which intents it answers and whether an event belongs to it. A new
flow is a new module implementing `Flow`, plus one line where the app lists its flows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol

from bot.core.handoff import Escalation
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space
from bot.core.state import ConversationState

# `state.step` outside any flow while a booking is offered ("Mau sekalian kami bantu
# daftarkan?", "… masih tersedia. Ingin langsung mendaftar?"): "iya" or "oke" takes it.
OFFER_BOOKING = "offer_booking"

Handler = Callable[[Incoming, NluResult | None, str, ConversationState], Awaitable[list[Reply]]]


class Flow(Protocol):
    """A conversation of several steps (a booking, joining a visit…)."""

    names: frozenset[str]  # the `state.flow` values of its conversations in progress
    spaces: frozenset[Space]  # the button payload namespaces it answers

    def intents(self) -> Mapping[str, Handler]:
        """The intents this flow answers, each with its handler."""
        ...

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The replies to a message this flow knows by its words alone ("gabung KODE"),
        before any NLU call; None otherwise."""
        ...

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The replies when the event belongs to this flow: its conversation in progress
        (`state.flow` in `names`: only this flow is asked), or, when no conversation is in
        progress, one of its buttons or steps; None when it does not."""
        ...


class Relay(Protocol):
    """The handoff to staff: while it is active the bot relays and stays quiet."""

    async def active(self, event: Incoming) -> Escalation | None: ...

    async def relay(self, event: Incoming, escalation: Escalation, text: str) -> list[Reply]: ...

    async def start(self, event: Incoming, files: Sequence[Mapping[str, str]] = ()) -> list[Reply]:
        """Open a handoff; `files`, what the user sent before that staff should have."""
        ...


class StaffRoom(Protocol):
    """Everything said in the staff group."""

    async def handle(self, event: Incoming, state: ConversationState) -> list[Reply]: ...
