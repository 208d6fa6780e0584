"""The bot's Rasa client against the real server, a dead port, a slow and a lying server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date

import aiohttp
import pytest
from aiohttp import web

from bot.core.nlu import NluUnavailable
from bot.services.nlu import RasaClient
from tests.conftest import RASA_TOKEN, free_port


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def serve(handler: web.RequestHandler) -> tuple[web.AppRunner, str]:  # type: ignore[type-arg]
    app = web.Application()
    app.router.add_post("/model/parse", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def test_parses_with_the_real_server(http: aiohttp.ClientSession, rasa_url: str) -> None:
    client = RasaClient(http, rasa_url, token=RASA_TOKEN)
    result = await client.parse("berapa biaya studi banding untuk 27 orang?")
    assert result.intent == "ask_visit_cost"
    assert result.entity("participants") is not None
    assert result.entity("participants").value == 27  # type: ignore[union-attr]
    assert result.ranking


async def test_wrong_token_is_unavailable(http: aiohttp.ClientSession, rasa_url: str) -> None:
    with pytest.raises(NluUnavailable):
        await RasaClient(http, rasa_url, token="wrong").parse("halo")


async def test_dead_server_fails_fast_then_cools_down(http: aiohttp.ClientSession) -> None:
    client = RasaClient(http, f"http://127.0.0.1:{free_port()}", cooldown=60)
    started = time.monotonic()
    with pytest.raises(NluUnavailable):
        await client.parse("halo")
    with pytest.raises(NluUnavailable, match="cool-down"):
        await client.parse("halo")
    assert time.monotonic() - started < 2


async def test_slow_server_times_out(http: aiohttp.ClientSession) -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({})

    runner, url = await serve(slow)
    try:
        client = RasaClient(http, url, timeout=0.2, retries=1)
        started = time.monotonic()
        with pytest.raises(NluUnavailable):
            await client.parse("halo")
        assert time.monotonic() - started < 2
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    "body", ["not json", '{"intent": null}', '{"intent": {"name": "greet"}}', "[]", '"x"']
)
async def test_garbage_answers_are_unavailable(http: aiohttp.ClientSession, body: str) -> None:
    async def garbage(_request: web.Request) -> web.Response:
        return web.Response(text=body, content_type="application/json")

    runner, url = await serve(garbage)
    try:
        with pytest.raises(NluUnavailable):
            await RasaClient(http, url, retries=0).parse("halo")
    finally:
        await runner.cleanup()


async def test_recovers_by_itself_after_the_cool_down(http: aiohttp.ClientSession) -> None:
    healthy = False

    async def flaky(_request: web.Request) -> web.Response:
        if not healthy:
            return web.Response(status=503)
        return web.json_response({"intent": {"name": "greet", "confidence": 0.99}})

    runner, url = await serve(flaky)
    try:
        client = RasaClient(http, url, retries=0, cooldown=0.2)
        with pytest.raises(NluUnavailable):
            await client.parse("halo")
        healthy = True
        await asyncio.sleep(0.25)
        assert (await client.parse("halo")).intent == "greet"
    finally:
        await runner.cleanup()


class CountingRasa:
    """A Rasa stand-in that records the texts it is asked and can be switched off."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.healthy = True

    async def handle(self, request: web.Request) -> web.Response:
        self.asked.append((await request.json())["text"])
        if not self.healthy:
            return web.Response(status=503)
        return web.json_response({"intent": {"name": "greet", "confidence": 0.99}})


@pytest.fixture
async def counting() -> AsyncIterator[tuple[CountingRasa, str]]:
    rasa = CountingRasa()
    runner, url = await serve(rasa.handle)
    yield rasa, url
    await runner.cleanup()


async def test_a_text_seen_today_is_read_once_even_while_rasa_is_down(
    http: aiohttp.ClientSession, counting: tuple[CountingRasa, str]
) -> None:
    rasa, url = counting
    client = RasaClient(http, url, retries=0, cache_size=10)
    assert (await client.parse("halo")).intent == "greet"
    rasa.healthy = False
    assert (await client.parse("halo")).intent == "greet"  # remembered: Rasa not asked
    with pytest.raises(NluUnavailable):
        await client.parse("Halo")  # another text (case matters to entity values)
    assert rasa.asked == ["halo", "Halo"]
    assert client.cache_hits == 1


async def test_readings_are_remembered_per_venue_day(
    http: aiohttp.ClientSession, counting: tuple[CountingRasa, str]
) -> None:
    """ "besok" means another date tomorrow: a new day asks Rasa again."""
    rasa, url = counting
    day = date(2026, 11, 23)
    client = RasaClient(http, url, cache_size=10, today=lambda: day)
    await client.parse("besok")
    await client.parse("besok")
    day = date(2026, 11, 24)
    await client.parse("besok")
    assert rasa.asked == ["besok", "besok"]


async def test_no_cache_when_its_size_is_zero(
    http: aiohttp.ClientSession, counting: tuple[CountingRasa, str]
) -> None:
    rasa, url = counting
    client = RasaClient(http, url, cache_size=0)
    await client.parse("halo")
    await client.parse("halo")
    assert rasa.asked == ["halo", "halo"]


async def test_several_servers_share_the_texts_and_cover_for_a_dead_one(
    http: aiohttp.ClientSession,
) -> None:
    asked: list[str] = []

    def answering(name: str):  # type: ignore[no-untyped-def]
        async def parse(request: web.Request) -> web.Response:
            asked.append(name)
            return web.json_response({"intent": {"name": "greet", "confidence": 0.9}})

        return parse

    first, first_url = await serve(answering("a"))
    second, second_url = await serve(answering("b"))
    dead = f"http://127.0.0.1:{free_port()}"
    try:
        client = RasaClient(http, f"{first_url}, {second_url}", cooldown=60)
        for _ in range(4):
            assert (await client.parse("halo")).intent == "greet"
        assert sorted(asked) == ["a", "a", "b", "b"]  # in turn

        asked.clear()
        client = RasaClient(http, f"{dead},{second_url}", cooldown=60, retries=0)
        for _ in range(4):
            assert (await client.parse("halo")).intent == "greet"
        assert asked == ["b"] * 4  # the dead one failed once, then was left alone
        assert await client.ready()
    finally:
        await first.cleanup()
        await second.cleanup()
