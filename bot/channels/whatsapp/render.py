"""The core's `Reply` as WhatsApp Cloud API message bodies, within Meta's limits.

Limits (developers.facebook.com, interactive reply buttons and list messages): ≤ 3 reply
buttons with titles ≤ 20 characters and a body ≤ 1,024; a list has one button label ≤ 20,
≤ 10 rows in total, row titles ≤ 24, descriptions ≤ 72, body ≤ 4,096; text ≤ 4,096.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.text import split_text
from bot.core.messages import Button, Reply

MAX_TEXT = 4096
MAX_BUTTON_BODY = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_LABEL = 20
# A template parameter may not hold new lines, tabs or more than 4 spaces in a row, and the
# template body as a whole is limited to 1,024 characters.
MAX_TEMPLATE_PARAMETER = 900

Body = dict[str, Any]


@dataclass(frozen=True)
class Labels:
    """The few words the renderer adds itself (from the messages file)."""

    choose: str  # body of a button message whose text went out before it
    more: str  # body of a second list, when there are more than 10 choices
    list_button: str  # the button that opens a list
    no_template: str  # why a message outside the 24-hour window was not sent ({kind}, {setting})


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut with "…"; short text is left alone."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 3 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def text_bodies(text: str) -> list[Body]:
    """Plain text messages, split at 4,096 characters."""
    return [
        {"type": "text", "text": {"body": piece, "preview_url": False}}
        for piece in split_text(text, MAX_TEXT)
    ]


def reply_bodies(reply: Reply, labels: Labels) -> list[Body]:
    """Text and choices of one reply (its document is the channel's to upload)."""
    if not reply.buttons:
        return text_bodies(reply.text)
    short_titles = {shorten(button.title, BUTTON_TITLE) for button in reply.buttons}
    # Meta refuses two buttons with the same title: if cutting made two alike, use a list.
    if len(reply.buttons) <= MAX_BUTTONS and len(short_titles) == len(reply.buttons):
        if len(reply.text) <= MAX_BUTTON_BODY and reply.text.strip():
            return [_buttons(reply.text, reply.buttons)]
        return [*text_bodies(reply.text), _buttons(labels.choose, reply.buttons)]
    pieces = split_text(reply.text, MAX_TEXT) if reply.text.strip() else [labels.choose]
    bodies = [body for piece in pieces[:-1] for body in text_bodies(piece)]
    for start in range(0, len(reply.buttons), MAX_ROWS):
        body = pieces[-1] if start == 0 else labels.more
        bodies.append(_list(body, reply.buttons[start : start + MAX_ROWS], labels.list_button))
    return bodies


def template_body(name: str, language: str, text: str) -> Body:
    """An approved template whose body has one variable, filled with `text` on one line."""
    flat = " · ".join(line.strip() for line in text.splitlines() if line.strip())
    return {
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": shorten(flat, MAX_TEMPLATE_PARAMETER)}
                    ],
                }
            ],
        },
    }


def _buttons(body: str, buttons: tuple[Button, ...]) -> Body:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": button.payload,
                            "title": shorten(button.title, BUTTON_TITLE),
                        },
                    }
                    for button in buttons
                ]
            },
        },
    }


def _list(body: str, buttons: tuple[Button, ...], label: str) -> Body:
    rows = []
    for button in buttons:
        row = {"id": button.payload, "title": shorten(button.title, ROW_TITLE)}
        if row["title"] != button.title:  # the whole title, where it has room
            row["description"] = shorten(button.title, ROW_DESCRIPTION)
        rows.append(row)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": shorten(label, LIST_LABEL), "sections": [{"rows": rows}]},
        },
    }
