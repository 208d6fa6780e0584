"""The transcript on SQLite and PostgreSQL, and the engine writing to it."""

from __future__ import annotations

from bot.core.answers import Answers
from bot.core.engine import Engine
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Kind
from bot.core.nlu import NluResult
from bot.core.texts import Texts
from bot.db.migrate import upgrade
from bot.db.session import create_engine
from bot.db.state_store import SqlStateStore
from bot.db.transcript import SqlTranscript
from tests.fakes.nlu import RecordedNlu


async def test_recent_lines_oldest_first(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        transcript = SqlTranscript(engine)
        for n in range(12):
            await transcript.record("telegram", "1", "in" if n % 2 else "out", [f"pesan {n} 🙏"])
        await transcript.record("telegram", "2", "in", ["lain"])
        recent = await transcript.recent("telegram", "1")
        assert [text for _, text in recent] == [f"pesan {n} 🙏" for n in range(2, 12)]
        assert recent[-1][0] == "in"
    finally:
        await engine.dispose()


async def test_the_engine_records_both_ways_even_when_handling_fails(
    database_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    await upgrade(database_url)
    database = create_engine(database_url)

    class BrokenNlu(RecordedNlu):
        async def parse(self, text: str) -> NluResult:
            raise RuntimeError("a bug")

    nlu = RecordedNlu()
    nlu.add("halo", "greet")
    await Engine(nlu, SqlStateStore(database), answers, texts, keywords).handle(
        Incoming("telegram", "9", "9", Kind.TEXT, text="halo")
    )
    await Engine(BrokenNlu(), SqlStateStore(database), answers, texts, keywords).handle(
        Incoming("telegram", "9", "9", Kind.TEXT, text="berapa biayanya?")
    )
    lines = await SqlTranscript(database).recent("telegram", "9")
    await database.dispose()
    assert lines[0] == ("in", "halo")
    assert lines[1][0] == "out"
    assert texts("menu.greeting") in lines[1][1]
    assert lines[2:] == [("in", "berapa biayanya?")]  # kept although handling it failed
