"""Visit bookings as the core sees them: plain records, calendar rules, and the service protocol.

The rules that need no database (dates in the past, lead time, closed days, group size) live
here so the conversation can re-ask at once; capacity is the service's, inside a transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from bot.core.notify import Outgoing

MAX_DAYS = 3


class Status(StrEnum):
    """Where a booking stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ACTIVE = frozenset({Status.PENDING, Status.APPROVED})  # these hold capacity


@dataclass(frozen=True)
class BookingRequest:
    """Everything the conversation collected, ready to submit."""

    org_name: str
    org_kind: str
    origin: str
    contact_name: str
    contact_phone: str
    participants: int
    start_date: date
    days: int
    topics: tuple[str, ...]
    notes: str
    channel: str
    chat_id: str
    user_id: str
    # Staff book for others without the per-user limits.
    by_staff: bool = False
    # The conversation's key for this submission: the same key files one booking, however
    # often it is sent.
    request_key: str | None = None


@dataclass(frozen=True)
class BookingView:
    """A stored booking, as shown to requesters and staff."""

    code: str
    status: Status
    org_name: str
    org_kind: str
    origin: str
    contact_name: str
    contact_phone: str
    participants: int
    start_date: date
    days: int
    topics: tuple[str, ...]
    notes: str
    channel: str
    chat_id: str
    invite_code: str | None = None
    reason: str = ""
    user_id: str = ""
    # True when a request came back that this submission had already filed.
    repeated: bool = False

    @property
    def end_date(self) -> date:
        """The last day of the visit."""
        return self.start_date + timedelta(days=self.days - 1)

    def visit_days(self) -> list[date]:
        """Every day of the visit."""
        return [self.start_date + timedelta(days=offset) for offset in range(self.days)]


class BookingError(Exception):
    """A booking operation that cannot be done; `key` names the message to show."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


class TooMany(BookingError):
    """The user already holds as many requests or visits as one user may."""

    def __init__(self, key: str, held: list[BookingView], limit: int) -> None:
        super().__init__(key, code=held[0].code if held else "", limit=limit)
        self.held = held


class DayFull(BookingError):
    """No room left on one of the requested days."""

    def __init__(self, day: date, alternatives: list[date]) -> None:
        super().__init__("booking.day_full", day=day)
        self.day = day
        self.alternatives = alternatives


@dataclass(frozen=True)
class BookingRules:
    """Calendar and group-size rules from the settings."""

    lead_days: int = 7
    max_participants: int = 100
    max_pending_per_user: int = 1
    max_active_per_user: int = 3
    closed_weekdays: frozenset[int] = frozenset({6})  # Monday = 0 … Sunday = 6
    holidays: dict[date, str] = field(default_factory=dict)

    def date_problem(self, start: date, days: int, today: date) -> BookingError | None:
        """Why the visit cannot start on `start` for `days` days (capacity aside), if it can't."""
        if start < today:
            return BookingError("booking.date_past")
        if start < today + timedelta(days=self.lead_days):
            earliest = today + timedelta(days=self.lead_days)
            return BookingError(
                "booking.date_too_soon", lead_days=self.lead_days, earliest=earliest
            )
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day.weekday() in self.closed_weekdays:
                return BookingError("booking.date_closed", day=day)
            if day in self.holidays:
                return BookingError("booking.date_holiday", day=day, name=self.holidays[day])
        return None

    def share_problem(
        self, pending: list[BookingView], upcoming: list[BookingView]
    ) -> TooMany | None:
        """Why one user may not file another request: they already hold their share of
        pending requests or of approved visits to come."""
        if len(pending) >= self.max_pending_per_user:
            return TooMany("booking.pending_exists", pending, self.max_pending_per_user)
        if len(upcoming) >= self.max_active_per_user:
            return TooMany("booking.active_limit", upcoming, self.max_active_per_user)
        return None

    def participants_problem(self, participants: int) -> BookingError | None:
        """Why the group size is not acceptable, if it isn't."""
        if participants < 1:
            return BookingError("booking.participants_invalid")
        if participants > self.max_participants:
            return BookingError("booking.participants_over", limit=self.max_participants)
        return None


