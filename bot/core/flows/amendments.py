"""A sent request amended by its requester, in words: a new group size ("pak, maaf peserta kami
bertambah jadi 35 orang"), a new contact number ("nomor baru 0813 1111 2222") or a new contact
person ("PIC-nya diganti jadi Ibu Cut Nurul, 0813 7700 1122").

Both are known by their words before any NLU reading, in a chat with one active booking (or
naming its code), and asked to confirm with *Ya, ubah* / *Tidak*. A new size takes the days'
capacity again and sends the booking back to staff for approval, as a reschedule does; a new
number or person changes nothing staff decided and is only told to them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from bot.core.booking import (
    BookingError,
    BookingView,
    DayFull,
    normalise_phone,
    without_phone,
)
from bot.core.calendar_text import long_date
from bot.core.flow import Handler
from bot.core.flows.booking import honoured_name
from bot.core.flows.booking_parts import BookingParts, requested_by
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space, encode, is_
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from nlu.numbers import group_size

AMEND = "amend"
# The steps: what the amendment changes.
SIZE, PHONE, PERSON = "participants", "contact_phone", "contact_name"
SIZE_ASKED = "participants_asked"  # the change asked for, the new number not yet told
PERSON_ASKED = "contact_asked"  # the same for the contact person
# "sy mau ubah jumlah peserta", "mau ganti jumlah rombongan": a new size, its number to come.
_RESIZE_ASKED = re.compile(
    r"\b(?:ubah|ganti|mengubah|merubah|mengganti|tambah|menambah|kurangi|mengurangi|revisi)\s+"
    r"(?:jumlah\s+)?(?:peserta|rombongan)\b",
    re.IGNORECASE,
)

# "peserta kami bertambah jadi 35 orang", "jumlah peserta berubah menjadi 28"; the group
# unnamed too, "kalau nanti bertambah jadi 20 orang bisa?" (console: staff's contact).
_RESIZED = re.compile(
    r"\b(?:peserta|rombongan|jumlah)(?:nya)?\b.{0,25}?\b(?:jadi|menjadi|bertambah|nambah|tambah"
    r"|berkurang|kurang|berubah|diubah|ubah|ganti|diganti)\b"
    r"|\b(?:bertambah|nambah|berkurang)\b.{0,15}?\b(?:jadi|menjadi)\b"
    # "pak ada perubahan, kami datang 30 orang" (console: a person offered), not of the date
    r"|\bperubahan\b(?!\s+(?:jadwal|tanggal|tgl|hari|waktu))",
    re.IGNORECASE,
)
_BY = re.compile(
    r"\b(bertambah|nambah|tambah|berkurang|kurang)\s+(?:sekitar\s+)?\d", re.IGNORECASE
)
_TO = re.compile(r"\b(?:jadi|menjadi)\b", re.IGNORECASE)
# "nomor baru 0813…", "no hp pj ganti jadi 0812…", "ganti nomor wa 0857…".
_RENUMBERED = re.compile(
    r"\b(?:nomor|nomer|no|nmr|hp|wa)\b.{0,25}?\b(?:baru|ganti|diganti|berubah|diubah|jadi"
    r"|menjadi)\b|\b(?:ganti|ubah)\s+(?:nomor|nomer|no|hp|wa)\b",
    re.IGNORECASE,
)
# "PIC-nya diganti ya jadi Ibu Cut Nurul", "penanggung jawab rombongan sekarang Bapak Yusuf".
_NEW_PERSON = re.compile(
    r"\b(?:pic|cp|contact\s+person|narahubung|penanggung\s*jawab|pj)(?:-?nya)?\b.{0,30}?"
    r"\b(?:ganti|diganti|berganti|berubah|diubah|sekarang)\b",
    re.IGNORECASE,
)
# "apakah bisa ganti PJ nya?", "mau ganti penanggung jawab": a new contact, its name to come.
_PERSON_ASKED = re.compile(
    r"\b(?:ganti|ubah|mengganti|mengubah|merubah|tukar)\s+(?:pic|cp|contact\s+person"
    r"|narahubung|penanggung\s*jawab|pj)(?:-?nya)?\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b")  # "Rina Marlina"


def new_person(text: str) -> str | None:
    """The new contact person a message names after saying the contact changed: the first
    honoured name after it ("jadi Ibu Cut Nurul, 0813…" Ibu Cut Nurul), else its first two
    to four capitalised words ("diganti Rina Marlina"); None when it names nobody."""
    told = _NEW_PERSON.search(text)
    return None if told is None else person_named(text[told.end() :])


def person_named(text: str) -> str | None:
    """The person a message names, its phone aside: the first honoured name ("jadi Bapak
    Mulyadi 0812…" Bapak Mulyadi), else its first two to four capitalised words."""
    rest = re.split(r"[,;\n]", without_phone(text).strip(" ,:-"))[0]
    words = rest.split()
    for at in range(len(words) - 1):
        if (name := honoured_name(" ".join(words[at:]))) is not None:
            return name
    run = _CAPITALISED.search(rest)
    return run.group(0) if run is not None else None


def new_size(text: str, old: int) -> int | None:
    """The group size a message gives a booking of `old` people: "bertambah jadi 35 orang"
    35, "bertambah 5 orang" `old` + 5, "berkurang 3 orang" `old` − 3; None when it tells no
    new size."""
    if not _RESIZED.search(text) or (size := group_size(text)) is None:
        return None
    to = list(_TO.finditer(text))
    if to:  # "bertambah 5 orang jadi 40": the number after "jadi"
        after = text[to[-1].end() :]
        bare = re.match(r"\s*(?:sekitar\s+)?(\d{1,4})\b", after)
        return group_size(after) or (int(bare.group(1)) if bare else size)
    by = _BY.search(text)
    if by is None:
        return size
    return old + size if by.group(1).lower() in {"bertambah", "nambah", "tambah"} else old - size


class Amendments(BookingParts):
    """A new group size, contact number or contact person for a sent request."""

    names = frozenset({AMEND})
    spaces = frozenset({Space.AMEND_YES, Space.AMEND_NO})

    def intents(self) -> Mapping[str, Handler]:
        return {}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The amendment a message tells, asked to confirm (it got the staff contact, or the
        contacts; console, a KSPPS from Bogor); None for any other message."""
        if state.flow is not None or event.kind is not Kind.TEXT:
            return None
        if (asked := await self._size_asked(event, text, state)) is not None:
            return asked
        if (asked := await self._person_asked(event, text, state)) is not None:
            return asked
        person = new_person(text)
        phone = normalise_phone(text) if person or _RENUMBERED.search(text) else None
        sized = _RESIZED.search(text) is not None and group_size(text) is not None
        if phone is None and person is None and not sized:
            return None  # the bookings are looked up only for a message that tells one
        booking = await self._only_active(event, text)
        if booking is None:
            return None  # no booking, or which one is unclear: read as any message
        if person is not None:
            new_contact = contact(person, phone or booking.contact_phone)
            slots = {"name": person, "phone": phone or "", "new": new_contact}
            return self._offer(booking, PERSON, slots, _current(booking, PERSON), state)
        if phone is not None:
            return self._offer(booking, PHONE, {"new": phone}, booking.contact_phone, state)
        return self._size_offered(booking, text, state)

    def _size_offered(
        self, booking: BookingView, text: str, state: ConversationState, *, asked: bool = False
    ) -> list[Reply] | None:
        """The new group size `text` tells, asked to confirm (or why it cannot be); None when
        it tells none. Where it was `asked` for, the number alone will do ("30")."""
        new = new_size(text, booking.participants)
        if asked and new is None:
            new = group_size(text) or (int(text.strip()) if text.strip().isdigit() else None)
        if new is None:
            return None
        if new == booking.participants:
            return [Reply(self._t("amend.participants.same", code=booking.code, new=new))]
        if (problem := self._rules.participants_problem(new)) is not None:
            return [Reply(render.refusal(self._t, problem))]
        return self._offer(booking, SIZE, {"new": new}, booking.participants, state)

    async def _size_asked(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "sy mau ubah jumlah peserta", no number yet (console: read as moving the date,
        "Tanggal berapa jadwal barunya?"): the new number asked for, in a chat with one
        active booking; None otherwise."""
        if not _RESIZE_ASKED.search(text) or group_size(text) is not None:
            return None
        booking = await self._only_active(event, text)
        if booking is None:
            return None
        state.flow, state.step, state.slots = AMEND, SIZE_ASKED, {"code": booking.code}
        asked = self._t("amend.participants.ask", code=booking.code, old=booking.participants)
        return [Reply(asked)]

    async def _person_asked(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "apakah bisa ganti PJ nya?", no name yet (console, a KSPPS from Kuningan: read as
        moving the date, "Tanggal berapa jadwal barunya?"): the new contact asked for, in a
        chat with one active booking; None otherwise."""
        if not _PERSON_ASKED.search(text) or new_person(text) or normalise_phone(text):
            return None
        booking = await self._only_active(event, text)
        if booking is None:
            return None
        state.flow, state.step, state.slots = AMEND, PERSON_ASKED, {"code": booking.code}
        old = _current(booking, PERSON)
        return [Reply(self._t("amend.contact_name.ask", code=booking.code, old=old))]

    def _person_offered(
        self, booking: BookingView, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The new contact told after it was asked for ("jadi Bapak Mulyadi 0812…"), asked
        to confirm; None when the message names nobody (it is answered as what it is)."""
        person = person_named(
            re.sub(r"^\W*(?:jadi|menjadi|diganti|ganti|ke)\b", "", text, flags=re.I)
        )
        if person is None:
            return None
        phone = normalise_phone(text)
        new = contact(person, phone or booking.contact_phone)
        slots = {"name": person, "phone": phone or "", "new": new}
        return self._offer(booking, PERSON, slots, _current(booking, PERSON), state)

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The answer to the amendment asked about; a button of one no longer asked is stale.
        Any other message leaves it unmade and is answered as what it is."""
        if state.flow != AMEND:  # its buttons, pressed again later
            ours = is_(event.payload, Space.AMEND_YES) or is_(event.payload, Space.AMEND_NO)
            return [Reply(self._t("input.stale_button"))] if ours else None
        said = self._yes_or_no(event, result, text, (Space.AMEND_YES, Space.AMEND_NO))
        step, slots = state.step or "", state.slots
        state.flow = state.step = None
        state.slots = {}
        if step in {SIZE_ASKED, PERSON_ASKED}:  # the new value, or another message answered
            booking = await self._bookings.get(str(slots.get("code", "")))  # as it is
            if booking is None or not requested_by(event, booking):
                return None
            if step == PERSON_ASKED:
                return self._person_offered(booking, text, state)
            return self._size_offered(booking, text, state, asked=True)
        if said is None:
            return None
        booking = await self._bookings.get(str(slots.get("code", "")))
        if booking is None or not requested_by(event, booking):
            return [Reply(self._t("booking.not_found", code=slots.get("code", "")))]
        if said == "no":
            old = _current(booking, step)
            return [Reply(self._t(f"amend.{step}.kept", code=booking.code, old=old))]
        if step == SIZE:
            return await self._resize(event, booking, int(slots["new"]))
        if step == PERSON:
            phone = str(slots["phone"]) or booking.contact_phone
            return await self._recontact(event, booking, phone, str(slots["name"]))
        return await self._recontact(event, booking, str(slots["new"]), None)

    def _offer(
        self,
        booking: BookingView,
        step: str,
        slots: Mapping[str, int | str],
        old: int | str,
        state: ConversationState,
    ) -> list[Reply]:
        """The amendment asked to confirm, kept in the state until answered; `slots` has the
        new value as it is shown ("new") and what else the step needs."""
        state.flow, state.step = AMEND, step
        state.slots = {"code": booking.code, **slots}
        when = render.when(booking)
        asked = self._t(
            f"amend.{step}.confirm", code=booking.code, when=when, old=old, new=slots["new"]
        )
        buttons = (
            Button(self._t("amend.yes"), encode(Space.AMEND_YES)),
            Button(self._t("amend.no"), encode(Space.AMEND_NO)),
        )
        return [Reply(asked, buttons)]

    async def _resize(self, event: Incoming, booking: BookingView, new: int) -> list[Reply]:
        """The new size taken (back to staff for approval), or why it cannot be."""
        code, old = booking.code, booking.participants
        note = self._t("amend.participants.from", old=old)
        try:
            resized = await self._bookings.resize(
                code, new, self._actor(event), note=lambda _: note
            )
        except DayFull as full:
            day = long_date(full.day)
            return [Reply(self._t("amend.participants.full", day=day, new=new, old=old))]
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        if self._calendar is not None:
            await self._calendar.drop(code)  # pending again: planned anew on approval
        summary = render.details(self._t, self._answers.knowledge, resized)
        told = self._t("staff.resized", old=old, summary=summary)
        await self._to_staff([Reply(told, self._staff_buttons(code))])
        return [Reply(self._t("amend.participants.done", code=code, new=new))]

    async def _recontact(
        self, event: Incoming, booking: BookingView, phone: str, name: str | None
    ) -> list[Reply]:
        """The new contact number, or the new contact person, taken, and staff told."""
        code, step = booking.code, PHONE if name is None else PERSON
        old = _current(booking, step)
        new = phone if name is None else contact(name, phone)
        note = self._t(f"amend.{step}.from", old=old)
        try:
            await self._bookings.recontact(code, phone, self._actor(event), note=note, name=name)
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        await self._to_staff([Reply(self._t(_STAFF_TOLD[step], code=code, old=old, new=new))])
        done = self._t(f"amend.{step}.done", code=code, new=new)
        if name is not None and phone == booking.contact_phone:  # the person, not the number
            done += "\n" + self._t("amend.contact_name.same_phone", phone=phone)
        return [Reply(done)]


_STAFF_TOLD: Mapping[str, str] = MappingProxyType(
    {PHONE: "staff.renumbered", PERSON: "staff.new_person"}
)


def contact(name: str, phone: str) -> str:
    """A contact as the messages show one: "Ibu Cut Nurul (+6281377001122)"."""
    return f"{name} ({phone})"


def _current(booking: BookingView, step: str) -> int | str:
    """What the booking has now for the step an amendment changes."""
    if step == SIZE:
        return booking.participants
    if step == PERSON:
        return contact(booking.contact_name, booking.contact_phone)
    return booking.contact_phone
