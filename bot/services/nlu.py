"""Client for Rasa's own HTTP server (`POST /model/parse`).

Rasa runs in its own Python 3.10 virtualenv (it cannot share the bot's dependencies), so the
bot only ever talks to it over HTTP. A short timeout, one retry, then a cool-down during which
the bot does not wait on a server that just failed: users get the keyword/menu fallback at once,
and the first message after the cool-down tries Rasa again, so recovery needs no restart.

Several Rasa servers may be given (RASA_URL="http://a:5005,http://b:5005"): texts go to them in
turn, and a server that fails is skipped (in cool-down) while the others answer.

Users send the same few texts again and again ("halo", "menu", "jadwal besok"): Rasa's reading
of a text is remembered for ten minutes, per venue day (dates like "besok" are resolved against
today). A remembered reading also answers while Rasa is down.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import aiohttp
from cachetools import TTLCache

from bot.core.nlu import Entity, NluResult, NluUnavailable

log = logging.getLogger(__name__)

CACHE_SECONDS = 600  # a retrained model, once Rasa serves it, is heard within ten minutes


@dataclass
class _Server:
    """One Rasa server and until when it is left alone after failing."""

    endpoint: str
    closed_until: float = 0.0


class RasaClient:
    """`NluClient` backed by one or more running `rasa run --enable-api` servers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        token: str | None = None,
        timeout: float = 3.0,
        retries: int = 1,
        cooldown: float = 10.0,
        cache_size: int = 0,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._session = session
        self._servers = [
            _Server(part.strip().rstrip("/") + "/model/parse")
            for part in url.split(",")
            if part.strip()
        ]
        self._turn = itertools.count()
        self._params = {"token": token} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._cooldown = cooldown
        self._today = today
        self._cache: TTLCache[tuple[date, str], NluResult] | None = (
            TTLCache(cache_size, CACHE_SECONDS) if cache_size > 0 else None
        )
        self.cache_hits = 0

    async def parse(self, text: str) -> NluResult:
        """Classify `text`, or raise `NluUnavailable` quickly when Rasa is down or slow."""
        if self._cache is None:
            return await self.ask(text)
        key = (self._today(), text)
        result = self._cache.get(key)
        if result is not None:
            self.cache_hits += 1
            return result
        result = self._cache[key] = await self.ask(text)
        return result

    async def ask(self, text: str) -> NluResult:
        """Rasa's reading of `text`, not remembered (`parse` remembers it): from the next
        server in turn, or the one after if that one fails."""
        start = next(self._turn)
        ordered = [
            self._servers[(start + n) % len(self._servers)] for n in range(len(self._servers))
        ]
        now = time.monotonic()
        open_ = [server for server in ordered if server.closed_until <= now]
        if not open_:
            raise NluUnavailable("NLU in cool-down after a recent failure")
        error: Exception | None = None
        for server in open_:
            try:
                return await self._ask(server, text)
            except NluUnavailable as failed:
                error = failed
                server.closed_until = time.monotonic() + self._cooldown
                log.warning("Rasa at %s failed (%s); next server", server.endpoint, failed)
        raise NluUnavailable(f"Rasa unavailable: {error!r}") from error

    async def _ask(self, server: _Server, text: str) -> NluResult:
        error: Exception | None = None
        for attempt in range(self._retries + 1):
            try:
                async with self._session.post(
                    server.endpoint, params=self._params, json={"text": text},
                    timeout=self._timeout,
                ) as response:  # fmt: skip
                    if response.status != 200:
                        raise NluUnavailable(f"Rasa answered HTTP {response.status}")
                    return to_result(await response.json(content_type=None), text)
            except (aiohttp.ClientError, TimeoutError, ValueError, NluUnavailable) as caught:
                error = caught
                if attempt < self._retries:
                    await asyncio.sleep(0.1 * (attempt + 1))
        raise NluUnavailable(repr(error)) from error

    def reopen(self) -> None:
        """Rasa is back (or has finished loading): use it from the next message on."""
        for server in self._servers:
            server.closed_until = 0.0

    async def ready(self) -> bool:
        """Whether a Rasa server answers now (for /healthz); does not touch the cool-down."""
        for server in self._servers:
            try:
                async with self._session.post(
                    server.endpoint, params=self._params, json={"text": "halo"},
                    timeout=self._timeout,
                ) as response:  # fmt: skip
                    if response.status == 200:
                        return True
            except (aiohttp.ClientError, TimeoutError):
                continue
        return False


def to_result(data: Any, text: str) -> NluResult:
    """Turn Rasa's JSON into an `NluResult`; anything malformed is `NluUnavailable`."""
    try:
        intent = data["intent"]
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise TypeError("no intent name")
        entities = tuple(
            Entity(
                name=str(raw["entity"]),
                value=raw["value"] if isinstance(raw["value"], int) else str(raw["value"]),
                text=text[int(raw["start"]) : int(raw["end"])],
                start=int(raw["start"]),
                end=int(raw["end"]),
            )
            for raw in data.get("entities") or ()
        )
        ranking = tuple(
            (str(item["name"]), float(item["confidence"]))
            for item in data.get("intent_ranking") or ()
        )
        return NluResult(
            intent=str(intent["name"]),
            confidence=float(intent["confidence"]),
            entities=entities,
            ranking=ranking,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise NluUnavailable(f"malformed Rasa answer: {error!r}") from error
