"""Every message key the code uses exists; the core stays free of channel and DB libraries."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.config import ROOT
from bot.core.engine import BUTTON_INTENTS
from bot.core.texts import Texts

KEY_CALL = re.compile(r"""_t\(\s*f?["']([a-z_.{}]+)["']""")


def test_every_literal_message_key_is_defined(texts: Texts) -> None:
    used = {
        key
        for path in (ROOT / "bot").rglob("*.py")
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8"))
        if "{" not in key
    }
    assert used, "the scan found no keys: the pattern is broken"
    assert used - texts.keys() == set()


def test_every_intent_a_button_can_name_has_a_topic_title(texts: Texts) -> None:
    assert {f"topic.{intent}" for intent in BUTTON_INTENTS} <= texts.keys()


def test_button_titles_fit_whatsapp_lists(texts: Texts) -> None:
    titles = [texts(key) for key in sorted(texts.keys()) if key.startswith(("topic.", "button."))]
    assert len(titles) > 10
    assert all(len(title) <= 24 for title in titles), [t for t in titles if len(t) > 24]


def test_core_imports_no_channel_or_database_library() -> None:
    code = (
        "import sys, bot.core.engine, bot.core.answers, bot.core.knowledge;"
        "banned = {'aiogram', 'aiohttp', 'sqlalchemy'};"
        "bad = [m for m in sys.modules if m.split('.')[0] in banned];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("message", "key", "says"),
    [
        ("nanti dulu", "words.booking.pause", True),
        ("Nanti dulu ya Bu 🙏", "words.booking.pause", True),
        ("batal deh.", "words.booking.leave", True),
        ("eh ga jadi deh pak", "words.booking.leave", True),  # console: "tanggalnya belum …"
        ("eh", "words.booking.leave", False),
        ("tidak ada, kak", "words.booking.no_notes", True),
        ("-", "words.booking.no_notes", True),
        ("ya", "words.booking.send", True),
        ("nanti dulu saya tanya ketua", "words.booking.pause", False),
        ("Kopwan Nanti", "words.booking.pause", False),
    ],
)
def test_a_short_reply_says_a_phrase_with_courtesy_words_around_it(
    texts: Texts, message: str, key: str, says: bool
) -> None:
    assert texts.says(message, key) is says