# Cooperatives known by initials: "KPRI" (civil servants), "KPBS", "KPSBU" (dairy farmers).
INITIALS = r"kp(?:ri|n|bs|sbu|sp)"
# A word that says what kind of organisation the name that follows is.
KIND_WORD = re.compile(
    rf"(?:koperasi|kop(?!in?\b)\w+|ksp\w*|ksu|kud|{INITIALS}|bmt|coop|cu|dinas|diskop\w*"
    r"|dinkop\w*|bumdes|gapoktan"
    r"|pemkab|pemkot|dekopin\w*|smkn?|sman?|smpn?|madrasah|pesantren|ponpes|universitas|uin"
    r"|politeknik|yayasan|tk|paud|sdn?|sdit|mts|mtsn)",
    re.IGNORECASE,
)
# Who the sender is, by the kind of their body: "dari koperasi karyawan", "kami KSP …".
SENDER_KIND = re.compile(
    rf"\b(?:dari|dr|kami|kmi|saya|sy|beta|ambo|abdi ti|kulo saking|saking|kunjungan|rombongan)\s+"
    r"(?:(?:guru|dosen|ketua|pengurus|staf|pembina|kepala\s+sekolah)\s+(?:di\s+|dari\s+)?)?"
    rf"(?P<kind>{KIND_WORD.pattern})(?!\w)",
    re.IGNORECASE,
)

# The key, in a conversation's paused form, that marks it left with "batal": kept aside for
# an "eh jangan batal" said next, never resumed as a form put aside.
FORM_LEFT = "left"
# "kalau setelah lebaran?", "klo tgl 20?", "kalau sabtu sore?": the question before (or the
# usual one), asked again of another time.
FOLLOW_UP = re.compile(r"^\W*(?:kalau|kalo|klo|kl|gimana\s+kalau|bagaimana\s+kalau)\b", re.I)

