"""An aiogram session that survives a malformed update in a getUpdates batch.

aiogram validates the whole getUpdates response at once: one update it cannot parse fails the
batch, and polling retries the same batch forever, so every user after it goes unanswered.
Here a batch that fails is validated update by update; a malformed update is logged and
replaced by its bare `update_id`, which aiogram skips while still moving the offset past it.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from pydantic import ValidationError

log = logging.getLogger(__name__)


class TolerantSession(AiohttpSession):
    """`AiohttpSession` with per-update validation of getUpdates results."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # pydantic caches `Response[Message]` and friends only weakly: once garbage-collected,
        # the next call builds the class again (~15 ms of CPU, on most API calls under load).
        # A strong reference per result type makes aiogram's `Response[...]` a cache hit.
        self._response_types: dict[Any, Any] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        updates = isinstance(method, GetUpdates)
        try:
            return super().check_response(bot, method, status_code, content)
        except ClientDecodeError:
            if not updates:
                raise
            # Only a batch that failed is validated update by update (the usual case stays cheap).
            cleaned = self._neutralise_malformed(bot, content)
        return super().check_response(bot, method, status_code, cleaned)

    def _neutralise_malformed(self, bot: Bot, content: str) -> str:
        try:
            data: Any = self.json_loads(content)
        except ValueError:
            return content
        results = data.get("result") if isinstance(data, dict) else None
        if not isinstance(results, list):
            return content
        cleaned = []
        for item in results:
            try:
                Update.model_validate(item, context={"bot": bot})
                cleaned.append(item)
            except ValidationError as error:
                update_id = item.get("update_id") if isinstance(item, dict) else None
                if not isinstance(update_id, int):
                    continue
                log.warning("malformed Telegram update %s skipped: %s", update_id, error)
                cleaned.append({"update_id": update_id})
        return str(self.json_dumps({**data, "result": cleaned}))
