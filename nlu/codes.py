"""Booking and invite codes: how they are spelled and how they are found in a message.

Codes use an alphabet without 0/O and 1/I so they survive being read aloud over the phone or
copied from a printed letter. Shared by the NLU component and the bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Booking codes only ever open the requester's own chat's booking; invite codes let anyone
# join a visit, so they are longer: 32^8 ≈ 1.1e12 (README, "Security").
CODE_LENGTH = 5
INVITE_LENGTH = 8

_SHORT = r"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-HJ-NP-Za-hj-np-z2-9]{5,8}"
_PREFIXED = r"[A-Za-z]{2,5}-[0-9A-Za-z]{3,8}"
_CUE = (
    r"(?:kode(?:\s+(?:booking|undangan|pemesanan|reservasi|kunjungan|peserta))?"
    r"|gabung|join|no\.?|nomor|code)"
)

# An upper-case code anywhere; any case after a cue word or alone in the message.
_UPPER = re.compile(
    r"(?<![\w-])(?:(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-HJ-NP-Z2-9]{5,8}|[A-Z]{2,5}-\d{3,8})(?![\w-])"
)
_CUED = re.compile(rf"(?<!\w){_CUE}\s*:?\s*(?P<code>{_PREFIXED}|{_SHORT})(?![\w-])", re.IGNORECASE)
_ALONE = re.compile(rf"^\s*(?P<code>{_PREFIXED}|{_SHORT})\s*[.!?]*\s*$")


@dataclass(frozen=True)
class CodeMention:
    """A code found in a text; ``value`` is upper case."""

    start_char: int
    end_char: int
    text: str
    value: str


def find_codes(text: str) -> list[CodeMention]:
    """Return the booking / invite codes in ``text``, left to right."""
    found: dict[int, CodeMention] = {}
    for match in _CUED.finditer(text):
        start, end = match.span("code")
        found[start] = CodeMention(start, end, match["code"], match["code"].upper())
    for pattern in (_UPPER, _ALONE):
        for match in pattern.finditer(text):
            group = "code" if "code" in pattern.groupindex else 0
            start, end = match.span(group)
            found.setdefault(start, CodeMention(start, end, match[group], match[group].upper()))
    return [found[start] for start in sorted(found)]
