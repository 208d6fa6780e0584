"""Meta's webhook payloads mapped to the core's events; signatures checked."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.webhook import parse, signature_valid
from bot.core.messages import Kind
from tests.fakes import whatsapp_server as meta

WA = "6281299990000"


def test_a_valid_signature_passes_and_anything_else_fails() -> None:
    body, headers = meta.signed(meta.text(WA, "halo"))
    header = headers["X-Hub-Signature-256"]
    assert signature_valid(body, header, meta.APP_SECRET)
    assert not signature_valid(body + b" ", header, meta.APP_SECRET)
    assert not signature_valid(body, header, "other")
    assert not signature_valid(body, None, meta.APP_SECRET)
    assert not signature_valid(body, header.removeprefix("sha256="), meta.APP_SECRET)
    assert not signature_valid(body, "sha1=" + header[7:], meta.APP_SECRET)


def test_text_with_the_profile_name() -> None:
    (message,), statuses = parse(meta.text(WA, "halo kak", name="Ibu Rina"))
    assert statuses == []
    event = message.event
    assert (event.channel, event.chat_id, event.user_id) == ("whatsapp", WA, WA)
    assert (event.kind, event.text, event.user_name) == (Kind.TEXT, "halo kak", "Ibu Rina")
    assert event.sender_phone == f"+{WA}"  # "nomor ini" in the booking form is this one
    assert message.message_id.startswith("wamid.")


@pytest.mark.parametrize(
    ("payload", "kind", "field", "value"),
    [
        (meta.button_reply(WA, "bs:send"), Kind.BUTTON, "payload", "bs:send"),
        (meta.list_reply(WA, "p:jawara"), Kind.BUTTON, "payload", "p:jawara"),
        (
            meta.incoming(WA, "button", {"text": "Ya", "payload": "yes-payload"}),
            Kind.BUTTON,
            "payload",
            "yes-payload",
        ),
        (
            meta.incoming(WA, "location", {"latitude": -6.1, "longitude": 106.6}),
            Kind.LOCATION,
            "latitude",
            -6.1,
        ),
        (
            meta.incoming(
                WA,
                "contacts",
                [{"name": {"formatted_name": "A"}, "phones": [{"phone": "+62 81"}]}],
            ),
            Kind.CONTACT,
            "phone",
            "+62 81",
        ),
        (
            meta.incoming(WA, "audio", {"id": "1", "voice": True}),
            Kind.MEDIA,
            "media_type",
            "voice",
        ),
        (meta.incoming(WA, "sticker", {"id": "2"}), Kind.MEDIA, "media_type", "sticker"),
        (
            meta.incoming(WA, "document", {"id": "3", "caption": "agenda", "filename": "a.pdf"}),
            Kind.MEDIA,
            "text",
            "agenda",
        ),
        (meta.incoming(WA, "unsupported", None), Kind.MEDIA, "media_type", "unsupported"),
        (meta.incoming(WA, "order", {"catalog_id": "1"}), Kind.MEDIA, "media_type", "order"),
    ],
)
def test_message_types(payload: dict, kind: Kind, field: str, value: object) -> None:
    (message,), _ = parse(payload)
    assert message.event.kind is kind
    assert getattr(message.event, field) == value


def test_reactions_are_ignored_and_statuses_parsed() -> None:
    reaction = meta.incoming(WA, "reaction", {"message_id": "wamid.X", "emoji": "👍"})
    assert parse(reaction) == ([], [])
    _, (status,) = parse(meta.status("wamid.OUT1", WA, "failed", error_code=131047))
    assert (status.message_id, status.status) == ("wamid.OUT1", "failed")
    assert status.error.startswith("131047")


@pytest.mark.parametrize(
    "payload",
    [None, [], "x", {}, {"entry": "x"}, {"entry": [{"changes": [{"value": 5}]}]}],
)
def test_malformed_payloads_give_nothing(payload: object) -> None:
    assert parse(payload) == ([], [])


def test_one_malformed_message_does_not_drop_the_others() -> None:
    payload = meta.text(WA, "halo")
    messages = payload["entry"][0]["changes"][0]["value"]["messages"]
    messages.insert(0, {"from": "not-a-number", "id": "x", "timestamp": "1", "type": "text"})
    messages.insert(0, {"type": "text", "text": {"body": "no sender"}})
    (message,), _ = parse(payload)
    assert message.event.text == "halo"
