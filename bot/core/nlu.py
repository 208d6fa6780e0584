"""The NLU contract seen from the core: a parse result and a client protocol.

Intent and entity names are the ones in `domain.yml`; `nlu_fallback` is Rasa's
FallbackClassifier verdict for low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

FALLBACK = "nlu_fallback"


class NluUnavailable(Exception):
    """The NLU server could not be reached or gave an unusable answer."""


@dataclass(frozen=True)
class Entity:
    """One extracted entity; `value` is normalised (ISO date, int, canonical program id)."""

    name: str
    value: str | int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class NluResult:
    """Rasa's reading of one message."""

    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()

    def entity(self, name: str) -> Entity | None:
        """The first entity of that type, if any."""
        return next((e for e in self.entities if e.name == name), None)


class NluClient(Protocol):
    """Anything that reads a message: the Rasa HTTP client, a recorded client in tests."""

    async def parse(self, text: str) -> NluResult:
        """Classify `text`; raise `NluUnavailable` when that cannot be done now."""
        ...
