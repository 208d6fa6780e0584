"""Staff handoff end to end: users on Telegram, staff in their group, real Rasa, SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from tests.e2e.conftest import RunningBot, coop_tlm, running_bot
from tests.e2e.test_booking import visit_day
from tests.fakes.telegram_server import Call, FakeTelegram

STAFF_GROUP, STAFF, OUTSIDER = -100555, 77, 79
BUDI, SARI = 7001, 7002


@pytest.fixture
def staffed_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"staff_chat_id": STAFF_GROUP, "staff_user_ids": [STAFF]})


@pytest.fixture
async def staffed(staffed_settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    async with running_bot(staffed_settings, telegram) as bot:
        yield bot


async def escalate(server: FakeTelegram, chat: int, staff_messages: int) -> str:
    """The user asks for a person; returns the staff header."""
    await server.send_text(chat, "berapa biaya studi banding?")
    await server.wait_for(chat, 1)
    await server.send_text(chat, "saya mau bicara dengan petugas")
    await server.wait_for(chat, 2)
    assert "teruskan ke petugas" in server.texts(chat)[-1]
    return (await server.wait_for(STAFF_GROUP, staff_messages))[-1].params["text"]


def staff_reply(server: FakeTelegram, text: str, replied: Call, user: int = STAFF) -> dict:  # type: ignore[type-arg]
    """A staff member's message written as a reply to `replied`, a message the bot sent."""
    message = server.message(STAFF_GROUP, user, "supergroup", text=text)
    message["reply_to_message"] = {
        **replied.result,
        "chat": server.chat(STAFF_GROUP, "supergroup"),
        "from": {"id": 4242, "is_bot": True, "first_name": "Bot"},
    }
    return {"message": message}


async def test_two_users_escalated_staff_answers_reach_the_right_one(staffed: RunningBot) -> None:
    server = staffed.server
    header_budi = await escalate(server, BUDI, 1)
    header_sari = await escalate(server, SARI, 2)
    assert "berapa biaya studi banding?" in header_budi  # the transcript comes with it
    budi_ticket = header_budi.split()[1]  # "#1"
    sari_ticket = header_sari.split()[1]
    assert budi_ticket != sari_ticket

    await server.send_text(BUDI, "bisa diskon untuk 40 orang?")
    relayed_post = (await server.wait_for(STAFF_GROUP, 3))[-1]
    relayed = relayed_post.params["text"]
    assert relayed.startswith(f"{budi_ticket} ")
    assert "bisa diskon untuk 40 orang?" in relayed
    assert len(server.texts(BUDI)) == 2  # the bot stays quiet while staff have the chat

    await server.push(staff_reply(server, "Bisa, Pak. Saya kirim rinciannya.", relayed_post))
    (answer,) = (await server.wait_for(BUDI, 3))[2:]
    assert answer.params["text"] == "Petugas: Bisa, Pak. Saya kirim rinciannya."
    assert len(server.texts(SARI)) == 2  # nothing leaked to the other user

    await server.push(staff_reply(server, "! pelanggan lama, kasih diskon", relayed_post))
    await server.push(staff_reply(server, "saya juga mau jawab", relayed_post, user=OUTSIDER))
    # The outsider's update and the staff reply's "✓ terkirim" are handled side by side: the
    # refusal is among the posts after the relayed one, in either order.
    posts = [post.params["text"] for post in await server.wait_for(STAFF_GROUP, 5)]
    assert any("hanya petugas" in text for text in posts[3:])
    assert len(server.texts(BUDI)) == 3  # neither the note nor the outsider reached Budi

    await server.send_text(
        STAFF_GROUP, f"/balas {sari_ticket.lstrip('#')} Halo Bu Sari", user_id=STAFF,
        chat_type="supergroup",
    )  # fmt: skip
    assert (await server.wait_for(SARI, 3))[-1].params["text"] == "Petugas: Halo Bu Sari"

    await server.send_text(
        STAFF_GROUP, f"/tutup {budi_ticket.lstrip('#')}", user_id=STAFF, chat_type="supergroup"
    )
    closed = (await server.wait_for(BUDI, 4))[-1].params["text"]
    assert "sudah selesai" in closed
    await server.send_text(BUDI, "alamat kantor bmi dimana?")
    assert "Tangerang" in (await server.wait_for(BUDI, 5))[-1].params["text"]  # the bot is back


async def test_user_returns_to_the_bot_and_staff_are_told(staffed: RunningBot) -> None:
    server = staffed.server
    header = await escalate(server, BUDI, 1)
    await server.send_text(BUDI, "kembali ke bot")
    assert (
        "kembali dilayani asisten otomatis" in (await server.wait_for(BUDI, 3))[-1].params["text"]
    )
    told = (await server.wait_for(STAFF_GROUP, 2))[-1].params["text"]
    assert told.startswith(header.split()[1]) and "kembali ke bot" in told


