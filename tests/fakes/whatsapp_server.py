"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1, plus webhook payloads in Meta's shapes.

It records every request, enforces the limits Meta enforces (≤ 3 buttons with titles ≤ 20,
list rows ≤ 10 with titles ≤ 24, text ≤ 4,096, one-line template parameters) and the 24-hour
window (error 131047 for free-form messages to a user who has not written within 24 hours), and
can fail chosen calls with Meta's error codes (130429, 131056, …).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve

TOKEN = "wa-test-token"
PHONE_NUMBER_ID = "1098765432"
DISPLAY_NUMBER = "+62 812-0000-1234"
APP_SECRET = "wa-app-secret"
VERIFY_TOKEN = "wa-verify-token"
VERSION = "v21.0"
WINDOW = timedelta(hours=24)


@dataclass
class Request:
    """One Graph API request the bot made, and whether it was accepted."""

    path: str
    body: dict[str, Any]
    accepted: bool
    at: float = field(default_factory=time.monotonic)


class FakeGraph:
    """The server: start it, point the bot's WHATSAPP_API_BASE at `base_url`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.uploads: dict[str, tuple[str, bytes]] = {}  # media id -> (filename, content)
        self.media: dict[str, tuple[str, bytes]] = {}  # users' files: media id -> (mime, content)
        self.last_inbound: dict[str, datetime] = {}  # wa_id -> their last message (window)
        self.failures: list[tuple[int, int]] = []  # (error code, how many calls) in order
        self.bare_answers = False  # accept messages without saying their id (a lax server)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> FakeGraph:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post(f"/{VERSION}/{PHONE_NUMBER_ID}/messages", self._messages)
        app.router.add_post(f"/{VERSION}/{PHONE_NUMBER_ID}/media", self._media)
        app.router.add_get(f"/{VERSION}/{PHONE_NUMBER_ID}", self._number)
        app.router.add_get(f"/{VERSION}/{{media_id}}", self._media_url)
        app.router.add_get("/download/{media_id}", self._download)
        self._runner, self.base_url = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(self, code: int, count: int = 1) -> None:
        """Answer the next `count` message sends with Meta's error `code`."""
        self.failures.append((code, count))

    # -- what the bot sent -------------------------------------------------------------

    def sent(self, to: str) -> list[dict[str, Any]]:
        """Accepted message bodies to one user, in order."""
        return [
            r.body
            for r in self.requests
            if r.accepted and r.path == "messages" and r.body.get("to") == to
        ]

    def texts(self, to: str) -> list[str]:
        """What the user read: text bodies, interactive bodies, template parameters."""
        return [message_text(body) for body in self.sent(to)]

    async def wait_for(self, to: str, count: int) -> list[dict[str, Any]]:
        """Wait (up to 15 s) until `count` messages were accepted for `to`."""
        async with asyncio.timeout(15), self._changed:
            await self._changed.wait_for(lambda: len(self.sent(to)) >= count)
        return self.sent(to)

    async def quiet(self, to: str, settle: float = 0.4) -> list[str]:
        """Wait until the bot stops sending to `to`; all texts so far."""
        while True:
            count = len(self.sent(to))
            await asyncio.sleep(settle)
            if len(self.sent(to)) == count:
                return self.texts(to)

    # -- the API -----------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        body = await request.json()
        problem = _invalid(body)
        failure = self._next_failure()
        if problem is None and failure is None and self._outside_window(body):
            failure = 131047
        accepted = problem is None and failure is None
        self.requests.append(Request("messages", body, accepted))
        async with self._changed:
            self._changed.notify_all()
        if problem is not None:
            return _error(400, 131009, f"Parameter value is not valid: {problem}")
        if failure is not None:
            return _error(400, failure, ERRORS.get(failure, "error"))
        if self.bare_answers:
            return web.json_response({"messaging_product": "whatsapp"})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.FAKE{next(self._ids)}"}],
            }
        )

    async def _media(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        form = await request.post()
        upload = form["file"]
        media_id = f"media{next(self._ids)}"
        self.uploads[media_id] = (upload.filename, upload.file.read())  # type: ignore[union-attr]
        self.requests.append(Request("media", {"type": form.get("type")}, True))
        return web.json_response({"id": media_id})

    async def _number(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        return web.json_response(
            {
                "display_phone_number": DISPLAY_NUMBER,
                "verified_name": "Kopjas BMI",
                "id": PHONE_NUMBER_ID,
            }
        )

    async def _media_url(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return _error(400, 100, "Invalid parameter")
        mime, content = self.media[media_id]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/download/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": len(content),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.Response(status=404)
        mime, content = self.media[media_id]
        return web.Response(body=content, content_type=mime)

    def _next_failure(self) -> int | None:
        if not self.failures:
            return None
        code, count = self.failures[0]
        if count <= 1:
            self.failures.pop(0)
        else:
            self.failures[0] = (code, count - 1)
        return code

    def _outside_window(self, body: dict[str, Any]) -> bool:
        if body.get("type") == "template":
            return False
        last = self.last_inbound.get(str(body.get("to")))
        return last is None or datetime.now(UTC) - last >= WINDOW


ERRORS = {
    130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    131047: "Re-engagement message",
    131026: "Message undeliverable",
}


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "fbtrace_id": "AbC",
            }
        },
        status=status,
    )


