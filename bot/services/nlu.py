"""Client for Rasa's own HTTP server (`POST /model/parse`).

Rasa runs in its own Python 3.10 virtualenv (it cannot share the bot's dependencies), so the
bot only ever talks to it over HTTP. A short timeout, one retry, then a cool-down during which
the bot does not wait on a server that just failed: users get the keyword/menu fallback at once,
and the first message after the cool-down tries Rasa again, so recovery needs no restart.

Users send the same few texts again and again ("halo", "menu", "jadwal besok"): Rasa's reading
of a text is remembered for ten minutes, per venue day (dates like "besok" are resolved against
today). A remembered reading also answers while Rasa is down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import aiohttp
from cachetools import TTLCache

from bot.core.nlu import Entity, NluResult, NluUnavailable

log = logging.getLogger(__name__)

CACHE_SECONDS = 600  # a retrained model, once Rasa serves it, is heard within ten minutes


class RasaClient:
    """`NluClient` backed by a running `rasa run --enable-api` server."""

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
        self._endpoint = url.rstrip("/") + "/model/parse"
        self._params = {"token": token} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._cooldown = cooldown
        self._closed_until = 0.0
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
        """Rasa's reading of `text`, not remembered (`parse` remembers it)."""
        if time.monotonic() < self._closed_until:
            raise NluUnavailable("NLU in cool-down after a recent failure")
        error: Exception | None = None
        for attempt in range(self._retries + 1):
            try:
                async with self._session.post(
                    self._endpoint, params=self._params, json={"text": text}, timeout=self._timeout
                ) as response:
                    if response.status != 200:
                        raise NluUnavailable(f"Rasa answered HTTP {response.status}")
                    return to_result(await response.json(content_type=None), text)
            except (aiohttp.ClientError, TimeoutError, ValueError, NluUnavailable) as caught:
                error = caught
                if attempt < self._retries:
                    await asyncio.sleep(0.1 * (attempt + 1))
        self._closed_until = time.monotonic() + self._cooldown
        raise NluUnavailable(f"Rasa unavailable: {error!r}") from error

    def reopen(self) -> None:
        """Rasa is back (or has finished loading): use it from the next message on."""
        self._closed_until = 0.0

    async def ready(self) -> bool:
        """Whether Rasa answers now (for /healthz); does not touch the cool-down."""
        try:
            async with self._session.post(
                self._endpoint, params=self._params, json={"text": "halo"}, timeout=self._timeout
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
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
