"""Every button payload goes through one module: it round-trips, fits the channels' limits,
keeps the wire format old buttons carry, and nothing else in `bot/` slices one by hand."""

from __future__ import annotations

import re

import pytest

from bot.config import ROOT
from bot.core.engine import BUTTON_INTENTS, ENGINE_SPACES
from bot.core.flows.amendments import Amendments
from bot.core.flows.availability import Availability
from bot.core.flows.booking import SLOTS, BookingFlow
from bot.core.flows.changes import BookingChanges
from bot.core.flows.handoff import HandoffFlow
from bot.core.flows.participants import ParticipantFlow
from bot.core.flows.staff import StaffFlow
from bot.core.knowledge import Knowledge
from bot.core.payloads import MAX_PAYLOAD_BYTES, Payload, Space, decode, encode

WHATSAPP_ID_LIMIT = 256  # interactive reply ids


def every_payload(knowledge: Knowledge) -> list[Payload]:
    """Each namespace with every value the bot gives it (codes at their full 8 characters)."""
    code = "KJ7Q2A9M"
    values: dict[Space, list[str]] = {
        Space.MENU: [""], Space.HANDOFF_BACK: [""], Space.CANCEL_YES: [""],
        Space.CANCEL_NO: [""], Space.MOVE_YES: [""], Space.MOVE_NO: [""],
        Space.AMEND_YES: [""], Space.AMEND_NO: [""],
        Space.INTENT: sorted(BUTTON_INTENTS),
        Space.PROGRAM: [p.id for p in knowledge.programs],
        Space.TOPIC: [p.id for p in knowledge.programs] + ["-"],
        Space.DATE: ["2027-03-01"], Space.KIND: ["koperasi", "dinas", "lainnya"],
        Space.DAYS: ["1", "2", "3"], Space.NOTES: ["-"],
        Space.SUMMARY: ["send", "edit", "cancel"], Space.EDIT: list(SLOTS),
        Space.PICK_CANCEL: [code], Space.PICK_RESCHEDULE: [code],
        Space.APPROVE: [code], Space.DECLINE: [code],
    }  # fmt: skip
    assert set(values) == set(Space)  # a new namespace needs its values listed here
    return [Payload(space, value) for space, listed in values.items() for value in listed]


def test_every_payload_round_trips_within_the_channels_limits(knowledge: Knowledge) -> None:
    for payload in every_payload(knowledge):
        raw = encode(payload.space, payload.value)
        assert decode(raw) == payload
        assert len(raw.encode()) <= min(MAX_PAYLOAD_BYTES, WHATSAPP_ID_LIMIT)


@pytest.mark.parametrize(
    ("payload", "raw"),
    [
        (Payload(Space.MENU), "m"),
        (Payload(Space.INTENT, "ask_contact"), "i:ask_contact"),
        (Payload(Space.PROGRAM, "jawara"), "p:jawara"),
        (Payload(Space.DATE, "2027-03-01"), "bd:2027-03-01"),
        (Payload(Space.CANCEL_YES), "cy"),
        (Payload(Space.APPROVE, "KJ7Q2A9M"), "sa:KJ7Q2A9M"),
        (Payload(Space.HANDOFF_BACK), "hb"),
    ],
)
def test_the_wire_format_is_what_buttons_already_sent_carry(payload: Payload, raw: str) -> None:
    assert encode(payload.space, payload.value) == raw


@pytest.mark.parametrize("raw", [None, "", "zz:1", "x" * 65, "sa:" + "K" * 62, "DROP TABLE"])
def test_what_is_not_one_of_ours_decodes_to_nothing(raw: str | None) -> None:
    assert decode(raw) is None


def test_a_payload_a_channel_could_not_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(Space.TOPIC, "x" * 70)


def test_no_module_builds_or_slices_a_payload_by_hand() -> None:
    by_hand = re.compile(r"payload\[|payload\.(?:startswith|removeprefix)\(|\"[a-z]{1,2}:\"")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "bot").rglob("*.py")
        if path.name != "payloads.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []


def test_every_namespace_has_exactly_one_owner() -> None:
    """The engine answers its own buttons; every other namespace is declared by one flow."""
    owners = [ENGINE_SPACES, StaffFlow.spaces, HandoffFlow.spaces, ParticipantFlow.spaces,
              BookingFlow.spaces, BookingChanges.spaces, Amendments.spaces,
              Availability.spaces]  # fmt: skip
    claimed = [space for owned in owners for space in owned]
    assert sorted(claimed) == sorted(Space)