def _invalid(body: dict[str, Any]) -> str | None:
    """What Meta would refuse in a message body, or None."""
    if body.get("messaging_product") != "whatsapp" or not str(body.get("to", "")).isdigit():
        return "envelope"
    kind = body.get("type")
    if kind == "text":
        return None if 0 < len(body["text"]["body"]) <= 4096 else "text length"
    if kind == "interactive":
        interactive = body["interactive"]
        text = interactive["body"]["text"]
        action = interactive["action"]
        if interactive["type"] == "button":
            titles = [b["reply"]["title"] for b in action["buttons"]]
            ids = [b["reply"]["id"] for b in action["buttons"]]
            if not 1 <= len(titles) <= 3 or any(not 0 < len(t) <= 20 for t in titles):
                return "buttons"
            if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
                return "duplicate buttons"
            return None if 0 < len(text) <= 1024 else "button body"
        rows = [row for section in action["sections"] for row in section["rows"]]
        if not 1 <= len(rows) <= 10 or not 0 < len(action["button"]) <= 20:
            return "list rows"
        if any(len(r["title"]) > 24 or len(r.get("description", "")) > 72 for r in rows):
            return "row title"
        return None if 0 < len(text) <= 4096 else "list body"
    if kind == "template":
        for component in body["template"].get("components", []):
            for parameter in component.get("parameters", []):
                value = parameter.get("text", "")
                if "\n" in value or "\t" in value or "     " in value:
                    return "template parameter with new lines"
        return None
    if kind == "document":
        return None if body["document"].get("id") else "document"
    return f"type {kind}"


def message_text(body: dict[str, Any]) -> str:
    """The readable text of a message body the bot sent."""
    kind = body["type"]
    if kind == "text":
        return str(body["text"]["body"])
    if kind == "interactive":
        return str(body["interactive"]["body"]["text"])
    if kind == "template":
        parameters = body["template"]["components"][0]["parameters"]
        return f"[template {body['template']['name']}] " + " ".join(p["text"] for p in parameters)
    return f"[{kind}]"


def choices(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, title) of the buttons or list rows of an interactive message."""
    if body.get("type") != "interactive":
        return []
    action = body["interactive"]["action"]
    if "buttons" in action:
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(r["id"], r["title"]) for s in action["sections"] for r in s["rows"]]


# -- webhook payloads, in the shapes of Meta's "messages" webhook reference ------------------

_wamids = itertools.count(1)


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    """The object around every webhook call."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281200001234",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def incoming(
    wa_id: str, kind: str, content: dict[str, Any], name: str = "Ibu Rina", **extra: Any
) -> dict[str, Any]:
    """A user's message of `kind` ("text", "interactive", "location", …) with its content."""
    message = {
        "from": wa_id,
        "id": f"wamid.IN{next(_wamids)}{int(time.time() * 1000)}",
        "timestamp": str(int(time.time())),
        "type": kind,
        **({kind: content} if content is not None else {}),
        **extra,
    }
    return envelope(
        {"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]}
    )


def text(wa_id: str, body: str, name: str = "Ibu Rina") -> dict[str, Any]:
    return incoming(wa_id, "text", {"body": body}, name)


def button_reply(wa_id: str, button_id: str, title: str = "Pilihan") -> dict[str, Any]:
    return incoming(
        wa_id,
        "interactive",
        {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
    )


def list_reply(wa_id: str, row_id: str, title: str = "Pilihan") -> dict[str, Any]:
    return incoming(
        wa_id,
        "interactive",
        {"type": "list_reply", "list_reply": {"id": row_id, "title": title, "description": ""}},
    )


def status(wamid: str, wa_id: str, state: str, error_code: int | None = None) -> dict[str, Any]:
    """A status callback for a message the bot sent."""
    item: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if error_code is not None:
        item["errors"] = [{"code": error_code, "title": ERRORS.get(error_code, "error")}]
    return envelope({"statuses": [item]})


def signed(payload: Any, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers Meta sends with it."""
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
