"""Meta's webhook for the WhatsApp Cloud API: signature check and payload parsing.

Payload shape (developers.facebook.com, "Webhooks › messages"): `entry[].changes[].value` holds
`contacts` (profile names), `messages` (what users sent) and `statuses` (what happened to what
we sent). Each message is parsed on its own, so one odd message does not drop the others.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.core.messages import Incoming, Kind

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
IGNORED_TYPES = ("reaction", "system", "ephemeral", "request_welcome")


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256=").encode(), expected.encode())


@dataclass(frozen=True)
class Inbound:
    """One user message: Meta's id (for deduplication), when it was sent, and the event."""

    message_id: str
    sent_at: datetime
    event: Incoming


@dataclass(frozen=True)
class StatusUpdate:
    """Meta's news about a message we sent."""

    message_id: str
    status: str  # sent | delivered | read | failed
    at: datetime
    error: str = ""


def parse(payload: Any) -> tuple[list[Inbound], list[StatusUpdate]]:
    """Messages and status updates of one webhook call; malformed parts are logged, skipped."""
    inbound: list[Inbound] = []
    statuses: list[StatusUpdate] = []
    for value in _values(payload):
        names = {
            str(contact.get("wa_id")): str((contact.get("profile") or {}).get("name") or "")
            for contact in _dicts(value.get("contacts"))
        }
        for message in _dicts(value.get("messages")):
            try:
                parsed = _message(message, names)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("malformed WhatsApp message skipped: %r", error)
                continue
            if parsed is not None:
                inbound.append(parsed)
        for status in _dicts(value.get("statuses")):
            try:
                statuses.append(_status(status))
            except (KeyError, TypeError, ValueError) as error:
                log.warning("malformed WhatsApp status skipped: %r", error)
    return inbound, statuses


def payload_chat(payload: Any) -> str:
    """The WhatsApp user a webhook payload is about (its first message's sender, or the
    recipient of its first status); "" when it names none."""
    for value in _values(payload):
        for message in _dicts(value.get("messages")):
            return str(message.get("from", ""))
        for status in _dicts(value.get("statuses")):
            return str(status.get("recipient_id", ""))
    return ""


def _values(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    return [
        change["value"]
        for entry in _dicts(payload.get("entry"))
        for change in _dicts(entry.get("changes"))
        if isinstance(change.get("value"), dict)
    ]


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _time(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)


def _message(message: dict[str, Any], names: dict[str, str]) -> Inbound | None:
    """Map one message to the core's event; None for reactions and system notices."""
    kind = str(message.get("type", ""))
    if kind in IGNORED_TYPES:
        return None
    sender = str(message["from"])
    if not sender.isdigit():
        raise ValueError("sender is not a phone number")
    base = Incoming(
        channel=CHANNEL, chat_id=sender, user_id=sender, user_name=names.get(sender) or None,
        sender_phone=f"+{sender}",
    )  # fmt: skip
    event = _event(base, kind, message)
    return Inbound(str(message["id"]), _time(message["timestamp"]), event)


def _event(base: Incoming, kind: str, message: dict[str, Any]) -> Incoming:
    if kind == "text":
        return replace(base, kind=Kind.TEXT, text=str(message["text"]["body"]))
    if kind == "interactive":
        interactive = message["interactive"]
        chosen = interactive.get("button_reply") or interactive.get("list_reply")
        return replace(base, kind=Kind.BUTTON, payload=str(chosen["id"])[:256])
    if kind == "button":  # a quick-reply button of a template message
        button = message["button"]
        return replace(
            base, kind=Kind.BUTTON, payload=str(button.get("payload") or button.get("text"))
        )
    if kind == "location":
        place = message["location"]
        return replace(
            base,
            kind=Kind.LOCATION,
            latitude=float(place["latitude"]),
            longitude=float(place["longitude"]),
        )
    if kind == "contacts":
        phones = [p for c in _dicts(message["contacts"]) for p in _dicts(c.get("phones"))]
        return replace(
            base, kind=Kind.CONTACT, phone=str(phones[0].get("phone")) if phones else None
        )
    if kind in MEDIA_TYPES:
        media = message.get(kind) or {}
        voice = kind == "audio" and media.get("voice")
        return replace(
            base,
            kind=Kind.MEDIA,
            media_type="voice" if voice else kind,
            text=str(media.get("caption") or ""),
            media_id=str(media["id"]) if media.get("id") and kind != "sticker" else None,
        )
    return replace(base, kind=Kind.MEDIA, media_type=kind or "unsupported")


def _status(status: dict[str, Any]) -> StatusUpdate:
    errors = _dicts(status.get("errors"))
    error = "; ".join(f"{e.get('code')} {e.get('title', '')}".strip() for e in errors)
    return StatusUpdate(
        str(status["id"]), str(status["status"]), _time(status["timestamp"]), error
    )
