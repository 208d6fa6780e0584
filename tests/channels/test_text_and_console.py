"""Message splitting and the console channel."""

from __future__ import annotations

import io

import pytest

from bot.channels.console import ConsoleChannel
from bot.channels.text import split_text
from bot.core.answers import Answers
from bot.core.engine import Engine
from bot.core.keywords import KeywordMatcher
from bot.core.texts import Texts
from tests.fakes.nlu import RecordedNlu
from tests.fakes.store import JsonMemoryStore


@pytest.mark.parametrize("length", [1, 4096, 4097, 10_000, 20_001])
def test_split_keeps_every_character_within_the_limit(length: int) -> None:
    text = ("Kalimat pertama yang cukup panjang. " * 800)[:length].strip() or "x"
    pieces = split_text(text, 4096)
    assert all(0 < len(piece) <= 4096 for piece in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_split_prefers_paragraph_ends() -> None:
    pieces = split_text("a" * 3000 + "\n\n" + "b" * 3000, 4096)
    assert pieces == ["a" * 3000, "b" * 3000]


def test_split_cuts_a_word_longer_than_the_limit() -> None:
    assert [len(p) for p in split_text("x" * 9000, 4096)] == [4096, 4096, 808]


async def test_console_numbers_buttons_and_presses_them(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    engine = Engine(RecordedNlu(), JsonMemoryStore(), answers, texts, keywords)
    stdout = io.StringIO()
    await ConsoleChannel(engine, io.StringIO("4\n99\n"), stdout).run()
    shown = stdout.getvalue()
    assert "1. Info kunjungan" in shown
    assert "Sehnuri" in shown  # 4 = Kontak
    assert shown.count("BMI:") == 3  # greeting, contact, "99" is text -> clarification
