"""The first minute: the chat starts before Rasa has loaded, says so in one line, answers by
keywords and menus, and uses Rasa from the moment it answers."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from aiohttp import web

from bot.config import ROOT
from bot.core.texts import Texts
from tests.conftest import RASA_TOKEN, free_port


async def late_rasa(port: int) -> web.AppRunner:
    """A stand-in for Rasa that, once up, reads every message as a contact question (so an
    answer that could only come from it is recognisable)."""

    async def parse(request: web.Request) -> web.Response:
        text = (await request.json())["text"]
        ranking = [{"name": "ask_contact", "confidence": 0.99}]
        return web.json_response(
            {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}
        )

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


PROMPT = "Bapak/Ibu: "


async def read_until(stream: asyncio.StreamReader, *markers: str, within: float = 30) -> str:
    """What the bot printed until every marker has appeared and it waits at its prompt (the
    loading line and the greeting come from two tasks, each ending with a prompt)."""
    seen = ""
    async with asyncio.timeout(within):
        while not (all(marker in seen for marker in markers) and seen.endswith(PROMPT)):
            chunk = await stream.read(4096)
            if not chunk:
                break
            seen += chunk.decode()
    return seen


async def test_the_chat_starts_before_rasa_and_switches_when_it_is_up(
    tmp_path: Path, texts: Texts
) -> None:
    rasa_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "WHATSAPP"))},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'first.sqlite3'}",
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "RASA_TOKEN": RASA_TOKEN,
        "HTTP_PORT": str(free_port()),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    rasa: web.AppRunner | None = None
    try:
        start = await read_until(process.stdout, texts("nlu.loading"), "selamat datang")
        assert start.count(texts("nlu.loading")) == 1  # said once
        process.stdin.write(b"berapa biaya studi banding?\n")
        keywords = await read_until(process.stdout, PROMPT.strip())
        assert "biaya" in keywords.lower()  # answered by keywords meanwhile

        rasa = await late_rasa(rasa_port)
        assert texts("nlu.ready") in await read_until(process.stdout, texts("nlu.ready"))
        process.stdin.write(b"zzz qqq\n")  # no keyword in it: only the model can place it
        assert "0856-9575-1994" in await read_until(process.stdout, "0856-9575-1994")
    finally:
        process.stdin.close()
        await asyncio.wait_for(process.wait(), 30)
        if rasa is not None:
            await rasa.cleanup()
    assert process.returncode == 0
