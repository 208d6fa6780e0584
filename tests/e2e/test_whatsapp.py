"""WhatsApp end to end: Meta's signed webhook in, a fake Graph API out, real Rasa, and Telegram
(the staff group) running beside it in the same process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import update

from bot.app import App
from bot.channels.whatsapp.store import WhatsAppStore
from bot.channels.whatsapp.webhook import CHANNEL, payload_chat
from bot.config import ROOT, Settings
from bot.core.calendar_text import MONTHS
from bot.db.models import WhatsAppContact
from bot.jobs import pushes
from bot.web import WHATSAPP_WEBHOOK_PATH, add_whatsapp_webhook, build_app, runner_for
from nlu.dates import VENUE_TZ
from tests.conftest import RASA_TOKEN, free_port
from tests.documents.pdf import pdf_text
from tests.e2e.conftest import coop_tlm, running_bot, wait_http
from tests.e2e.test_booking import visit_day
from tests.fakes import whatsapp_server as meta
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.whatsapp_server import FakeGraph

STAFF_GROUP, STAFF = -100555, 77
RINA, BUDI, SITI = "6281311110001", "6281311110002", "6281311110003"


@dataclass
class Rig:
    """The running bot with both channels, the two fake APIs and an HTTP client."""

    app: App
    graph: FakeGraph
    telegram: FakeTelegram
    url: str
    http: aiohttp.ClientSession

    async def post(self, payload: Any, secret: str = meta.APP_SECRET) -> int:
        """Deliver a webhook call as Meta does; the user's window opens at the fake too."""
        body, headers = meta.signed(payload, secret)
        for value in meta_values(payload):
            for message in value.get("messages", []):
                self.graph.last_inbound[message["from"]] = datetime.now(UTC)
        async with self.http.post(
            self.url + WHATSAPP_WEBHOOK_PATH, data=body, headers=headers
        ) as r:
            return r.status

    async def say(self, wa_id: str, text: str) -> list[str]:
        """What the bot answered to one text message."""
        return await self.answer(wa_id, meta.text(wa_id, text))

    async def answer(self, wa_id: str, payload: Any) -> list[str]:
        before = len(self.graph.sent(wa_id))
        assert await self.post(payload) == 200
        await self.graph.wait_for(wa_id, before + 1)
        return (await self.graph.quiet(wa_id))[before:]


def meta_values(payload: Any) -> list[dict[str, Any]]:
    return [change["value"] for entry in payload["entry"] for change in entry["changes"]]


def whatsapp_settings(settings: Settings, graph: FakeGraph, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "whatsapp_access_token": SecretStr(meta.TOKEN),
            "whatsapp_phone_number_id": meta.PHONE_NUMBER_ID,
            "whatsapp_app_secret": SecretStr(meta.APP_SECRET),
            "whatsapp_verify_token": SecretStr(meta.VERIFY_TOKEN),
            "whatsapp_api_base": graph.base_url,
            "whatsapp_api_version": meta.VERSION,
            "staff_chat_id": STAFF_GROUP,
            "staff_user_ids": [STAFF],
            **extra,
        }
    )


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    server = await FakeGraph().start()
    try:
        yield server
    finally:
        await server.stop()


async def start_rig(
    settings: Settings, graph: FakeGraph, telegram: FakeTelegram
) -> AsyncIterator[Rig]:
    async with running_bot(settings, telegram) as running:
        web_app = build_app(running.app.health)
        running.app.intake.register(CHANNEL, (await running.app.whatsapp()).receive, payload_chat)
        add_whatsapp_webhook(web_app, running.app.intake, meta.VERIFY_TOKEN, meta.APP_SECRET)
        runner = runner_for(web_app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with aiohttp.ClientSession() as http:
                yield Rig(running.app, graph, telegram, f"http://127.0.0.1:{port}", http)
        finally:
            await runner.cleanup()


@pytest.fixture
async def rig(settings: Settings, graph: FakeGraph, telegram: FakeTelegram) -> AsyncIterator[Rig]:
    async for started in start_rig(whatsapp_settings(settings, graph), graph, telegram):
        yield started


async def test_meta_verification_echoes_the_challenge_only_for_the_right_token(rig: Rig) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": meta.VERIFY_TOKEN,
        "hub.challenge": "8841",
    }
    async with rig.http.get(rig.url + WHATSAPP_WEBHOOK_PATH, params=query) as response:
        assert (response.status, await response.text()) == (200, "8841")
    for wrong in ({**query, "hub.verify_token": "nope"}, {**query, "hub.mode": "unsubscribe"}, {}):
        async with rig.http.get(rig.url + WHATSAPP_WEBHOOK_PATH, params=wrong) as response:
            assert response.status == 403
            assert "8841" not in await response.text()


