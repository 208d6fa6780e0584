"""Property-based fuzzing (hypothesis), 5,000+ cases in all: whatever users send — any text,
button payload, media, location, on Telegram or as a WhatsApp payload — and whatever the NLU
makes of it, nothing raises and every user gets an answer."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram.adapter import TelegramOutput, create_bot, create_dispatcher
from bot.channels.telegram.pacing import TelegramPace
from bot.channels.whatsapp.webhook import parse
from bot.core.messages import Incoming, Kind
from bot.core.nlu import Entity, NluResult, NluUnavailable
from tests.core.test_booking_flow import World, world  # noqa: F401 - the fixture
from tests.fakes import whatsapp_server as meta
from tests.fakes.telegram_server import FakeTelegram

INTENTS = [
    "greet", "goodbye", "thank", "affirm", "deny", "ask_visit_info", "ask_visit_cost",
    "ask_visit_requirements", "ask_availability", "book_visit", "check_booking",
    "reschedule_booking", "cancel_booking", "join_visit", "ask_agenda", "ask_programs",
    "ask_contact", "ask_location", "ask_facilities", "ask_about_bmi", "human_handoff",
    "bot_challenge", "out_of_scope", "nlu_fallback",
]  # fmt: skip
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
chats = itertools.count(1)

# Text users might type: any unicode, Indonesian booking words, SQL, emoji, very long lines.
texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "kirim",
            "batal",
            "menu",
            "iya",
            "tidak",
            "2 hari",
            "27 orang",
            "13 Juni",
            "gabung ABC12",
            "'; DROP TABLE bookings; --",
            "🙏🏽👍",
            "kembali ke bot",
            "/start",
            "/start x" * 10,
            "cek KJ7Q2",
            "berhenti",
            "agenda besok",
        ]
    ),  # fmt: skip
    st.text(alphabet="ab \n🙏", min_size=4000, max_size=5000),
)
entity_values = st.one_of(st.text(max_size=40), st.integers(-(10**9), 10**9))
entities = st.lists(
    st.builds(
        lambda name, value: Entity(name, value, str(value), 0, len(str(value))),
        st.sampled_from(["participants", "code", "program", "date", "organization"]),
        entity_values,
    ),
    max_size=3,
)
readings = st.one_of(
    st.none(),  # the NLU server is down
    st.builds(
        lambda intent, confidence, found: NluResult(intent, confidence, tuple(found)),
        st.sampled_from(INTENTS),
        st.floats(0, 1),
        entities,
    ),
)
payloads = st.one_of(
    st.sampled_from(
        [
            "m",
            "i:book_visit",
            "i:human_handoff",
            "p:jawara",
            "bn:1",
            "bs:send",
            "sa:ABCDE",
            "sd:ABCDE",
            "hb",
            "i:nonsense",
            "x" * 64,
        ]
    ),  # fmt: skip
    st.text(min_size=1, max_size=20).filter(lambda p: 0 < len(p.encode()) <= 64),
)


@st.composite
def events(draw: st.DrawFn) -> tuple[Kind, dict[str, Any]]:
    kind = draw(st.sampled_from(list(Kind)))
    fields: dict[str, Any] = {}
    if kind in (Kind.TEXT, Kind.START):
        fields["text"] = draw(texts)
    if kind in (Kind.BUTTON, Kind.START):
        fields["payload"] = draw(st.one_of(st.none(), payloads))
    if kind is Kind.LOCATION:
        fields["latitude"] = draw(st.floats(allow_nan=True))
        fields["longitude"] = draw(st.floats(allow_nan=True))
    if kind is Kind.CONTACT:
        fields["phone"] = draw(st.one_of(st.none(), st.text(max_size=20)))
    if kind is Kind.MEDIA:
        fields["media_type"] = draw(st.sampled_from(["sticker", "voice", "photo", "video", None]))
    return kind, fields


class ScriptedNlu:
    """Answers each parse with the next drawn reading (None = the server is down)."""

    def __init__(self, script: list[NluResult | None]) -> None:
        self.script = list(script)

    async def parse(self, text: str) -> NluResult:
        reading = self.script.pop(0) if self.script else None
        if reading is None:
            raise NluUnavailable("fuzz: down")
        return reading


@settings(FUZZ, max_examples=2000)
@given(conversation=st.lists(st.tuples(events(), readings), min_size=1, max_size=6))
async def test_the_engine_answers_every_event(
    world: World,  # noqa: F811 - the imported fixture
    conversation: list[tuple[tuple[Kind, dict[str, Any]], NluResult | None]],
) -> None:
    chat = f"fuzz{next(chats)}"
    world.engine._nlu = ScriptedNlu([reading for _, reading in conversation])  # type: ignore[attr-defined]
    for (kind, fields), _ in conversation:
        event = Incoming("telegram", chat, chat, kind, user_name="Fuzz", **fields)
        replies = await world.engine.handle(event)
        assert replies, f"no answer to {event!r}"
        assert all(reply.text.strip() or reply.document for reply in replies)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
message_keys = st.sampled_from(["from", "id", "timestamp", "type", "text", "interactive",
                                "location", "contacts", "image", "button"])  # fmt: skip


@settings(FUZZ, max_examples=2000)
@given(
    payload=st.one_of(
        json_values,
        st.builds(
            meta.envelope,
            st.dictionaries(
                st.sampled_from(["messages", "statuses", "contacts"]),
                st.lists(st.dictionaries(message_keys, json_values, max_size=6), max_size=3),
            ),
        ),
        st.builds(meta.text, st.from_regex(r"\A62[0-9]{9,12}\Z"), texts),
    )
)
def test_any_whatsapp_payload_parses_without_raising(payload: Any) -> None:
    messages, statuses = parse(json.loads(json.dumps(payload, default=str)))
    for message in messages:
        assert message.event.channel == "whatsapp" and message.event.chat_id.isdigit()


@pytest.fixture
async def telegram_bot(
    world: World,  # noqa: F811
) -> AsyncIterator[tuple[FakeTelegram, Bot, Dispatcher]]:
    server = await FakeTelegram().start()
    bot = create_bot(server.token, server.base_url)
    world.engine._nlu = ScriptedNlu([])  # type: ignore[attr-defined]  # down: keywords and menus
    try:
        yield server, bot, create_dispatcher(world.engine, TelegramOutput(bot, TelegramPace()))
    finally:
        await bot.session.close()
        await server.stop()


def telegram_message(server: FakeTelegram, chat: int, content: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": chat, "message": server.message(chat, **content)}


telegram_contents = st.one_of(
    st.builds(lambda t: {"text": t}, texts.filter(lambda t: t != "")),
    st.builds(
        lambda t: {
            "caption": t,
            "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
        },
        st.text(max_size=50),
    ),  # fmt: skip
    st.just(
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    ),  # fmt: skip
    st.just({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}),
    st.builds(
        lambda lat, lon: {"location": {"latitude": lat, "longitude": lon}},
        st.floats(-90, 90),
        st.floats(-180, 180),
    ),
    st.builds(
        lambda phone: {"contact": {"phone_number": phone, "first_name": "A"}},
        st.text(min_size=1, max_size=20),
    ),
)


@settings(FUZZ, max_examples=1000)
@given(content=telegram_contents)
async def test_every_telegram_message_gets_an_answer(
    telegram_bot: tuple[FakeTelegram, Bot, Dispatcher], content: dict[str, Any]
) -> None:
    server, bot, dispatcher = telegram_bot
    chat = 500_000 + next(chats)
    await dispatcher.feed_raw_update(bot, telegram_message(server, chat, content))
    assert server.sent(chat), f"no answer to {content!r}"
