"""The NLU contract seen from the core: a parse result and a client protocol.

Intent and entity names are the ones in `domain.yml`; `nlu_fallback` is Rasa's
FallbackClassifier verdict for low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

FALLBACK = "nlu_fallback"
OFF_TOPIC = "out_of_scope"
# Rasa's fallback threshold is low (config.yml), so a question worded unlike the training
# data is still answered; what remains unclear shows here instead: keyboard mash and vague
# lines ("yang tadi bagaimana ya") read as off-topic with little confidence, real off-topic
# questions ("tips diet sehat") with more.
SURE_OFF_TOPIC = 0.3
# A reading this sure is what the message means, wherever it comes (a question mid-form, a
# clause of a long letter).
SURE = 0.8
# A message that plainly asks ("Mohon informasi biaya" of a letter reads 0.74, "berapa
# biayanya kak?" mid-form less): a reading this sure is the question it asks.
LIKELY = 0.6


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

    @property
    def unclear(self) -> bool:
        """Not understood: Rasa's fallback, or "off-topic" said without conviction."""
        return self.intent == FALLBACK or (
            self.intent == OFF_TOPIC and self.confidence < SURE_OFF_TOPIC
        )

    def entity(self, name: str) -> Entity | None:
        """The first entity of that type, if any."""
        return next((e for e in self.entities if e.name == name), None)


class NluClient(Protocol):
    """Anything that reads a message: the Rasa HTTP client, a recorded client in tests."""

    async def parse(self, text: str) -> NluResult:
        """Classify `text`; raise `NluUnavailable` when that cannot be done now."""
        ...
