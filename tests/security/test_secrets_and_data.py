"""Secrets and personal data: never in logs or error messages, kept only as long as set,
memory per user bounded, the HTTP server proof against slow clients and cheap to probe."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bot.__main__ import configuration_problems
from bot.app import App
from bot.config import ROOT, Settings
from bot.core.booking import BookingRules
from bot.core.locks import KeyedLocks
from bot.db.migrate import upgrade
from bot.db.models import Booking, TranscriptLine
from bot.db.session import create_engine, session_factory
from bot.db.transcript import SqlTranscript
from bot.privacy import RedactingFilter, Redactor
from bot.services.booking import BookingService, Capacity
from bot.services.retention import ANONYMISED_PHONE, Retention
from bot.web import build_app, runner_for
from tests.conftest import free_port
from tests.e2e.conftest import wait_http
from tests.fakes.telegram_server import FakeTelegram
from tests.security.test_abuse_limits import REQUEST
from tests.services.test_booking_service import TODAY

WHATSAPP_TOKEN = "EAAGwhatsappSECRETtoken0123456789"


def test_the_redactor_hides_secrets_token_shapes_and_phones() -> None:
    redact = Redactor(["rasa-secret-42"])
    line = (
        "GET https://api.telegram.org/file/bot123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345/x.jpg "
        "token=rasa-secret-42 from 081234567890 and +62 812-3456-7890 and 6281234567890"
    )
    clean = redact(line)
    assert "ABCdefGHI" not in clean and "rasa-secret-42" not in clean
    assert "081234567890" not in clean and "6281234567890" not in clean
    assert "3456-7890" not in clean
    assert "62812*****890" in clean  # still tells chats apart


def test_tracebacks_are_redacted_too() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "failed %s", ("s3cr3t-v4lue",), None
    )
    try:
        raise RuntimeError("bot999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA s3cr3t-v4lue")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactingFilter(Redactor(["s3cr3t-v4lue"])).filter(record)
    rendered = logging.Formatter().format(record)
    assert "s3cr3t-v4lue" not in rendered and "AAAAAAAAAAAAAAAAAAAA" not in rendered
    assert "RuntimeError" in rendered


def test_a_configuration_error_names_the_setting_never_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN)
    monkeypatch.setenv("STAFF_USER_IDS", "12,abc")
    monkeypatch.setenv("RASA_TIMEOUT", "not-a-number")
    with pytest.raises(ValueError) as caught:
        Settings(_env_file=None)
    message = configuration_problems(caught.value)  # type: ignore[arg-type]
    assert "RASA_TIMEOUT" in message
    assert WHATSAPP_TOKEN not in message and "not-a-number" not in message


async def test_sql_errors_carry_no_parameter_values(sqlite_url: str) -> None:
    await upgrade(sqlite_url)
    database = create_engine(sqlite_url)
    try:
        async with database.begin() as connection:
            statement = text(
                "INSERT INTO conversations (channel, chat_id, state, updated_at) "
                "VALUES (:channel, :chat, '{}', '2026-01-01')"
            )
            await connection.execute(statement, {"channel": "whatsapp", "chat": "6281234567890"})
            with pytest.raises(IntegrityError) as caught:
                await connection.execute(
                    statement, {"channel": "whatsapp", "chat": "6281234567890"}
                )
        assert "6281234567890" not in str(caught.value)
    finally:
        await database.dispose()


async def test_python_m_bot_logs_no_secret_when_apis_fail(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """Telegram answers 5xx, downloads fail, Rasa is unreachable: every secret stays out of
    the process's whole output."""
    port = free_port()
    rasa_port = free_port()  # nothing listens there
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "RASA_TOKEN": "rasa-token-SECRET-99",
        "RASA_TIMEOUT": "0.5",
        "STAFF_CHAT_ID": "-100555",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "DEBUG",
        # WhatsApp on too, its Graph API unreachable (the bot asks it for its number at start)
        "WHATSAPP_ACCESS_TOKEN": WHATSAPP_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": "1098765432",
        "WHATSAPP_APP_SECRET": "app-secret-SECRET-77",
        "WHATSAPP_VERIFY_TOKEN": "verify-SECRET-55",
        "WHATSAPP_API_BASE": f"http://127.0.0.1:{rasa_port}",
    }
    telegram.fail("sendMessage", 500, count=4)  # every attempt at the first answer
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await wait_http(f"http://127.0.0.1:{port}/healthz", within=60)
        await telegram.send_text(6001, "berapa biaya studi banding?")
        for _ in range(400):  # four attempts with backoff: about 7 s
            if len(telegram.sent(None, "sendMessage!failed")) == 4:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the last attempt's failure is logged
        await telegram.send_text(6001, "bicara dengan petugas")
        await telegram.wait_for(6001, 1, within=40)
        photo = {"file_id": "nope", "file_unique_id": "n", "width": 1, "height": 1}
        await telegram.push({"message": telegram.message(6001, photo=[photo])})
        await telegram.wait_for(None, 1, method="getFile", within=20)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 40)
    logged = output.decode()
    assert "not delivered" in logged, logged[-3000:]  # the failures were logged
    secret_part = telegram.token.split(":")[1]
    assert secret_part not in logged
    for secret in ("rasa-token-SECRET-99", WHATSAPP_TOKEN, "app-secret-SECRET-77"):
        assert secret not in logged
    assert "WhatsApp phone number not known" in logged  # the Graph API failure was logged
    assert "STAFF_USER_IDS is empty" in logged  # the operator is warned at start-up


