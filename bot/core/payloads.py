"""Every button payload, encoded and decoded in one place.

A payload is a namespace and an optional value: "m" (the menu), "i:ask_contact" (an intent),
"bd:2027-03-01" (a date in the booking form), "sa:KJ7Q2A9M" (staff approve). The wire format
is the one buttons already sent to users carry, so old buttons keep working. Payloads come
back as untrusted strings: `decode` accepts only known namespaces and values that fit the
channels' limits (Telegram's callback_data is 64 bytes; WhatsApp's reply ids allow 256).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit; WhatsApp allows more.


class Space(StrEnum):
    """What a button is about."""

    MENU = "m"
    INTENT = "i"  # value: an intent a button may ask for
    PROGRAM = "p"  # value: a program id
    HANDOFF_BACK = "hb"  # back from staff to the bot
    # The booking form
    DATE = "bd"  # value: ISO date
    KIND = "bk"  # value: kind of organisation
    DAYS = "bn"  # value: number of days
    TOPIC = "bt"  # value: program id, or "-" for none
    NOTES = "bx"  # value: "-" for no notes
    SUMMARY = "bs"  # value: send / edit / cancel
    EDIT = "be"  # value: the slot to change
    # Changing an existing booking
    PICK_CANCEL = "cc"  # value: booking code
    PICK_RESCHEDULE = "cr"  # value: booking code
    CANCEL_YES = "cy"
    CANCEL_NO = "cn"
    MOVE_YES = "my"  # a move asked about ("ganti tgl 22 april bisa?"), confirmed
    MOVE_NO = "mn"
    AMEND_YES = "zy"  # a new group size or contact number for a sent request, confirmed
    AMEND_NO = "zn"
    # Staff
    APPROVE = "sa"  # value: booking code
    DECLINE = "sd"  # value: booking code


@dataclass(frozen=True)
class Payload:
    """A decoded button payload."""

    space: Space
    value: str = ""

    def __str__(self) -> str:
        return f"{self.space}:{self.value}" if self.value else str(self.space)


def encode(space: Space, value: str = "") -> str:
    """The payload string for a button; refuses what a channel could not carry."""
    raw = str(Payload(space, value))
    if len(raw.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {raw[:80]!r}")
    return raw


def decode(raw: str | None) -> Payload | None:
    """The payload a button came back with, or None when it is not one of ours."""
    if not raw or len(raw.encode()) > MAX_PAYLOAD_BYTES:
        return None
    name, _, value = raw.partition(":")
    try:
        space = Space(name)
    except ValueError:
        return None
    return Payload(space, value)


def is_(raw: str | None, space: Space) -> bool:
    """Whether `raw` is a payload of `space`."""
    payload = decode(raw)
    return payload is not None and payload.space is space


def value_of(raw: str | None, space: Space) -> str | None:
    """The value of a `space` payload, or None when `raw` is not one."""
    payload = decode(raw)
    return payload.value if payload is not None and payload.space is space else None