async def test_escalation_survives_a_restart(
    staffed_settings: Settings, telegram: FakeTelegram
) -> None:
    async with running_bot(staffed_settings, telegram) as running:
        await escalate(running.server, SARI, 1)
    async with running_bot(staffed_settings, telegram) as running:
        await running.server.send_text(SARI, "halo, masih di sana?")
        relayed = (await running.server.wait_for(STAFF_GROUP, 2))[-1].params["text"]
        assert "halo, masih di sana?" in relayed
        assert len(running.server.texts(SARI)) == 2  # still with staff: no bot answer


async def test_canned_answer_and_after_hours_note(
    staffed_settings: Settings, telegram: FakeTelegram
) -> None:
    closed = staffed_settings.model_copy(update={"business_days": frozenset()})
    async with running_bot(closed, telegram) as running:
        server = running.server
        header = await escalate(server, BUDI, 1)
        assert "di luar jam layanan petugas" in server.texts(BUDI)[-1]
        ticket = header.split()[1].lstrip("#")
        await server.send_text(
            STAFF_GROUP, f"/template {ticket} biaya", user_id=STAFF, chat_type="supergroup"
        )
        answer = (await server.wait_for(BUDI, 3))[-1].params["text"]
        assert answer.startswith("Petugas: Untuk rincian biaya")
        await server.send_text(
            STAFF_GROUP, f"/template {ticket} entah", user_id=STAFF, chat_type="supergroup"
        )
        keys = (await server.wait_for(STAFF_GROUP, 3))[-1].params["text"]
        assert "biaya" in keys and "surat" in keys


async def test_unanswered_handoff_re_pings_staff_and_idle_one_returns_to_the_bot(
    staffed_settings: Settings, telegram: FakeTelegram
) -> None:
    always_open = staffed_settings.model_copy(
        update={"business_days": frozenset(range(7)), "business_hours": "00:00-23:59"}
    )
    async with running_bot(always_open, telegram) as running:
        server = running.server
        header = await escalate(server, BUDI, 1)
        sweep = running.app.scheduler.jobs.handoff
        assert sweep is not None
        now = datetime.now(UTC)
        await sweep.handoff.sweep(now + timedelta(minutes=20), sweep.idle, sweep.sla)
        ping = (await server.wait_for(STAFF_GROUP, 2))[-1].params["text"]
        assert ping.startswith("⏰ " + header.split()[1])
        await sweep.handoff.sweep(now + timedelta(minutes=21), sweep.idle, sweep.sla)
        assert len(server.sent(STAFF_GROUP)) == 2  # pinged once per SLA window
        await sweep.handoff.sweep(now + timedelta(hours=3), sweep.idle, sweep.sla)
        told = (await server.wait_for(BUDI, 3))[-1].params["text"]
        assert "kembali dilayani asisten otomatis" in told
        await server.send_text(BUDI, "alamat kantor bmi dimana?")
        assert "Tangerang" in (await server.wait_for(BUDI, 4))[-1].params["text"]


