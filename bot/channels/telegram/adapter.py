"""Telegram via aiogram 3: updates in, `Incoming` to the engine, `Reply` objects out.

Replies are sent as plain text (no parse mode), so nothing a user typed can inject markup.
Every callback query is answered, even a stale or forged one, so the client's spinner stops.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TypeVar

from aiogram import Bot, Dispatcher, Router
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatMemberStatus, ContentType
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)

from bot.channels.files import CHUNK, temporary_path
from bot.channels.telegram.pacing import TelegramPace
from bot.channels.telegram.session import TolerantSession
from bot.channels.text import split_text
from bot.core.engine import Engine
from bot.core.messages import Button, Document, Incoming, Kind, Reply
from bot.core.notify import DeliveryFailed
from bot.privacy import Redactor

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_UPLOAD = 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
SEND_ATTEMPTS = 4
T = TypeVar("T")


def create_bot(token: str, api_base: str) -> Bot:
    """A Bot talking to `api_base` (Telegram's, a self-hosted Bot API server, or a test fake)."""
    session = TolerantSession(api=TelegramAPIServer.from_base(api_base))
    return Bot(token=token, session=session)


def create_dispatcher(
    engine: Engine, output: TelegramOutput, staff_chat_id: int | None = None
) -> Dispatcher:
    """The dispatcher with the user-facing router; `engine` and `output` reach handlers by
    name.

    In the staff group every message goes to the engine (staff commands need no @mention);
    in other groups only messages addressed to the bot do.
    """
    dispatcher = Dispatcher(engine=engine, output=output, staff_chat_id=staff_chat_id)
    dispatcher.include_router(user_router())
    return dispatcher


def user_router() -> Router:
    """Handlers for users' messages and button presses, in private chats and groups."""
    router = Router(name="telegram-users")
    router.message.register(on_message, not_a_channel)
    router.callback_query.register(on_callback)
    return router


async def not_a_channel(message: Message) -> bool:
    """A coroutine, not `F.chat.type != "channel"`: aiogram runs a plain function or a magic
    filter in a thread (`asyncio.to_thread`), one thread hop per message for a comparison."""
    return message.chat.type != "channel"


async def on_message(
    message: Message,
    bot: Bot,
    engine: Engine,
    output: TelegramOutput,
    staff_chat_id: int | None,
) -> None:
    """Pass a user's message to the engine and send its replies."""
    if message.from_user is None or message.from_user.is_bot:
        return
    me = await bot.me()
    staff_desk = message.chat.id == staff_chat_id
    event = to_incoming(message, me, listen_all=staff_desk)
    if event is None:
        return
    if staff_desk and message.document is not None:  # staff upload an agenda file
        event = await with_attachment(bot, message, event)
    replies = await engine.handle(event)
    if event.thread is not None:  # answer in the forum topic the message came from
        replies = [replace(reply, thread=reply.thread or event.thread) for reply in replies]
    await output.send_replies(message.chat.id, replies)


async def on_callback(query: CallbackQuery, engine: Engine, output: TelegramOutput) -> None:
    """Answer the button press at once, then treat its data as an untrusted payload."""
    try:
        await output.call(query.answer)
    except DeliveryFailed as error:  # a too-old query: the press is still handled
        log.info("callback query not answered: %s", error)
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    event = Incoming(
        channel=CHANNEL,
        chat_id=str(chat_id),
        user_id=str(query.from_user.id),
        kind=Kind.BUTTON,
        payload=(query.data or "")[:64],
        user_name=query.from_user.full_name,
        group=message is not None and message.chat.type != "private",
    )
    await output.send_replies(chat_id, await engine.handle(event))


def to_incoming(message: Message, me: User, listen_all: bool = False) -> Incoming | None:
    """Translate a message; None for group chatter not addressed to the bot."""
    text = message.text or ""
    if message.chat.type != "private" and not listen_all and not _addressed(message, me):
        return None
    if me.username:
        text = text.replace(f"@{me.username}", "").strip()
    user = message.from_user
    replied = message.reply_to_message
    # In a forum every message replies to its topic's first message; that is not a reply.
    topic_start = replied is not None and replied.message_id == message.message_thread_id
    base = Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(user.id if user else message.chat.id),
        user_name=user.full_name if user else None,
        reply_to_id=str(replied.message_id) if replied and not topic_start else None,
        thread=str(message.message_thread_id) if message.is_topic_message else None,
        group=message.chat.type != "private",
    )
    if message.text is not None:
        if text == "/start" or text.startswith("/start "):
            payload = text.removeprefix("/start").strip() or None
            return replace(base, kind=Kind.START, text=text, payload=payload)
        return replace(base, kind=Kind.TEXT, text=text)
    if message.location is not None:
        return replace(
            base,
            kind=Kind.LOCATION,
            latitude=message.location.latitude,
            longitude=message.location.longitude,
        )
    if message.contact is not None:
        return replace(base, kind=Kind.CONTACT, phone=message.contact.phone_number)
    return replace(
        base,
        kind=Kind.MEDIA,
        media_type=ContentType(message.content_type).value,
        text=message.caption or "",
        media_id=_file_id(message),
    )


def _file_id(message: Message) -> str | None:
    """The file of a photo (largest size), document, video or voice note; stickers are not
    worth passing on."""
    if message.photo:
        return message.photo[-1].file_id
    for media in (message.document, message.video, message.voice, message.audio):
        if media is not None:
            return media.file_id
    return None


async def with_attachment(bot: Bot, message: Message, event: Incoming) -> Incoming:
    """Fetch a small document (≤ 1 MB) and carry it, with its caption as the text."""
    document = message.document
    if document is None or (document.file_size or 0) > MAX_UPLOAD:
        return event
    content = await bot.download(document)
    return replace(
        event,
        kind=Kind.TEXT,
        text=message.caption or "",
        filename=document.file_name or "agenda",
        attachment=content.read() if content else None,
    )


