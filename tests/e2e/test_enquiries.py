"""What delegations really ask, written as they write it, through the fake Telegram server and
the real Rasa model: letters for travel orders, receipts, lodging, getting there, halal meals
and prayer (and other meals), clothing, materials, certificates, online visits, shopping,
their own bus; and a student alone asking to do research."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from itertools import count

import pytest

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.core.texts import Texts
from bot.holidays import closed_days
from tests.e2e.conftest import RunningBot, running_bot
from tests.e2e.test_booking import reply_to
from tests.e2e.test_telegram import buttons
from tests.fakes.telegram_server import FakeTelegram

chats = count(7100)


@pytest.fixture
async def bot(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    async with running_bot(settings, telegram) as running:
        yield running


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("bu, surat permohonan kami ditujukan kepada siapa? sekalian perlu undangan utk sppd",
         "letters"),
        ("bendahara minta kwitansi buat spj, bisa kak?", "receipts"),
        ("rombongan kami nginep 2 malam, ada hotel dekat bmi?", "lodging"),
        ("kami landing di soekarno hatta, lanjut ke bmi naik apa ya?", "transport"),
        ("konsumsinya halal kan bu? peserta kami muslim semua", "halal_prayer"),
        ("peserta pakai batik atau seragam dinas kak?", "dress_code"),
        ("slide pemaparannya nanti bisa kami minta?", "materials"),
        ("apakah peserta mendapat sertifikat kunjungan?", "certificate"),
        ("kami di maluku, bisa studi banding lewat zoom saja?", "online_visit"),
        ("ibu2 mau belanja produk anggota di warung, bisa?", "shopping"),
        ("kami datang bawa 2 bus sendiri, parkirnya dimana?", "own_bus"),
        # A student alone (found in the console, UNTIRTA): it got BMI's profile.
        ("sy mahasiswi semester 7 mau penelitian skripsi ttg koperasi syariah di bmi, bisa?",
         "research"),
        ("katong ada peserta yang non muslim, makannya bagaimana?", "diet"),
    ],
)  # fmt: skip
async def test_each_enquiry_gets_its_answer_and_unset_facts_go_to_staff(
    bot: RunningBot, knowledge: Knowledge, message: str, topic: str
) -> None:
    replies = await reply_to(bot.server, next(chats), message)
    entry = getattr(knowledge.visit, topic)
    assert len(replies) == 1 and replies[0].startswith(entry.text.strip())
    assert knowledge.contacts[0].phone in replies[0]  # staff confirm what the operator has not set


async def test_cost_and_the_letters_addressee_in_one_line_get_both_answers(
    bot: RunningBot, knowledge: Knowledge
) -> None:
    replies = await reply_to(
        bot.server, next(chats), "berapa biayanya, dan suratnya ditujukan ke siapa?"
    )
    assert replies[0].startswith(knowledge.visit.cost.text.strip())
    assert replies[1].startswith(knowledge.visit.letters.text.strip())


async def test_an_opening_line_in_everyday_abbreviations_is_never_asked_again(
    bot: RunningBot, texts: Texts
) -> None:
    """ "dinkop kab solok" is Dinas Koperasi Kabupaten Solok from Sumatera Barat, and a month
    is a range to choose in: the next question is neither the name nor the origin."""
    replies = await reply_to(
        bot.server, next(chats), "assalamualaikum, kami dinkop kab solok mau studi banding 27 org"
    )
    assert replies[0].startswith("Wa'alaikumsalam")
    asked = replies[-1]
    assert asked not in {texts("booking.ask.org_name"), texts("booking.ask.origin")}
    assert "tanggal" in asked.lower()


async def test_setelah_lebaran_offers_days_after_the_real_idul_fitri(
    bot: RunningBot, settings: Settings, texts: Texts
) -> None:
    chat = next(chats)
    replies = await reply_to(
        bot.server, chat, "kami dinkop kab solok mau studi banding 27 orang setelah lebaran"
    )
    assert "tanggal" in replies[-1].lower()
    today = datetime.now(settings.tz).date()
    feast = min(
        day for day, name in closed_days(settings.holidays_file).items()
        if name.startswith("Idulfitri") and day >= today
    )  # fmt: skip
    offered = [
        date.fromisoformat(payload.removeprefix("bd:"))
        for payload in buttons(bot.server.sent(chat)[-1].params)
        if payload.startswith("bd:")
    ]
    assert offered and all(feast < day <= feast + timedelta(days=32) for day in offered)