async def test_forged_or_unsigned_posts_are_rejected_and_nothing_is_processed(rig: Rig) -> None:
    payload = meta.text(RINA, "halo")
    body, headers = meta.signed(payload)
    forged = [
        {"Content-Type": "application/json"},
        {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64},
        {**headers, "X-Hub-Signature-256": headers["X-Hub-Signature-256"].upper()},
        meta.signed(payload, "another-secret")[1],
        {**headers, "X-Hub-Signature-256": headers["X-Hub-Signature-256"].removeprefix("sha256=")},
    ]
    for forged_headers in forged:
        async with rig.http.post(
            rig.url + WHATSAPP_WEBHOOK_PATH, data=body, headers=forged_headers
        ) as response:
            assert response.status == 403
    tampered = body.replace(b"halo", b"hola")
    async with rig.http.post(
        rig.url + WHATSAPP_WEBHOOK_PATH, data=tampered, headers=headers
    ) as response:
        assert response.status == 403
    await asyncio.sleep(0.5)
    assert rig.graph.requests == []


async def test_a_greeting_gets_the_menu_within_whatsapp_limits(rig: Rig) -> None:
    answer = await rig.say(RINA, "halo, selamat pagi")
    assert "selamat datang" in "\n".join(answer).lower()
    menu = rig.graph.sent(RINA)[-1]
    assert meta.choices(menu)  # buttons or a list, and the fake accepted it (limits kept)
    assert all(request.accepted for request in rig.graph.requests)
    row_id = meta.choices(menu)[0][0]
    chosen = await rig.answer(RINA, meta.list_reply(RINA, row_id))
    assert chosen and "selamat datang" not in chosen[0].lower()


async def test_a_redelivered_message_is_answered_once(rig: Rig) -> None:
    payload = meta.text(BUDI, "nomor kontak petugasnya berapa?")
    assert await rig.post(payload) == 200
    first = await rig.graph.wait_for(BUDI, 1)
    await rig.graph.quiet(BUDI)
    count = len(rig.graph.sent(BUDI))
    assert first
    assert await rig.post(payload) == 200
    await asyncio.sleep(1)
    assert len(rig.graph.sent(BUDI)) == count


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "abc", "id": "st1", "animated": False}),
        (
            "audio",
            {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "au1", "voice": True},
        ),
        (
            "image",
            {"caption": "foto warung", "mime_type": "image/jpeg", "sha256": "x", "id": "im1"},
        ),
        ("unsupported", None),
    ],
)
async def test_media_and_unsupported_messages_get_a_clear_answer(
    rig: Rig, kind: str, content: dict[str, Any] | None
) -> None:
    extra = (
        {"errors": [{"code": 131051, "title": "Message type unknown"}]}
        if kind == "unsupported"
        else {}
    )
    answer = await rig.answer(SITI, meta.incoming(SITI, kind, content, **extra))
    if kind in {"sticker", "unsupported"}:
        assert "pesan teks" in answer[0]
    else:  # a file, perhaps for staff: kept, staff offered
        assert "belum bisa membukanya" in answer[0] and "petugas" in answer[0]


