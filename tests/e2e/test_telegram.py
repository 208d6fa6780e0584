"""Users on Telegram, end to end: fake Bot API server, real aiogram, real Rasa, SQLite."""

from __future__ import annotations

import itertools

import pytest

from bot.core.texts import Texts
from tests.e2e.conftest import RunningBot, running_bot
from tests.fakes.telegram_server import FakeTelegram

chat_ids = itertools.count(5000)


def buttons(call_params: dict) -> list[str]:  # type: ignore[type-arg]
    markup = call_params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def ask(server: FakeTelegram, text: str, chat: int | None = None) -> tuple[int, str]:
    chat = chat or next(chat_ids)
    before = len(server.sent(chat))
    await server.send_text(chat, text)
    calls = await server.wait_for(chat, before + 1)
    return chat, calls[-1].params["text"]


async def test_start_greets_with_the_menu(running: RunningBot, texts: Texts) -> None:
    chat = next(chat_ids)
    await running.server.send_text(chat, "/start")
    (call,) = await running.server.wait_for(chat, 1)
    assert call.params["text"] == texts("courtesy.hello") + "\n" + texts("menu.greeting")
    assert buttons(call.params)[:2] == ["i:ask_visit_info", "i:book_visit"]
    assert "parse_mode" not in call.params  # plain text: user text can never inject markup


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("assalamualaikum min", "selamat datang"),
        ("min mau nanya kalo studi banding gmn", "Kunjungan berlangsung 1 sampai 3 hari"),
        ("brp biaya studi banding kak?", "Rincian biaya kunjungan"),
        ("syaratnya apa aja untuk kunjungan?", "Surat permohonan resmi"),
        ("ada proyektor untuk presentasi?", "kebutuhan selama kunjungan"),
        ("alamat kantor bmi dimana?", "Tangerang"),
        ("minta nomor wa panitia", "0856-9575-1994"),
        ("siapa pendiri koperasi bmi?", "Kamaruddin Batubara"),
        ("apa itu jawara?", "Jawara (Jaringan Warung Anggota)"),
        ("program pemberdayaan bmi apa saja?", "Berikut program pemberdayaan"),
        ("saya mau bicara dengan petugas", "Sehnuri"),
        ("kamu bot ya?", "asisten virtual"),
        ("terima kasih banyak", "Sama-sama"),
        ("dadah, sampai jumpa", "Sampai jumpa"),
        ("berapa harga emas hari ini?", "di luar layanan kami"),
        ("gabung KJ7Q2A9M", "kode undangan KJ7Q2A9M tidak kami temukan"),
        ("gabung KJ7Q2", "Kode KJ7Q2 adalah kode pendaftaran kunjungan"),  # a booking's code
        ("agenda hari ini apa?", "kode undangan dari koordinator"),
        # Found in the console: an organiser asking for the rundown was told only how
        # participants join.
        ("bisa minta rundown acara kunjungannya kak?", "Susunan acara lengkap kami kirimkan"),
        # … and "how long until it is confirmed?" (no booking yet) only that there was none.
        ("berapa lama biasanya dikonfirmasi setelah daftar?", "langsung masuk ke petugas"),
    ],
)
async def test_indonesian_questions_get_the_right_answer(
    running: RunningBot, message: str, expected: str
) -> None:
    _, reply = await ask(running.server, message)
    assert expected.lower() in reply.lower()


async def test_menu_button_is_answered_and_followed(running: RunningBot) -> None:
    chat = next(chat_ids)
    query = await running.server.press(chat, "i:ask_contact")
    (call,) = await running.server.wait_for(chat, 1)
    assert "Sehnuri" in call.params["text"]
    answered = running.server.sent(method="answerCallbackQuery")
    assert query in [c.params["callback_query_id"] for c in answered]


async def test_forged_callback_data_is_answered_and_refused(
    running: RunningBot, texts: Texts
) -> None:
    chat = next(chat_ids)
    query = await running.server.press(chat, "i:cancel_booking;DROP TABLE bookings")
    (call,) = await running.server.wait_for(chat, 1)
    assert call.params["text"] == texts("input.stale_button")
    assert query in [
        c.params["callback_query_id"] for c in running.server.sent(method="answerCallbackQuery")
    ]