async def test_old_transcripts_go_and_finished_visits_lose_their_phone(
    database_url: str,
) -> None:
    await upgrade(database_url)
    database = create_engine(database_url)
    sessions = session_factory(database)
    bookings = BookingService(sessions, BookingRules(), Capacity(), today=lambda: TODAY)
    try:
        booking = await bookings.request(REQUEST)
        await bookings.approve(booking.code, "staff")
        transcript = SqlTranscript(database)
        await transcript.record("telegram", "u1", "in", ["lama"])
        async with sessions() as session, session.begin():
            await session.execute(
                TranscriptLine.__table__.update().values(  # type: ignore[attr-defined]
                    at=datetime.now(UTC) - timedelta(days=400)
                )
            )
        await transcript.record("telegram", "u1", "in", ["baru"])
        visit_end = booking.start_date
        retention = Retention(sessions, days=365)
        now = datetime.now(UTC)
        await retention.purge(now, visit_end + timedelta(days=300))  # the visit is recent
        assert (await bookings.get(booking.code)).contact_phone == REQUEST.contact_phone  # type: ignore[union-attr]
        assert await transcript.recent("telegram", "u1") == [("in", "baru")]
        done = await retention.purge(now, visit_end + timedelta(days=400))
        assert done.phones == 1
        assert (await bookings.get(booking.code)).contact_phone == ANONYMISED_PHONE  # type: ignore[union-attr]
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Booking)) == 1
    finally:
        await database.dispose()


async def test_per_chat_locks_do_not_outlive_their_use() -> None:
    locks = KeyedLocks()
    for chat in range(2000):
        async with locks(("telegram", str(chat))):
            pass
    assert len(locks) == 0


async def test_slow_clients_are_cut_off_and_healthz_does_not_call_rasa_each_time(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.web.IDLE_SECONDS", 1.0)
    app = await App.create(settings)
    asked: list[int] = []
    ready = app.nlu.ready

    async def counted() -> bool:
        asked.append(1)
        return await ready()

    app.nlu.ready = counted  # type: ignore[method-assign]
    runner = runner_for(build_app(app.health))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(20):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
        assert len(asked) == 1
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
        await writer.drain()
        closed = await asyncio.wait_for(reader.read(), 10)  # the server hangs up
        assert closed == b"" or b"408" in closed or b"400" in closed
        writer.close()
    finally:
        await runner.cleanup()
        await app.close()


def test_the_security_settings_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Security" in readme
    for name in ("USER_MESSAGES_PER_MINUTE", "CODE_ATTEMPTS_PER_HOUR", "STAFF_USER_IDS",
                 "TRANSCRIPT_RETENTION_DAYS", "BOOKING_MAX_PENDING_PER_USER"):  # fmt: skip
        assert name in readme.split("## Security")[1]