async def test_location_contacts_long_text_and_sql_looking_text(rig: Rig) -> None:
    place = {"latitude": -6.17, "longitude": 106.63, "name": "Tangerang", "address": "Jl. Raya"}
    assert (
        "lokasi Bapak/Ibu sudah kami terima"
        in (await rig.answer(RINA, meta.incoming(RINA, "location", place)))[0]
    )
    card = [
        {"name": {"formatted_name": "Pak Budi"}, "phones": [{"phone": "+62 811", "type": "CELL"}]}
    ]
    assert (
        "kontak sudah kami terima"
        in (await rig.answer(RINA, meta.incoming(RINA, "contacts", card)))[0]
    )
    assert await rig.say(RINA, "'; DROP TABLE bookings; -- 🙏" * 2)
    assert await rig.say(RINA, "apa saja program pemberdayaan anggota? " * 130)  # ~5,000 chars
    assert all(request.accepted for request in rig.graph.requests)


async def test_status_callbacks_are_stored_and_only_move_forward(rig: Rig) -> None:
    await rig.say(BUDI, "alamat koperasi di mana?")
    wamid = await last_wamid(rig, BUDI)
    for state in ("sent", "delivered", "read", "delivered"):
        assert await rig.post(meta.status(wamid, BUDI, state)) == 200
    await asyncio.sleep(0.5)
    statuses = {row.wamid: row.status for row in await whatsapp_store(rig).outbound(BUDI)}
    assert statuses[wamid] == "read"


async def test_rate_limit_errors_are_retried(rig: Rig) -> None:
    rig.graph.fail(130429)
    answer = await rig.say(SITI, "halo")
    assert answer
    codes = [r.accepted for r in rig.graph.requests if r.body.get("to") == SITI]
    assert codes[0] is False and all(codes[1:])


async def test_booking_on_whatsapp_approved_by_staff_on_telegram(rig: Rig) -> None:
    day = visit_day(40, 1)
    spoken = f"{day.day} {MONTHS[day.month - 1]}"
    await rig.say(
        RINA, f"kami dari Kopwan Sekar Melati mau kunjungan belajar 20 orang tanggal {spoken}"
    )
    await rig.say(RINA, "Bandung, Jawa Barat")
    await rig.answer(RINA, meta.button_reply(RINA, "bn:1"))
    await rig.say(RINA, "jawara")
    await rig.say(RINA, "Ibu Rina")
    await rig.say(RINA, "0813 1111 0001")
    summary = (await rig.say(RINA, "tidak ada"))[-1]
    assert "Kopwan Sekar Melati" in summary
    done = (await rig.answer(RINA, meta.button_reply(RINA, "bs:send")))[-1]
    code = done.split("kode pendaftaran ")[1][:5]
    (request,) = await rig.telegram.wait_for(STAFF_GROUP, 1)
    assert code in request.params["text"]
    assert "whatsapp" in request.params["text"].lower()

    before = len(rig.graph.sent(RINA))
    await rig.telegram.press(STAFF_GROUP, f"sa:{code}", user_id=STAFF, chat_type="supergroup")
    sent = (await rig.graph.wait_for(RINA, before + 4))[before:]
    await rig.graph.quiet(RINA)
    sent = rig.graph.sent(RINA)[before:]
    approval = next(meta.message_text(b) for b in sent if "DISETUJUI" in meta.message_text(b))
    assert "https://wa.me/6281200001234?text=gabung%20" in approval
    invitation, letter = [b for b in sent if b["type"] == "document"]
    filename, content = rig.graph.uploads[invitation["document"]["id"]]
    assert filename == f"kunjungan-{code}.ics" and b"BEGIN:VCALENDAR" in content
    filename, content = rig.graph.uploads[letter["document"]["id"]]
    assert filename.startswith("surat-konfirmasi-") and code in pdf_text(content)


