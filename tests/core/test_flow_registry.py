"""The engine finds flows through its registry: it imports none of them, and a new flow is a
class implementing `Flow` plus one entry in the sequence the app passes."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.engine import Engine
from bot.core.flow import Handler
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space
from bot.core.state import ConversationState
from bot.core.texts import Texts
from tests.fakes.nlu import RecordedNlu
from tests.fakes.store import JsonMemoryStore


class Survey:
    """A two-step flow written only for this test: a question, then its answer."""

    names = frozenset({"survey"})
    spaces: frozenset[Space] = frozenset()

    def intents(self) -> Mapping[str, Handler]:
        return {"bot_challenge": self.ask}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        return [Reply("survey closed")] if text == "tutup survei" else None

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        if state.flow not in self.names:
            return None
        state.flow = None
        return [Reply(f"thanks for: {text}")]

    async def ask(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        state.flow = "survey"
        return [Reply("how did we do?")]


async def test_a_new_flow_is_one_entry_in_the_registry(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    nlu = RecordedNlu()
    nlu.add("kamu bot?", "bot_challenge")
    nlu.add("bagus sekali", "affirm")
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, flows=(Survey(),))

    async def say(text: str) -> str:
        (reply,) = await engine.handle(Incoming("telegram", "u1", "u1", text=text))
        return reply.text

    assert await say("kamu bot?") == "how did we do?"
    assert await say("bagus sekali") == "thanks for: bagus sekali"  # not the affirm answer
    assert await say("tutup survei") == "survey closed"
    assert len(nlu.calls) == 2  # a message the flow knows by its words needs no NLU


def test_the_engine_imports_no_flow() -> None:
    tree = ast.parse((ROOT / "bot" / "core" / "engine.py").read_text(encoding="utf-8"))
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    assert [m for m in imported if m.startswith("bot.core.flows")] == []
