"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real aiogram bot polls it (`TELEGRAM_API_BASE` points here) exactly as it would poll
api.telegram.org. Tests push user updates in, read what the bot called, and inject failures
(429 with retry_after, 5xx) into chosen methods.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Kunjungan BMI",
    "username": "kunjungan_bmi_bot",
}


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the server answered (a sent message has its message_id)


@dataclass
class Failure:
    """A failure to return for the next `count` calls of a method."""

    status: int
    count: int
    retry_after: int | None = None


class FakeTelegram:
    """The server: start it, point a Bot at `base_url`, push updates, inspect `calls`."""

    def __init__(self, token: str = "123456:TEST-token", rate_limit: float | None = None) -> None:
        self.token = token
        self.calls: list[Call] = []
        # (method, chat) -> its calls: `sent(chat)` stays cheap with thousands of chats
        self._by_chat: dict[tuple[str, str], list[Call]] = {}
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, Failure] = {}
        self.files: dict[str, bytes] = {}  # file_id -> content, for documents users send
        self.blocked: set[int] = set()  # users who blocked the bot: sends to them get 403
        self.forums: set[int] = set()  # supergroups with topics: createForumTopic works there
        self.topics: dict[int, str] = {}  # message_thread_id -> name of the topics created
        self.admins: set[int] = set()  # users getChatMember reports as administrators
        self.chat_failures: dict[str, Failure] = {}  # chat_id -> failure of sends to it
        self.rate_limit = rate_limit  # sends per second over all chats, like Telegram's ~30
        self._recent_sends: list[float] = []
        self.throttled = 0
        self.listeners: list[Callable[[Call], None]] = []  # told of every successful call
        self._update_ids = itertools.count(1)
        self._confirmed = 0
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        # (method, chat) -> the condition its waiters sleep on: a send wakes that chat's
        # waiters only, not every test user's (hundreds in the burst tests)
        self._chat_changed: dict[tuple[str, str], asyncio.Condition] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> FakeTelegram:
        """Listen on a free loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, self.base_url = await serve(app)
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what users do -------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Budi") -> dict[str, Any]:
        """A user object."""
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "id"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        """A chat object."""
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": "Budi"}
        return {"id": chat_id, "type": chat_type, "title": "Grup"}

    async def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (any shape: malformed ones included); returns its update_id."""
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        async with self._changed:
            self._changed.notify_all()
        return update_id

    async def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        chat_type: str = "private",
        **extra: Any,
    ) -> int:
        """A user writes `text`."""
        return await self.push(
            {"message": self.message(chat_id, user_id, chat_type, text=text, **extra)}
        )

    def message(
        self, chat_id: int, user_id: int | None = None, chat_type: str = "private", **content: Any
    ) -> dict[str, Any]:
        """A message object from a user, with arbitrary content (sticker, voice, location…)."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id or chat_id),
            **content,
        }

    async def send_in_topic(self, chat_id: int, thread: int, user_id: int, **content: Any) -> int:
        """Someone writes in a forum topic of a supergroup (staff answering a handoff)."""
        message = self.message(chat_id, user_id, "supergroup", **content)
        message["chat"]["is_forum"] = True
        message["message_thread_id"] = thread
        message["is_topic_message"] = True
        # Telegram marks a topic message as a reply to the topic's first message.
        message["reply_to_message"] = {
            "message_id": thread,
            "date": int(time.time()),
            "chat": message["chat"],
            "forum_topic_created": {"name": self.topics.get(thread, "topik"), "icon_color": 1},
        }
        return await self.push({"message": message})

    def in_topic(self, chat_id: int, thread: int) -> list[str]:
        """Texts the bot sent into one forum topic."""
        return [
            call.params.get("text", "")
            for call in self.sent(chat_id)
            if str(call.params.get("message_thread_id")) == str(thread)
        ]

    async def press(
        self, chat_id: int, data: str, user_id: int | None = None, chat_type: str = "private"
    ) -> str:
        """A user presses an inline button carrying `data`; returns the callback query id."""
        query_id = f"cq{next(self._update_ids)}"
        await self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id or chat_id),
                    "chat_instance": "ci",
                    "data": data,
                    "message": {
                        "message_id": next(self._message_ids),
                        "date": int(time.time()),
                        "chat": self.chat(chat_id, chat_type),
                        "from": BOT_USER,
                        "text": "menu",
                    },
                }
            }
        )
        return query_id

    # ---- what the bot did ---------------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Calls of `method`, to `chat_id` if given."""
        if chat_id is not None:
            return list(self._by_chat.get((method, str(chat_id)), ()))
        return [call for call in self.calls if call.method == method]

    def texts(self, chat_id: int) -> list[str]:
        """Texts the bot sent to a chat, in order."""
        return [call.params.get("text", "") for call in self.sent(chat_id)]

    async def wait_for(
        self, chat_id: int | None, count: int, method: str = "sendMessage", within: float = 15.0
    ) -> list[Call]:
        """Wait until at least `count` calls of `method` to `chat_id` were made."""
        deadline = time.monotonic() + within
        changed = (
            self._changed
            if chat_id is None
            else self._chat_changed.setdefault((method, str(chat_id)), asyncio.Condition())
        )
        async with changed:
            while len(self.sent(chat_id, method)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} {method} to {chat_id}, got "
                        f"{[c.params.get('text', '')[:80] for c in self.sent(chat_id, method)]}"
                    )
                try:
                    await asyncio.wait_for(changed.wait(), remaining)
                except TimeoutError:
                    continue
        return self.sent(chat_id, method)

    def fail(
        self, method: str, status: int, count: int = 1, retry_after: int | None = None
    ) -> None:
        """Make the next `count` calls of `method` fail with HTTP `status`."""
        self.failures[method] = Failure(status, count, retry_after)

    def fail_chat(
        self, chat_id: int, status: int, count: int = 1, retry_after: int | None = None
    ) -> None:
        """Make the next `count` sends to one chat fail with HTTP `status`."""
        self.chat_failures[str(chat_id)] = Failure(status, count, retry_after)

    def message_ids(self, chat_id: int) -> list[int]:
        """Ids of the messages the bot sent to a chat, in order."""
        return [int(call.result["message_id"]) for call in self.sent(chat_id)]

    # ---- the Bot API --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        failure = self.failures.get(method.lower()) or self.failures.get(method)
        if method.startswith("send") and str(params.get("chat_id")) in self.chat_failures:
            failure = self.chat_failures[str(params.get("chat_id"))]
        if failure and failure.count > 0:
            failure.count -= 1
            self._record(Call(f"{method}!failed", params))
            if failure.status == 429:
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry later",
                        "parameters": {"retry_after": failure.retry_after or 1},
                    },
                    status=429,
                )
            return self._error(failure.status, "Internal Server Error")
        if method == "getUpdates":
            return await self._get_updates(params)
        if method.startswith("send") and self.rate_limit is not None:
            now = time.monotonic()
            self._recent_sends = [t for t in self._recent_sends if now - t < 1.0]
            if len(self._recent_sends) >= self.rate_limit:
                self.throttled += 1
                return web.json_response(
                    {"ok": False, "error_code": 429, "description": "Too Many Requests",
                     "parameters": {"retry_after": 1}},
                    status=429,
                )  # fmt: skip
            self._recent_sends.append(now)
        if method == "createForumTopic" and int(params.get("chat_id") or 0) not in self.forums:
            self._record(Call(f"{method}!failed", params))
            return self._error(400, "Bad Request: the chat is not a forum")
        if method.startswith("send") and int(params.get("chat_id") or 0) in self.blocked:
            self._record(Call(f"{method}!blocked", params))
            return self._error(403, "Forbidden: bot was blocked by the user")
        call = Call(method, params, result=self._result(method, params))
        self._record(call)
        for listener in self.listeners:
            listener(call)
        await self._notify(call)
        return web.json_response({"ok": True, "result": call.result})

    async def _notify(self, call: Call) -> None:
        """Wake whoever waits for this call: its chat's waiters, and those waiting on any."""
        for changed in (self._chat_changed.get((call.method, str(call.params.get("chat_id")))),
                        self._changed):  # fmt: skip
            if changed is not None:
                async with changed:
                    changed.notify_all()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._by_chat.setdefault((call.method, str(call.params.get("chat_id"))), []).append(call)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                else:
                    params[key] = self._decode(str(value))
        for key, value in list(params.items()):  # aiogram uploads files as attach://<field>
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"), value)
        return params

    @staticmethod
    def _decode(value: str) -> Any:
        if value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        # Like Telegram: an offset confirms every update below it, and those are forgotten, so
        # a restarted bot (which polls without an offset) only gets what was not confirmed.
        self._confirmed = max(self._confirmed, int(params.get("offset") or 0))
        offset = self._confirmed
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        return web.json_response({"ok": True, "result": pending[:100]})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        content = memoryview(self.files[file_id])
        response = web.StreamResponse()
        response.content_length = len(content)
        await response.prepare(request)
        for start in range(0, len(content), 64 * 1024):  # in chunks, as a real server streams
            await response.write(content[start : start + 64 * 1024])
        await response.write_eof()
        return response

    def document(self, file_id: str, filename: str, content: bytes) -> dict[str, Any]:
        """A document a user sends; its content is served for getFile + download."""
        self.files[file_id] = content
        return {"file_id": file_id, "file_unique_id": file_id, "file_name": filename,
                "file_size": len(content)}  # fmt: skip

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChatMember":
            user = int(params.get("user_id") or 0)
            status = "creator" if user in self.admins else "member"
            member: dict[str, Any] = {"status": status, "user": self.user(user)}
            if status == "creator":
                member["is_anonymous"] = False
            return member
        if method == "createForumTopic":
            thread = next(self._message_ids)
            self.topics[thread] = str(params["name"])
            return {"message_thread_id": thread, "name": params["name"], "icon_color": 7322096}
        if method == "getFile":
            file_id = str(params.get("file_id"))
            return {"file_id": file_id, "file_unique_id": file_id,
                    "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}  # fmt: skip
        if method in {"sendMessage", "editMessageText", "sendDocument"}:
            result: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self.chat(int(params.get("chat_id", 0))),
                "from": BOT_USER,
            }
            if "text" in params:
                result["text"] = params["text"]
            if method == "sendDocument":
                result["document"] = {"file_id": "f1", "file_unique_id": "u1"}
            return result
        return True

    @staticmethod
    def _error(status: int, description: str) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": status, "description": description}, status=status
        )