async def approved_visit_today(rig: Rig, coordinator: str) -> tuple[str, str]:
    """An approved one-day visit today, requested on WhatsApp: its code and invite code."""
    booking = await rig.app.bookings.request(
        coop_tlm(datetime.now(VENUE_TZ).date(), 1, coordinator, "whatsapp")
    )
    await rig.telegram.press(
        STAFF_GROUP, f"sa:{booking.code}", user_id=STAFF, chat_type="supergroup"
    )
    await rig.telegram.wait_for(STAFF_GROUP, 2)
    approved = await rig.app.bookings.get(booking.code)
    assert approved is not None and approved.invite_code
    return approved.code, approved.invite_code


@pytest.fixture
async def today_rig(
    settings: Settings, graph: FakeGraph, telegram: FakeTelegram
) -> AsyncIterator[Rig]:
    today = whatsapp_settings(
        settings,
        graph,
        booking_lead_days=0,
        closed_weekdays=frozenset(),
        agenda_push_time=time(23, 59),
        whatsapp_template_agenda="agenda_harian",
    )
    async for started in start_rig(today, graph, telegram):
        yield started


async def test_participants_join_and_get_the_agenda_inside_and_outside_the_window(
    today_rig: Rig,
) -> None:
    rig = today_rig
    code, invite = await approved_visit_today(rig, "6281300000009")
    for wa_id, name in ((RINA, "Rina"), (BUDI, "Budi")):
        await rig.say(wa_id, f"gabung {invite}")
        joined = await rig.say(wa_id, name)
        assert any("terdaftar" in text or "Terima kasih" in text for text in joined)

    await close_window(rig, BUDI)
    before = {wa: len(rig.graph.sent(wa)) for wa in (RINA, BUDI)}
    requests_before = len(rig.graph.requests)
    await pushes.push_agenda(code, 1, jobs=rig.app.scheduler.jobs)
    (inside,) = rig.graph.sent(RINA)[before[RINA] :]
    assert inside["type"] == "text" and "Agenda hari ke-1" in inside["text"]["body"]
    (outside,) = rig.graph.sent(BUDI)[before[BUDI] :]
    assert outside["type"] == "template"
    assert outside["template"]["name"] == "agenda_harian"
    assert "Agenda hari ke-1" in meta.message_text(outside)
    free_form_to_budi = [
        r
        for r in rig.graph.requests[requests_before:]
        if r.body.get("to") == BUDI and r.body["type"] != "template"
    ]
    assert free_form_to_budi == []


async def close_window(rig: Rig, wa_id: str) -> None:
    """Make the user's last message 25 hours old, for the bot and for the fake Meta."""
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    rig.graph.last_inbound[wa_id] = long_ago
    async with rig.app.sessions() as session, session.begin():
        await session.execute(
            update(WhatsAppContact)
            .where(WhatsAppContact.wa_id == wa_id)
            .values(last_inbound_at=long_ago)
        )


async def test_outside_the_window_without_a_template_nothing_is_sent_and_staff_are_told(
    rig: Rig,
) -> None:
    await rig.say(SITI, "saya mau bicara dengan petugas")
    header = (await rig.telegram.wait_for(STAFF_GROUP, 1))[-1].params["text"]
    ticket = header.split("#")[1].split()[0].strip(":")
    assert "whatsapp" in header.lower()

    staff_before = len(rig.telegram.sent(STAFF_GROUP))
    assert await rig.post(meta.text(SITI, "kapan bisa datang hari sabtu?")) == 200
    relay = (await rig.telegram.wait_for(STAFF_GROUP, staff_before + 1))[-1].params["text"]
    assert relay == f"#{ticket} Ibu Rina: kapan bisa datang hari sabtu?"
    await rig.telegram.send_text(
        STAFF_GROUP, f"/balas {ticket} Sabtu bisa, Bu.", user_id=STAFF, chat_type="supergroup"
    )
    answer = await rig.graph.wait_for(SITI, len(rig.graph.sent(SITI)) + 1)
    assert "Sabtu bisa, Bu." in meta.message_text(answer[-1])
    await rig.telegram.wait_for(STAFF_GROUP, staff_before + 2)  # the relay, then "✓ terkirim"

    await close_window(rig, SITI)
    before = len(rig.graph.requests)
    staff_before = len(rig.telegram.sent(STAFF_GROUP))
    await rig.telegram.send_text(
        STAFF_GROUP, f"/balas {ticket} Ada kabar lagi, Bu.", user_id=STAFF, chat_type="supergroup"
    )
    told = (await rig.telegram.wait_for(STAFF_GROUP, staff_before + 1))[-1].params["text"]
    assert "belum terkirim" in told and "jendela 24 jam" in told
    assert rig.graph.requests[before:] == []
    rows = await whatsapp_store(rig).outbound(SITI)
    assert rows[-1].status == "not_sent" and "WHATSAPP_TEMPLATE_STAFF_REPLY" in rows[-1].error


