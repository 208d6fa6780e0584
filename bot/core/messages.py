"""What goes into the core and what comes out: plain data, no I/O.

Channels translate their updates into `Incoming` and render `Reply` objects; every decision in
between is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.core.payloads import MAX_PAYLOAD_BYTES

# Tags of proactive messages other than the outbox's pushes (whose tag is their outbox key).
BOOKING_TAG = "booking"
STAFF_REPLY_TAG = "staff_reply"


class Kind(StrEnum):
    """What the user sent."""

    TEXT = "text"
    BUTTON = "button"
    START = "start"  # /start, possibly with a deep-link payload
    LOCATION = "location"
    CONTACT = "contact"
    MEDIA = "media"  # photo, sticker, voice, video, document…: not understood as text


@dataclass(frozen=True)
class Incoming:
    """One normalised user event from any channel."""

    channel: str
    chat_id: str
    user_id: str
    kind: Kind = Kind.TEXT
    text: str = ""
    payload: str | None = None
    user_name: str | None = None
    media_type: str | None = None
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    # A file's content, when the channel fetched it (only for the staff desk: agenda uploads).
    filename: str | None = None
    attachment: bytes | None = None
    # The id of the message this one replies to (staff answering a relayed "#7 …" message).
    reply_to_id: str | None = None
    # The forum topic it was written in (staff answering inside a handoff's own topic).
    thread: str | None = None
    # The channel's handle of a photo, document, voice note…, to copy it to staff on a handoff.
    media_id: str | None = None
    # Written in a group chat: the conversation (a booking form, say) is the writer's own.
    group: bool = False
    # The sender's own number, where the channel shows it (WhatsApp): "nomor ini" is it.
    sender_phone: str | None = None

    @property
    def conversation(self) -> str:
        """Whose conversation state this event belongs to: the chat, or in a group the
        writer within it, so nobody in a group can answer or submit another member's form."""
        return f"{self.chat_id}/{self.user_id}" if self.group else self.chat_id


@dataclass(frozen=True)
class Button:
    """A choice; `payload` is what comes back (as `Incoming.payload`) when it is pressed."""

    title: str
    payload: str

    def __post_init__(self) -> None:
        if not 0 < len(self.payload.encode()) <= MAX_PAYLOAD_BYTES:
            raise ValueError(
                f"button payload must be 1-{MAX_PAYLOAD_BYTES} bytes: {self.payload!r}"
            )


@dataclass(frozen=True)
class Document:
    """A file to send, e.g. an .ics invitation: its bytes, or, for a large file passed on
    from a user, a temporary file on disk (`path`) that is streamed and never read whole."""

    filename: str
    content: bytes
    mime_type: str
    path: str | None = None

    def discard(self) -> None:
        """Remove the temporary file, once the document has been sent."""
        if self.path is not None:
            Path(self.path).unlink(missing_ok=True)


@dataclass(frozen=True)
class Reply:
    """One message to the user: text, optional buttons, optional document.

    `tag` says what a proactive message is ("agenda:KODE:…", "booking", "staff_reply"): its
    first part picks the approved WhatsApp template used outside the 24-hour window.
    """

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    document: Document | None = None
    tag: str = ""
    thread: str | None = None  # a forum topic of the chat (a handoff's topic in the staff group)
