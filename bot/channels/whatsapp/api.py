"""The WhatsApp Cloud API (Graph API) over aiohttp: send messages, upload media.

Errors come back as `{"error": {"code": …, "message": …}}`. Rate limits (130429 per number,
131056 per user pair, 131048 spam limit, 80007 account) and 5xx/network errors are retried
with exponential backoff; anything else is final. 131047 means the 24-hour window is closed
(the channel then falls back to a template).
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from pathlib import Path
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from bot.channels.files import CHUNK, temporary_path
from bot.core.messages import Document

log = logging.getLogger(__name__)

RATE_LIMITED = frozenset({130429, 131056, 131048, 80007})
WINDOW_CLOSED = 131047
ATTEMPTS = 4
MAX_DOWNLOAD = 16 * 1024 * 1024


class GraphError(Exception):
    """The API refused a request; `code` is Meta's error code (0 for transport errors)."""

    def __init__(self, code: int, message: str, *, retryable: bool) -> None:
        super().__init__(f"{code} {message}".strip())
        self.code = code
        self.retryable = retryable


class GraphAPI:
    """One business phone number's sending side."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        base_url: str,
        version: str,
        phone_number_id: str,
        token: str,
        per_second: float = 80,
        backoff: float = 1.0,
    ) -> None:
        self._http = http
        self._root = f"{base_url.rstrip('/')}/{version.strip('/')}"
        self._number = phone_number_id
        self._headers = {"Authorization": f"Bearer {token}"}
        self._limiter = AsyncLimiter(per_second, 1)
        self._backoff = backoff

    async def send(self, to: str, body: dict[str, Any]) -> str | None:
        """Send one message (`body` without the envelope); Meta's message id (wamid), None if
        the answer has none (the message was still accepted)."""
        message = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        answer = await self._call("POST", f"{self._number}/messages", json={**message, **body})
        sent = answer.get("messages")
        if isinstance(sent, list) and sent and isinstance(sent[0], dict) and sent[0].get("id"):
            return str(sent[0]["id"])
        return None

    async def upload(self, document: Document) -> str:
        """Upload a file for a document message; its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", document.mime_type)
        content = (
            await asyncio.to_thread(Path(document.path).read_bytes)
            if document.path is not None
            else document.content
        )
        form.add_field(
            "file", content, filename=document.filename, content_type=document.mime_type
        )
        answer = await self._call("POST", f"{self._number}/media", data=form)
        if not answer.get("id"):
            raise GraphError(0, "media upload answered without an id", retryable=False)
        return str(answer["id"])

    async def display_number(self) -> str | None:
        """The number users write to (for wa.me links), or None if the API does not say."""
        try:
            answer = await self._call(
                "GET", self._number, params={"fields": "display_phone_number"}
            )
        except GraphError as error:
            log.warning("WhatsApp phone number not known: %s", error)
            return None
        digits = "".join(ch for ch in str(answer.get("display_phone_number", "")) if ch.isdigit())
        return digits or None

    async def download(self, media_id: str) -> Document | None:
        """A file a user sent (≤ 16 MB), streamed into a temporary file: its URL comes from
        the media id, the file from the URL (both with the token); None when it cannot be
        had."""
        path: str | None = None
        try:
            info = await self._call("GET", media_id)
            if int(info.get("file_size") or 0) > MAX_DOWNLOAD:
                return None
            mime = str(info.get("mime_type") or "application/octet-stream").split(";")[0]
            name = f"whatsapp-{media_id}{mimetypes.guess_extension(mime) or ''}"
            path = temporary_path(name)
            async with (
                self._limiter,
                self._http.get(
                    str(info["url"]),
                    headers=self._headers,
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response,
            ):
                response.raise_for_status()
                await _save(response, path)
        except (GraphError, aiohttp.ClientError, TimeoutError, KeyError, OSError) as error:
            log.warning("WhatsApp media not fetched: %s", error)
            if path is not None:
                Document(name, b"", "", path=path).discard()
            return None
        return Document(name, b"", mime, path=path)

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self._root}/{path}"
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._limiter:
                    return await self._request(method, url, **kwargs)
            except GraphError as error:
                if not error.retryable or attempt == ATTEMPTS:
                    raise
                log.info("WhatsApp API %s, retry %d", error, attempt)
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise GraphError(0, "no attempt made", retryable=False)

    async def _request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._http.request(
                method,
                url,
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=20),
                **kwargs,
            ) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise GraphError(0, f"{type(error).__name__}: {error}", retryable=True) from error
        if status < 400 and isinstance(answer, dict):
            return answer
        detail = answer.get("error", {}) if isinstance(answer, dict) else {}
        code = int(detail.get("code") or 0)
        message = str(detail.get("message") or f"HTTP {status}")
        retryable = code in RATE_LIMITED or status == 429 or status >= 500
        raise GraphError(code, message, retryable=retryable)


async def _save(response: aiohttp.ClientResponse, path: str) -> None:
    """Write a download to `path` chunk by chunk, never holding it whole; over MAX_DOWNLOAD
    is refused (a server may not say the size first)."""
    written = 0
    with open(path, "wb") as out:  # noqa: ASYNC230 - local disk, one 64 KB chunk at a time
        async for chunk in response.content.iter_chunked(CHUNK):
            written += len(chunk)
            if written > MAX_DOWNLOAD:
                raise OSError("file larger than the download limit")
            out.write(chunk)