def whatsapp_store(rig: Rig) -> WhatsAppStore:
    return WhatsAppStore(rig.app.sessions)


async def last_wamid(rig: Rig, wa_id: str) -> str:
    rows = await whatsapp_store(rig).outbound(wa_id)
    return str(rows[-1].wamid)


async def test_python_m_bot_serves_whatsapp_from_the_environment(
    rasa_url: str, graph: FakeGraph, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))},
        "WHATSAPP_ACCESS_TOKEN": meta.TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": meta.PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": meta.APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": meta.VERIFY_TOKEN,
        "WHATSAPP_API_BASE": graph.base_url,
        "WHATSAPP_API_VERSION": meta.VERSION,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'wa.sqlite3'}",
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "HTTP_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_http(url + "/healthz")
        async with aiohttp.ClientSession() as http:
            query = {"hub.mode": "subscribe", "hub.verify_token": meta.VERIFY_TOKEN}
            async with http.get(
                url + WHATSAPP_WEBHOOK_PATH, params={**query, "hub.challenge": "77"}
            ) as verified:
                assert await verified.text() == "77"
            graph.last_inbound[RINA] = datetime.now(UTC)
            body, headers = meta.signed(meta.text(RINA, "berapa biaya studi banding?"))
            async with http.post(url + WHATSAPP_WEBHOOK_PATH, data=body, headers=headers) as r:
                assert r.status == 200
        (answer, *_) = await graph.wait_for(RINA, 1)
        assert "biaya" in meta.message_text(answer).lower()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()[-2000:]
    assert RINA not in output.decode()  # phone numbers stay out of the log


async def test_python_m_bot_refuses_an_incomplete_whatsapp_configuration(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))},
        "WHATSAPP_ACCESS_TOKEN": meta.TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'wa.sqlite3'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "WHATSAPP_PHONE_NUMBER_ID" in errors.decode()


async def test_a_whatsapp_users_photo_reaches_the_staff_group_as_a_file(rig: Rig) -> None:
    await rig.say(BUDI, "saya mau bicara dengan petugas")
    await rig.telegram.wait_for(STAFF_GROUP, 1)
    rig.graph.media["im9"] = ("image/jpeg", b"\xff\xd8\xff-warung")
    image = {"caption": "warung kami", "mime_type": "image/jpeg", "sha256": "x", "id": "im9"}
    assert await rig.post(meta.incoming(BUDI, "image", image)) == 200
    (sent,) = await rig.telegram.wait_for(STAFF_GROUP, 1, method="sendDocument")
    assert sent.params["document"]["content"] == b"\xff\xd8\xff-warung"
    assert sent.params["document"]["filename"] == "whatsapp-im9.jpg"
    assert rig.telegram.texts(STAFF_GROUP)[-1].endswith(": [image] warung kami")


async def test_an_answer_without_a_message_id_is_still_a_sent_message(rig: Rig) -> None:
    rig.graph.bare_answers = True
    first = await rig.say(BUDI, "halo")
    second = await rig.say(BUDI, "alamatnya di mana?")
    assert first and second  # the conversation goes on
    rows = await whatsapp_store(rig).outbound(BUDI)
    assert rows and {row.status for row in rows} == {"accepted"}
    assert {row.wamid for row in rows} == {None}