def _addressed(message: Message, me: User) -> bool:
    """In a group the bot speaks only when mentioned, commanded or replied to."""
    text = message.text or message.caption or ""
    if me.username and f"@{me.username}".lower() in text.lower():
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == me.id)


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Inline keyboard: one button a row, two a row for long lists."""
    if not buttons:
        return None
    per_row = 2 if len(buttons) > 5 else 1
    rows = [
        [
            InlineKeyboardButton(text=button.title, callback_data=button.payload)
            for button in buttons[start : start + per_row]
        ]
        for start in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramOutput:
    """Everything the bot sends to Telegram, paced per chat (`TelegramPace`), with 429
    honoured for the chat it was about, network errors and 5xx retried with backoff, and
    errors that never carry the bot token (aiohttp puts request URLs in them)."""

    def __init__(self, bot: Bot, pace: TelegramPace) -> None:
        self._bot = bot
        self._pace = pace

    async def send_replies(self, chat_id: int | str, replies: list[Reply]) -> None:
        """Best effort, for answers to a user: a refused or failed send is logged, not
        raised."""
        try:
            await self.deliver(chat_id, replies)
        except DeliveryFailed as error:
            log.warning("Telegram message to a chat not delivered: %s", error)

    async def deliver(self, chat_id: int | str, replies: list[Reply]) -> list[str]:
        """Send replies (split at 4,096 characters, buttons on the last piece) or raise
        `DeliveryFailed` (permanent for 403/400) once retries run out; the ids of the
        messages posted."""
        posted: list[str] = []
        bot = self._bot
        for reply in replies:
            pieces = split_text(reply.text, MAX_TEXT)
            thread = int(reply.thread) if reply.thread else None
            for index, piece in enumerate(pieces):
                markup = keyboard(reply.buttons) if index == len(pieces) - 1 else None
                sent = await self.call(
                    partial(
                        bot.send_message,
                        chat_id,
                        piece,
                        reply_markup=markup,
                        message_thread_id=thread,
                    ),
                    chat_id,
                )
                posted.append(str(sent.message_id))
            if reply.document is not None:
                document = reply.document
                upload = (
                    FSInputFile(document.path, filename=document.filename, chunk_size=CHUNK)
                    if document.path is not None
                    else BufferedInputFile(document.content, filename=document.filename)
                )
                sent = await self.call(
                    partial(bot.send_document, chat_id, upload, message_thread_id=thread),
                    chat_id,
                )
                posted.append(str(sent.message_id))
        return posted

    async def open_topic(self, chat_id: str, name: str) -> str | None:
        """A forum topic in a supergroup with topics; None when the group has none (or the
        bot may not manage topics), so the caller falls back to reply threads."""
        try:
            topic = await self.call(
                partial(self._bot.create_forum_topic, chat_id, name[:128]), chat_id
            )
        except (DeliveryFailed, AiogramError) as error:  # also an answer aiogram cannot read
            log.info("no forum topic in the staff group: %s", _without_token(str(error)))
            return None
        return str(topic.message_thread_id)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Whether the user is the group's creator or an administrator (False on any
        error: staff rights fail closed)."""
        try:
            member = await self.call(partial(self._bot.get_chat_member, chat_id, int(user_id)))
        except (DeliveryFailed, AiogramError, ValueError) as error:
            log.warning("staff rights of a user not known: %s", _without_token(str(error)))
            return False
        return member.status in {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR}

    async def fetch(self, file_id: str) -> Document | None:
        """A user's file (≤ 20 MB, the Bot API's download limit), to pass on to staff,
        streamed into a temporary file."""
        bot = self._bot
        try:
            file = await self.call(partial(bot.get_file, file_id))
            if (file.file_size or 0) > MAX_DOWNLOAD or not file.file_path:
                return None
            name = file.file_path.rsplit("/", 1)[-1]
            path = temporary_path(name)
            await bot.download_file(file.file_path, destination=path, chunk_size=CHUNK)
        except (DeliveryFailed, AiogramError, OSError) as error:
            log.warning("Telegram file not fetched: %s", _without_token(str(error)))
            return None
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Document(name, b"", mime, path=path)

    async def call(self, call: Callable[[], Awaitable[T]], chat_id: int | str = "") -> T:
        """Honour 429 retry_after (for that chat only), retry network and 5xx errors with
        backoff; other API errors (400, 403, 404…) are final."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            if chat_id != "":
                await self._pace.wait(chat_id)
            try:
                return await call()
            except TelegramRetryAfter as error:
                if chat_id == "":
                    await asyncio.sleep(error.retry_after)
                else:
                    self._pace.pause(chat_id, error.retry_after)
                if attempt == SEND_ATTEMPTS:
                    raise _failed("rate limited", error, permanent=False) from error
            except (TelegramNetworkError, TelegramServerError) as error:
                if attempt == SEND_ATTEMPTS:
                    raise _failed(type(error).__name__, error, permanent=False) from error
                await asyncio.sleep(0.5 * 2**attempt)
            except TelegramAPIError as error:  # 400, 403, 404 (a method a server lacks), 409…
                raise _failed(type(error).__name__, error, permanent=True) from error
        raise DeliveryFailed("no attempt made", permanent=False)


def _without_token(text: str) -> str:
    return Redactor()(text)


def _failed(what: str, error: Exception, *, permanent: bool) -> DeliveryFailed:
    return DeliveryFailed(_without_token(f"{what}: {error}"), permanent=permanent)