@pytest.fixture
async def forum(staffed_settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    telegram.forums.add(STAFF_GROUP)
    async with running_bot(staffed_settings, telegram) as bot:
        yield bot


def topic_of(server: FakeTelegram, name_part: str) -> int:
    return next(thread for thread, name in server.topics.items() if name_part in name)


async def test_forum_group_one_topic_per_handoff_and_answers_stay_in_it(forum: RunningBot) -> None:
    server = forum.server
    await escalate(server, BUDI, 1)
    await escalate(server, SARI, 2)
    budi, sari = topic_of(server, "#1 Budi"), topic_of(server, "#2 Budi")
    assert server.topics[budi].endswith("· Telegram")
    assert "minta bicara dengan petugas" in server.in_topic(STAFF_GROUP, budi)[0]
    assert "berapa biaya studi banding?" in server.in_topic(STAFF_GROUP, budi)[0]

    await server.send_text(BUDI, "bisa diskon?")
    await server.wait_for(STAFF_GROUP, 3)
    assert server.in_topic(STAFF_GROUP, budi)[-1] == "#1 Budi: bisa diskon?"

    # Plain text in the topic is the answer: no reply, no number needed.
    await server.send_in_topic(STAFF_GROUP, budi, STAFF, text="Bisa, Pak.")
    assert (await server.wait_for(BUDI, 3))[-1].params["text"] == "Petugas: Bisa, Pak."
    confirmation = (await server.wait_for(STAFF_GROUP, 4))[-1]
    assert str(confirmation.params["message_thread_id"]) == str(budi)  # answered in the topic
    await server.send_in_topic(STAFF_GROUP, budi, STAFF, text="! pelanggan lama")
    await server.send_in_topic(STAFF_GROUP, sari, OUTSIDER, text="saya ikut jawab")
    refusal = (await server.wait_for(STAFF_GROUP, 5))[-1]
    assert "hanya petugas" in refusal.params["text"]
    assert len(server.texts(BUDI)) == 3 and len(server.texts(SARI)) == 2

    await server.send_in_topic(STAFF_GROUP, sari, STAFF, text="/tutup")
    closed = (await server.wait_for(SARI, 3))[-1].params["text"]
    assert "kembali" in closed.lower()
    await server.send_in_topic(STAFF_GROUP, sari, STAFF, text="masih di sana?")
    await server.wait_for(STAFF_GROUP, 6)
    assert len(server.texts(SARI)) == 3  # a closed topic relays nothing


async def test_a_users_photo_reaches_staff_as_a_file(forum: RunningBot) -> None:
    server = forum.server
    await escalate(server, BUDI, 1)
    server.files["warung.jpg"] = b"\xff\xd8\xff-jpeg-bytes"
    small = {"file_id": "thumb.jpg", "file_unique_id": "t", "width": 90, "height": 60}
    photo = {"file_id": "warung.jpg", "file_unique_id": "w", "width": 1280, "height": 960}
    message = server.message(BUDI, caption="warung kami", photo=[small, photo])
    await server.push({"message": message})
    (sent,) = await server.wait_for(STAFF_GROUP, 1, method="sendDocument")
    assert sent.params["document"]["content"] == b"\xff\xd8\xff-jpeg-bytes"
    assert str(sent.params["message_thread_id"]) == str(topic_of(server, "#1"))
    assert (
        server.in_topic(STAFF_GROUP, topic_of(server, "#1"))[-1] == "#1 Budi: [photo] warung kami"
    )


async def test_a_document_sent_before_any_handoff_reaches_staff_when_the_user_accepts(
    forum: RunningBot,
) -> None:
    """A Dinas sends its letter of request as a PDF (the bot told them it could read only
    text, and the letter was lost): kept, staff offered, and the file in the handoff."""
    server = forum.server
    letter = server.document("surat.pdf", "surat-permohonan.pdf", b"%PDF-1.4 surat")
    await server.push({"message": server.message(SARI, caption="surat permohonan kami",
                                                  document=letter)})  # fmt: skip
    (offer,) = await server.wait_for(SARI, 1)
    assert "Dokumennya sudah kami terima" in offer.params["text"]
    assert offer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await server.send_text(SARI, "iya tolong")
    await server.wait_for(SARI, 2)
    assert "teruskan ke petugas" in server.texts(SARI)[-1]
    (sent,) = await server.wait_for(STAFF_GROUP, 1, method="sendDocument")
    assert sent.params["document"]["content"] == b"%PDF-1.4 surat"
    relayed = server.in_topic(STAFF_GROUP, topic_of(server, "#1"))
    assert relayed[-1].startswith("#1 ") and relayed[-1].endswith(
        ": [document] surat permohonan kami"
    )
    # passed on once: the next handoff does not send it again
    await server.send_text(SARI, "kembali ke bot")
    await server.wait_for(SARI, 3)
    await server.send_text(SARI, "bicara dengan petugas")
    await server.wait_for(SARI, 4)
    assert len(server.sent(STAFF_GROUP, "sendDocument")) == 1


async def test_staff_take_a_booking_chat_on_their_own_initiative(forum: RunningBot) -> None:
    server, app = forum.server, forum.app

    booking = await app.bookings.request(coop_tlm(visit_day(), 1, str(SARI)))
    await server.send_text(
        STAFF_GROUP, f"/ambil {booking.code}", user_id=STAFF, chat_type="supergroup"
    )
    joined = (await server.wait_for(SARI, 1))[-1].params["text"]
    assert booking.code in joined and "petugas" in joined
    thread = topic_of(server, "Coop TLM")
    assert server.topics[thread] == "#1 Mama Yuli · Coop TLM · Telegram"
    assert "atas inisiatif petugas" in server.in_topic(STAFF_GROUP, thread)[0]
    await server.send_text(SARI, "baik, terima kasih pak")
    await server.wait_for(STAFF_GROUP, 3)
    assert server.in_topic(STAFF_GROUP, thread)[-1] == "#1 Mama Yuli: baik, terima kasih pak"


async def test_a_server_without_topics_still_gets_the_handoff(forum: RunningBot) -> None:
    server = forum.server
    server.fail("createForumTopic", 404)  # e.g. a Bot API server that lacks the method
    header = await escalate(server, BUDI, 1)
    assert "minta bicara dengan petugas" in header
    assert "message_thread_id" not in server.sent(STAFF_GROUP)[0].params


async def test_a_call_asked_for_is_passed_to_staff_with_the_number(staffed: RunningBot) -> None:
    """Found in the console (a women's cooperative from Malang): "tolong telpon saya di
    0812-…" got the contact and how visits go; staff are who can call."""
    server = staffed.server
    await server.send_text(
        BUDI, "tolong telpon saya di 0812-7788-9900, saya mau tanya soal kunjungan"
    )
    (offer,) = await server.wait_for(BUDI, 1)
    assert "dihubungi petugas" in offer.params["text"]
    await server.send_text(BUDI, "iya")
    await server.wait_for(BUDI, 2)
    assert "teruskan ke petugas" in server.texts(BUDI)[-1]
    (header,) = await server.wait_for(STAFF_GROUP, 1)
    assert "0812-7788-9900" in header.params["text"]  # the transcript comes with it
    # a complaint, the same way (console: "di luar layanan kami")
    await server.send_text(SARI, "saya mau komplain")
    (complaint,) = await server.wait_for(SARI, 1)
    assert "keluhan" in complaint.params["text"]
    assert complaint.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
