"""Shared fixtures: network guard, data files, databases (SQLite and PostgreSQL), real Rasa."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import bot.channels.telegram  # noqa: F401  (first: aiogram imported as in production)
from bot.config import ROOT, Settings
from bot.core.answers import Answers
from bot.core.keywords import KeywordMatcher
from bot.core.knowledge import Knowledge, load_knowledge
from bot.core.texts import Texts
from bot.core.visits import load_agenda_template, usual_hours
from tests.databases import connect_admin, new_database
from tests.fakes import network_guard

network_guard.install()

RASA_TOKEN = "test-token"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    hours = usual_hours(load_agenda_template(ROOT / "data" / "agenda.yml"))
    return load_knowledge(ROOT / "data" / "knowledge", rules={"lead_days": 7, **hours})


@pytest.fixture(scope="session")
def texts() -> Texts:
    return Texts.load(ROOT / "data" / "messages" / "id.yml")


@pytest.fixture(scope="session")
def keywords() -> KeywordMatcher:
    return KeywordMatcher.load(ROOT / "data" / "keywords.yml")


@pytest.fixture(scope="session")
def answers(knowledge: Knowledge, texts: Texts) -> Answers:
    return Answers(knowledge, texts)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


def postgres_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@contextlib.asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; skipped only outside CI."""
    if not os.environ.get("TEST_POSTGRES"):
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL tests must run in CI (TEST_POSTGRES is not set)")
        pytest.skip("PostgreSQL not available (run the tests through `make test`)")
    admin = await connect_admin(postgres_url())
    try:
        async with new_database(admin, postgres_url()) as url:
            yield url
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each SQL test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        return
    async with fresh_postgres_database() as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _parse_ok(url: str) -> bool:
    request = urllib.request.Request(
        f"{url}/model/parse?token={RASA_TOKEN}", data=b'{"text": "halo"}', method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_rasa(log_name: str = "rasa-test.log") -> Iterator[str]:
    """A real Rasa server started from the trained model; its URL while it runs."""
    binary = os.environ.get("TEST_RASA_BIN", str(ROOT / ".venv-nlu" / "bin" / "rasa"))
    model = os.environ.get("TEST_RASA_MODEL")
    if not model:
        models = sorted((ROOT / "models").glob("nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
        model = str(models[-1]) if models else ""
    if not (Path(binary).exists() and model and Path(model).exists()):
        pytest.fail("Rasa or its model is missing: run the tests through `make test`")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(ROOT / "models" / log_name, "w")  # noqa: SIM115 - closed below
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [binary, "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port),
         "--auth-token", RASA_TOKEN, "--model", model],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not _parse_ok(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Rasa did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """The real Rasa server, started once for the session from the trained model."""
    with running_rasa() as url:
        yield url


@pytest.fixture
def settings(sqlite_url: str, rasa_url: str) -> Settings:
    return Settings(
        database_url=sqlite_url, rasa_url=rasa_url, rasa_token=RASA_TOKEN, _env_file=None
    )
