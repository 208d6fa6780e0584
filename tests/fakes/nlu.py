"""A recorded NLU client for core unit tests: answers from a table, or is down on demand."""

from __future__ import annotations

from bot.core.nlu import Entity, NluResult, NluUnavailable


class RecordedNlu:
    """Returns the result recorded for a text; unknown texts are `nlu_fallback`."""

    def __init__(self, table: dict[str, NluResult] | None = None) -> None:
        self.table = dict(table or {})
        self.down = False
        self.calls: list[str] = []

    def add(self, text: str, intent: str, confidence: float = 0.95, **entities: str | int) -> None:
        """Record the reading of `text`."""
        found = tuple(
            Entity(name=name, value=value, text=str(value), start=0, end=0)
            for name, value in entities.items()
        )
        self.table[text] = NluResult(intent, confidence, found, ((intent, confidence),))

    async def parse(self, text: str) -> NluResult:
        self.calls.append(text)
        if self.down:
            raise NluUnavailable("recorded NLU is down")
        return self.table.get(
            text,
            NluResult(
                "nlu_fallback",
                0.45,
                ranking=(("nlu_fallback", 0.45), ("ask_visit_cost", 0.3), ("ask_contact", 0.2)),
            ),
        )


def tagged_at(text: str, name: str) -> Entity:
    """An organisation where the tagger found it in `text`, with offsets, as Rasa gives it."""
    start = text.index(name)
    return Entity("organization", name, name, start, start + len(name))