# When a request is answered, or how long its review takes: "kira2 kapan ya dikonfirmasi?",
# "biasanya berapa lama prosesnya sampai dapat konfirmasi?", "brp lama di acc?".
HOW_LONG = re.compile(
    r"\b(?:berapa\s+lama|brp\s+lama|kapan|lama)\b.{0,40}\b(?:dikonfirmasi|konfirmasi"
    r"|disetujui|persetujuan|diproses|proses(?:nya)?|dibalas|balasan|acc|dikabari|dikabarin"
    r"|kabarnya|diinfokan|diinformasikan)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"^(?:\+?62|0)(8\d{7,12})$")
_PHONE_ABROAD = re.compile(r"^\+((?!62)[1-9]\d{7,14})$")  # E.164, another country
# A mobile number written inside a sentence ("wa saya 0812 3777 8899 ya pak").
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+?62|0)[\s\-.]*\(?8[\d\s\-.()]{7,18}\d(?!\d)")
_PHONE_LABELLED = re.compile(
    r"(?:\b(?:no|nomor|nmr|nomer)\b[.:]?\s*)?(?:\b(?:hp|wa|telp|tlp|telepon|whatsapp|handphone)"
    r"(?:nya)?\b(?:\s+(?:saya|sy|kami|beliau))?[.:]?\s*)?" + _PHONE_IN_TEXT.pattern,
    re.IGNORECASE,
)


def normalise_phone(text: str) -> str | None:
    """An Indonesian mobile number as +628…, from "0856-9575-1994", "+62 856 …", "62856…",
    alone or inside a sentence ("wa saya 0812 3777 8899"); a number abroad written
    internationally ("+60 12-345 6789"), alone."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    match = _PHONE.match(digits)
    if match is None and (found := _PHONE_IN_TEXT.search(text)) is not None:
        match = _PHONE.match(re.sub(r"[\s\-().]", "", found.group(0)))
    if match is not None:
        return f"+62{match.group(1)}"
    abroad = _PHONE_ABROAD.match(digits)  # "+60 12-345 6789": a delegation from abroad
    return f"+{abroad.group(1)}" if abroad else None


def without_phone(text: str) -> str:
    """The text with its mobile number and the word naming it taken out ("Pak Yuli 0812 3777
    8899" -> "Pak Yuli", "Ibu Maria, hp 0813…" -> "Ibu Maria,")."""
    return " ".join(_PHONE_LABELLED.sub(" ", text).split())


class Places(Protocol):
    """Organisations and places as people write them."""

    def written_out(self, name: str) -> str:
        """A name as it is written in a letter: "dinkop kab solok" -> "Dinas Koperasi
        Kabupaten Solok", "makassar, sulsel" -> "Makassar, Sulawesi Selatan"."""
        ...

    def organisation(self, name: str) -> str:
        """A body's name as a letter writes it (`written_out`), without the province after
        its kabupaten or kota: "… kab. garut jawa barat" -> "… Kabupaten Garut"."""
        ...

    def origin(self, text: str) -> str | None:
        """ "Kabupaten Solok, Sumatera Barat" when the text names a region, else None."""
        ...

    def is_region(self, name: str) -> bool:
        """ "Kota Tangerang", "Sumbar": a place, not an organisation."""
        ...

    def town(self, name: str) -> str | None:
        """ "makassar" -> "Kota Makassar, Sulawesi Selatan": a kabupaten or kota named alone."""
        ...

    def district(self, name: str) -> str | None:
        """ "Rangkasbitung" -> "Rangkasbitung, Kabupaten Lebak, Banten": a kecamatan named
        alone that no other region shares its name with."""
        ...


# The messages announcing a booking's change, built from the changed booking.
Notices = Callable[[BookingView], list[Outgoing]]


class Bookings(Protocol):
    """What the conversation needs from the booking service."""

    async def request(self, request: BookingRequest) -> BookingView:
        """Store a new pending booking, reserving capacity; raises `DayFull`, or `TooMany`
        when the user already holds their share. A request whose key was filed before
        returns that booking (`repeated`)."""
        ...

    async def held_by(
        self, channel: str, user_id: str
    ) -> tuple[list[BookingView], list[BookingView]]:
        """The user's pending requests and their approved visits still to come."""
        ...

    async def free_days(self, start: date, days: int, participants: int) -> bool:
        """Whether every day from `start` still has room for this group."""
        ...

    async def alternatives(
        self, around: date, days: int, participants: int, count: int = 3
    ) -> list[date]:
        """The nearest start dates (after the lead time) with room for this group."""
        ...

    async def free_between(
        self, first: date, last: date, days: int, participants: int, count: int
    ) -> list[date]:
        """Up to `count` start dates from `first` to `last` (rules and capacity allowing)."""
        ...

    async def get(self, code: str) -> BookingView | None:
        """A booking by its code (any case)."""
        ...

    async def by_invite(self, invite_code: str) -> BookingView | None:
        """The booking a participants' invite code belongs to."""
        ...

    async def for_chat(self, channel: str, chat_id: str) -> list[BookingView]:
        """The bookings requested from one chat, newest first."""
        ...

    async def approve(self, code: str, actor: str, notices: Notices | None = None) -> BookingView:
        """pending -> approved; gives the booking its invite code. `notices(approved)`
        are the messages announcing it, put in the outbox in the same transaction."""
        ...

    async def decline(
        self, code: str, actor: str, reason: str, notices: Notices | None = None
    ) -> BookingView:
        """pending -> declined, releasing capacity; `notices` as for `approve`."""
        ...

    async def cancel(
        self, code: str, actor: str, *, reason: str = "", notices: Notices | None = None
    ) -> BookingView:
        """pending/approved -> cancelled, releasing capacity; `notices` as for `approve`."""
        ...

    async def reschedule(
        self,
        code: str,
        start: date,
        days: int,
        actor: str,
        *,
        note: Callable[[BookingView], str],
        notices: Notices | None = None,
    ) -> BookingView:
        """Move to new dates (same code, history kept) and back to pending for approval;
        `note` words the history line from the booking as it was; `notices` as for
        `approve`."""
        ...

    async def resize(
        self,
        code: str,
        participants: int,
        actor: str,
        *,
        note: Callable[[BookingView], str],
        notices: Notices | None = None,
    ) -> BookingView:
        """A new group size, as `reschedule` (`DayFull` when a day cannot take it)."""
        ...

    async def recontact(
        self, code: str, phone: str, actor: str, *, note: str, name: str | None = None
    ) -> BookingView:
        """A new contact number, and a new contact person when `name` is given; status and
        days unchanged, `note` the history line."""
        ...

    async def pending(self) -> list[BookingView]:
        """Requests waiting for staff."""
        ...

    async def upcoming(self, today: date) -> list[BookingView]:
        """Approved and pending visits from today on."""
        ...

    async def export_csv(self) -> bytes:
        """Every booking as CSV, for staff."""
        ...