async def test_two_misses_then_staff_offer(running: RunningBot, texts: Texts) -> None:
    chat, first = await ask(running.server, "yang itu loh")  # unclear, not off-topic
    assert first in {texts("fallback.clarify"), texts("fallback.clarify_menu")}
    _, second = await ask(running.server, "yang tadi bagaimana ya", chat)
    assert second == texts("fallback.offer_handoff")
    _, third = await ask(running.server, "iya", chat)
    assert "Sehnuri" in third


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                     "height": 1, "is_animated": False, "is_video": False}},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    ],
)  # fmt: skip
async def test_media_gets_a_clear_text_reply(
    running: RunningBot,
    texts: Texts,
    content: dict,  # type: ignore[type-arg]
) -> None:
    chat = next(chat_ids)
    await running.server.push({"message": running.server.message(chat, **content)})
    (call,) = await running.server.wait_for(chat, 1)
    if "sticker" in content:
        assert call.params["text"] == texts("input.media")
    else:  # a file, perhaps for staff: where to send it (no staff group here)
        assert "Sehnuri" in call.params["text"] and "belum bisa membukanya" in call.params["text"]


async def test_location_gets_a_reply(running: RunningBot, texts: Texts) -> None:
    chat = next(chat_ids)
    location = {"location": {"latitude": -6.17, "longitude": 106.63}}
    await running.server.push({"message": running.server.message(chat, **location)})
    (call,) = await running.server.wait_for(chat, 1)
    assert call.params["text"] == texts("input.location")


async def test_hostile_text_is_just_text(running: RunningBot) -> None:
    for message in ["'; DROP TABLE conversations; --", "<b>halo</b> *_[x](y)", "🙏🙏🙏👍"]:
        _, reply = await ask(running.server, message)
        assert reply
    _, reply = await ask(running.server, "halo")
    assert "selamat datang" in reply.lower()


async def test_five_thousand_characters_get_an_answer(running: RunningBot) -> None:
    _, reply = await ask(running.server, "Dengan hormat, " + "kami ingin belajar " * 280)
    assert reply


async def test_group_chatter_is_ignored_until_the_bot_is_addressed(running: RunningBot) -> None:
    group = -100777
    await running.server.send_text(group, "halo semua", user_id=11, chat_type="supergroup")
    await running.server.send_text(
        group, "@kunjungan_bmi_bot berapa biaya kunjungan?", user_id=11, chat_type="supergroup"
    )
    (call,) = await running.server.wait_for(group, 1)
    assert "biaya" in call.params["text"].lower()


async def test_malformed_and_unknown_updates_do_not_stop_the_bot(running: RunningBot) -> None:
    await running.server.push({"message": {"message_id": "not-a-number"}})
    await running.server.push({"edited_message": running.server.message(1, text="edit")})
    await running.server.push(
        {"channel_post": running.server.message(-1002, None, "channel", text="x")}
    )
    _, reply = await ask(running.server, "halo")
    assert "selamat datang" in reply.lower()
    assert running.server.sent(1) == []


async def test_send_survives_429_and_5xx(running: RunningBot) -> None:
    running.server.fail("sendMessage", 429, count=1, retry_after=1)
    _, reply = await ask(running.server, "halo")
    assert "selamat datang" in reply.lower()
    running.server.fail("sendMessage", 502, count=2)
    _, reply = await ask(running.server, "halo")
    assert "selamat datang" in reply.lower()


async def test_nlu_down_keeps_the_menu_working(settings, telegram: FakeTelegram) -> None:  # noqa: ANN001
    down = settings.model_copy(update={"rasa_url": "http://127.0.0.1:9"})
    async with running_bot(down, telegram) as running:
        _, reply = await ask(running.server, "berapa biaya kunjungannya?")
        assert "Rincian biaya" in reply
        chat = next(chat_ids)
        await running.server.press(chat, "i:ask_programs")
        (call,) = await running.server.wait_for(chat, 1)
        assert "program pemberdayaan" in call.params["text"]


async def test_conversation_state_survives_a_restart(settings, telegram: FakeTelegram) -> None:  # noqa: ANN001
    chat = next(chat_ids)
    async with running_bot(settings, telegram) as running:
        await ask(running.server, "xkcd qwpo zzvb", chat)
    async with running_bot(settings, telegram) as running:
        _, reply = await ask(running.server, "blorp fnord quux", chat)
    assert "petugas" in reply
