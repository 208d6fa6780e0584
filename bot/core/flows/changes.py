"""Changing an existing booking: checking it, cancelling it (with a confirmation), moving it
to another date. Only the requester (the chat, and in a group the member, that made it) may.
A new group size or contact number is `amendments`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from bot.core.booking import (
    HOW_LONG,
    BookingError,
    BookingView,
    DayFull,
    Status,
    without_phone,
)
from bot.core.calendar_text import date_span, long_date, short_date
from bot.core.flow import Handler
from bot.core.flows.booking import day_in, month_of
from bot.core.flows.booking_parts import (
    CHANGED_TO,
    DAY_TOLD,
    BookingParts,
    requested_by,
    shift_in,
)
from bot.core.menus import main_menu
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space, decode, encode, is_, value_of
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from nlu.dates import find_dates
from nlu.numbers import group_size

CANCEL, RESCHEDULE = "cancel", "reschedule"
MOVE_ASKED = "move_asked"  # a move asked about as a question, waiting for yes or no


def _bare_day(text: str, booking: BookingView) -> date | None:
    """ "tanggal 10" alone, of the booking's month: "tidak jadi mundur, tetap tanggal 10 saja"
    after a move (console: the date asked for again)."""
    if not DAY_TOLD.search(text):
        return None
    return day_in(text, month_of(booking.start_date))


# Registered outside this chat: "yang daftar lewat telpon ke pak sehnuri", "via wa".
_BY_PHONE = re.compile(
    r"\b(?:lewat|via|melalui|pakai|pake)\s+(?:telp\w*|telep\w*|tlp|wa|whatsapp|e-?mail)\b",
    re.IGNORECASE,
)
# Postponed, no new date yet: "bisa ditunda dulu?", "kami pending dulu".
_POSTPONED = re.compile(
    r"\b(?:tunda\w*|ditunda|menunda|pending|dipending|ditangguhkan)\b", re.IGNORECASE
)
# "kapan kira2?" alone, right after the chat's requests were shown (console, a women's
# cooperative from Blitar: the nearest free days): when the answer comes.
_WHEN = re.compile(
    r"^\W*(?:terus\s+|lalu\s+|jadi\s+)?(?:kapan|kpn)"
    r"(?:\s+(?:kira2|kira-kira|kira|kirakira|ya|kak|pak|bu|min|dong|nih|itu))*\W*$",
    re.IGNORECASE,
)
# What comes after sending, asked: "langkah selanjutnya apa?", "selanjutnya bagaimana?".
_NEXT_STEP = re.compile(
    r"\b(?:langkah|proses|tahap)\s+(?:selanjutnya|berikutnya)\b"
    r"|\bselanjutnya\s+(?:apa|bagaimana|gimana|gmn)\b",
    re.IGNORECASE,
)


class BookingChanges(BookingParts):
    """Check, cancel, reschedule."""

    names = frozenset({CANCEL, RESCHEDULE})
    spaces = frozenset(
        {
            Space.PICK_CANCEL,
            Space.PICK_RESCHEDULE,
            Space.CANCEL_YES,
            Space.CANCEL_NO,
            Space.MOVE_YES,
            Space.MOVE_NO,
        }
    )

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "kapan dikabari bu?" after sending a request (console: off-topic, "di luar layanan
        kami"): when the answer comes, and where the chat's requests stand; None without a
        request waiting (the model reads it), or for a complaint ("kok lama belum
        dikonfirmasi?"), which the engine answers with an apology first. A new length for
        the visit ("jadi 1 hari saja") is offered as a move."""
        if state.flow is None and (relength := await self._length_changed(event, text, state)):
            return relength
        shown = state.last_intents[-1:] == ["check_booking"]  # "kapan kira2?" right after it
        if state.flow is not None or not (self._asks_when(text) or (shown and _WHEN.match(text))):
            return None
        own = await self._own_bookings(event)
        if any(booking.status is Status.PENDING for booking in own):
            return await self.check(event, None, text, state)
        return None

    async def _length_changed(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """A new length for the chat's one active visit, naming no date ("jadi 1 hari saja
        bisa?" after sending got how visits go, console): the move to it offered; None for
        any other message."""
        to = CHANGED_TO.search(text)
        if to is None or find_dates(text, self._today()):
            return None
        days = self._days_in(text[to.end() : to.end() + 16])  # not "2 hari jadi berapa?"
        booking = await self._only_active(event, text) if days is not None else None
        if booking is None or days is None or days == booking.days:
            return None
        state.flow, state.slots = RESCHEDULE, {"code": booking.code}
        return self._move_offered(booking, booking.start_date, days, state)

    def _asks_when(self, text: str) -> bool:
        """ "kapan dikabari?", "sudah saya kirim pak, terus langkah selanjutnya apa?" (console:
        the list alone): when a request is answered or what comes next, asked, not
        complained of."""
        asked = HOW_LONG.search(text) or _NEXT_STEP.search(text)
        return asked is not None and not self._t.mentions(text, "words.waiting")

    def intents(self) -> Mapping[str, Handler]:
        return {
            "check_booking": self.check,
            "cancel_booking": self.cancel,
            "reschedule_booking": self.reschedule,
        }

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """A cancel being confirmed, a new date for a reschedule, a booking picked from a list,
        and a cancel button from a conversation that has moved on."""
        pressed = decode(event.payload)
        space = pressed.space if pressed is not None else None
        if state.flow == CANCEL:
            return await self.cancel_answer(event, result, text, state)
        if state.flow == RESCHEDULE:
            if state.step == MOVE_ASKED and (
                said := self._yes_or_no(
                    event, result, text, (Space.MOVE_YES, Space.MOVE_NO), "reschedule_booking"
                )
            ):
                return await self.move_answer(event, said == "yes", state)
            if event.kind is Kind.TEXT and not self._names_a_date(text):
                booking = await self._bookings.get(str(state.slots.get("code", "")))
                if booking is not None and (held := await self._postponed(booking, text, state)):
                    return held  # "iya tunda dulu", "belum tahu tanggalnya" (console)
            if event.kind is Kind.TEXT and self._sure_reply(result, text) == "yes":
                # "iya" where the new date is asked (console: it left the change unmade)
                return [Reply(self._t("reschedule.which_date"))]
            if event.kind is Kind.TEXT and not self._names_a_date(text):
                state.flow = state.step = None  # "berapa biayanya?": answered as what it is,
                state.slots = {}  # not "tanggalnya belum saya pahami" for ever
                return None
            return await self.reschedule_date(event, result, text, state)
        if space in self.spaces - {Space.PICK_CANCEL, Space.PICK_RESCHEDULE}:
            return [Reply(self._t("input.stale_button"), main_menu(self._t))]
        if space is Space.PICK_CANCEL:
            return await self.cancel(event, result, text, state)
        if space is Space.PICK_RESCHEDULE:
            return await self.reschedule(event, result, text, state)
        return None

    async def check(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """A booking by code (only the requester's chat may see it), or the chat's bookings."""
        code = self._code(result, text)
        if code:
            booking, refused = await self._own_booking(event, code)
            return (
                refused
                if booking is None
                else [Reply(render.details(self._t, self._answers.knowledge, booking))]
            )
        own = await self._own_bookings(event)
        if not own:
            none = Reply(self._t("booking.none_yet"), (self._book_button(),))
            if HOW_LONG.search(text):  # "berapa lama biasanya dikonfirmasi setelah daftar?"
                return [Reply(self._t("booking.after_send")), none]
            if self._t.mentions(text, "words.registered"):  # registered from another phone?
                # or by phone to staff ("yang daftar lewat telpon ke pak sehnuri", console)
                key = "booking.by_phone" if _BY_PHONE.search(text) else "booking.none_active"
                elsewhere = self._t(key, **self._answers.main_contact())
                return [Reply(elsewhere, (self._book_button(),))]
            return [none]
        replies = [Reply(render.listed(self._t, own))]
        asked = self._asks_when(text) or _WHEN.match(text) is not None
        if asked and any(b.status is Status.PENDING for b in own):
            return [Reply(self._t("booking.under_review")), *replies]
        return replies

    async def cancel(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Pick the booking to cancel, then ask to confirm."""
        booking, replies = await self._take(event, result, text, state, CANCEL)
        if booking is None and state.paused and not await self._own_bookings(event):
            # "kunjungan kami batalkan saja, anggaran belum cair" with only a form put aside
            # (console): the form is dropped, not "no active booking" and the form kept
            state.paused = {}
            return [self._left()]
        if booking is None:
            return replies
        return [
            Reply(
                self._t("cancel.confirm", code=booking.code, when=render.when(booking)),
                (
                    Button(self._t("cancel.yes"), encode(Space.CANCEL_YES)),
                    Button(self._t("cancel.no"), encode(Space.CANCEL_NO)),
                ),
            )
        ]

    async def cancel_answer(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Yes cancels (staff are told), anything else keeps the booking."""
        code = str(state.slots.get("code", ""))
        # A sure yes only: "kode tadi apa ya?" read as a faint yes must not cancel a visit.
        said = self._confirmed(result, text, confirms="cancel_booking")
        yes = is_(event.payload, Space.CANCEL_YES) or said == "yes"
        state.flow = state.step = None
        state.slots = {}
        if not yes:
            return [Reply(self._t("cancel.kept", code=code))]
        booking = await self._bookings.get(code)
        if booking is None or not requested_by(event, booking):
            return [Reply(self._t("booking.not_found", code=code))]
        try:
            cancelled = await self._bookings.cancel(code, self._actor(event))
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        if self._calendar is not None:
            await self._calendar.drop(code)
        await self._to_staff(
            [Reply(self._t("staff.cancelled", summary=render.brief(self._t, cancelled)))]
        )
        return [Reply(self._t("cancel.done", code=code))]

    async def reschedule(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Pick the booking, then take the new date (from this message if it has one)."""
        booking, replies = await self._take(event, result, text, state, RESCHEDULE)
        if booking is None:
            return replies
        told = self._new_date(text, booking) is not None or shift_in(text) is not None
        if told and not event.payload:
            return await self.reschedule_date(event, result, text, state)
        if not event.payload and (held := await self._postponed(booking, text, state)):
            return held
        return [
            Reply(self._t("reschedule.ask_date", code=booking.code, when=render.when(booking)))
        ]

    async def reschedule_date(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Validate the new date, move the booking, send it back to staff for approval."""
        code = str(state.slots.get("code", ""))
        booking = await self._bookings.get(code)
        if booking is None or not requested_by(event, booking):
            state.flow = state.step = None
            return [Reply(self._t("booking.not_found", code=code))]
        start, days = self._date_from(event, text)
        if start == booking.start_date and not event.payload:
            # "kunjungan kami tanggal 14 Januari harus diundur" (console, Sidoarjo: "moved" to
            # its own date): the booked date is where it moves from; another date is the new
            start, days = self._new_date(text, booking), None
            if start is None:
                asked = self._t("reschedule.ask_date", code=code, when=render.when(booking))
                return [Reply(asked)]
        if start is None and (shift := shift_in(text)) is not None:
            start = booking.start_date + shift  # "seminggu setelahnya": from the booked date
        if start is None and not event.payload:
            start = _bare_day(text, booking)  # "tidak jadi mundur, tetap tanggal 10 saja"
        window = self._period_in(text) if start is None and not event.payload else None
        if window is not None:
            return [await self._choose_in(*window, booking.days, booking.participants)]
        if start is None and (held := await self._postponed(booking, text, state)):
            return held
        if start is None:
            return [Reply(self._t("booking.date_unclear"))]
        days = days or booking.days
        approved = booking.status is Status.APPROVED
        if event.kind is Kind.TEXT and (self._t.asks(text) or approved):
            # "kalau ganti jadi 22 april bisa?" asks, and a move sends an approved visit back
            # to staff: confirmed first (an approved visit's move always is: console, Sidoarjo)
            return self._move_offered(booking, start, days, state)
        return await self._move(event, booking, start, days, state)

    async def _postponed(
        self, booking: BookingView, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "kunjungannya bisa ditunda dulu? tanggalnya belum tahu" (console, a women's
        cooperative whose budget was late: asked for the new date, then "iya tunda dulu"
        said goodbye): the wish to postpone passed to staff, the booking as it is until a
        new date or a cancel; None when the message does not postpone."""
        if not (self._date_unknown(text) or _POSTPONED.search(text)):
            return None
        state.flow = state.step = None
        state.slots = {}
        when, code = render.when(booking), booking.code
        told = self._t("staff.postponed", code=code, org_name=booking.org_name, when=when,
                       contact=f"{booking.contact_name} ({booking.contact_phone})")  # fmt: skip
        await self._to_staff([Reply(told)])
        return [Reply(self._t("reschedule.postponed", code=code, when=when))]

    def _move_offered(
        self, booking: BookingView, start: date, days: int, state: ConversationState
    ) -> list[Reply]:
        """The move asked to confirm, or what the rules refuse of it said now."""
        problem = self._rules.date_problem(start, days, self._today())
        if problem is not None:  # another date may follow
            return [Reply(render.refusal(self._t, problem))]
        state.step = MOVE_ASKED
        state.slots = {"code": booking.code, "start": start.isoformat(), "days": days}
        asked = self._t(
            "reschedule.confirm",
            code=booking.code,
            when=render.when(booking),
            new=date_span(start, days),
        )
        buttons = (
            Button(self._t("reschedule.yes"), encode(Space.MOVE_YES)),
            Button(self._t("reschedule.no"), encode(Space.MOVE_NO)),
        )
        return [Reply(asked, buttons)]

    async def move_answer(
        self, event: Incoming, yes: bool, state: ConversationState
    ) -> list[Reply]:
        """The move asked about, made on yes; the booking kept as it is on no."""
        code = str(state.slots.get("code", ""))
        booking = await self._bookings.get(code)
        if booking is None or not requested_by(event, booking):
            state.flow = state.step = None
            state.slots = {}
            return [Reply(self._t("booking.not_found", code=code))]
        if not yes:
            state.flow = state.step = None
            state.slots = {}
            return [Reply(self._t("reschedule.kept", code=code, when=render.when(booking)))]
        start = date.fromisoformat(str(state.slots["start"]))
        return await self._move(event, booking, start, int(state.slots["days"]), state)

    async def _move(
        self,
        event: Incoming,
        booking: BookingView,
        start: date,
        days: int,
        state: ConversationState,
    ) -> list[Reply]:
        """Move the booking, send it back to staff for approval."""
        code = booking.code
        try:
            moved = await self._bookings.reschedule(
                code, start, days, self._actor(event), note=self._moved_from
            )
        except DayFull as full:
            state.step, state.slots = "date", {"code": code}  # another day, from the buttons
            return [self._day_full(long_date(full.day), full.alternatives)]
        except BookingError as error:
            return [Reply(render.refusal(self._t, error))]
        state.flow = state.step = None
        state.slots = {}
        if self._calendar is not None:
            await self._calendar.drop(code)  # pending again: planned anew on approval
        await self._to_staff(
            [
                Reply(
                    self._t(
                        "staff.rescheduled",
                        summary=render.details(self._t, self._answers.knowledge, moved),
                    ),
                    self._staff_buttons(moved.code),
                )
            ]
        )
        return [Reply(self._t("reschedule.done", code=code, when=render.when(moved)))]

    def _new_date(self, text: str, booking: BookingView) -> date | None:
        """The date a message names that is not the booking's own ("dari tanggal 14 ke 21
        Januari": the 21st), or a bare day of its month ("tetap tanggal 10 saja")."""
        told = [*(m.start for m in find_dates(text, self._today())), _bare_day(text, booking)]
        return next((day for day in told if day is not None and day != booking.start_date), None)

    def _names_a_date(self, text: str) -> bool:
        """Whether a message at the new-date step tries to give one: a date, a period, a move
        ("seminggu setelahnya") or any number ("tgl 31/2", which is then said to be unclear)
        but a group's size ("pesertanya bertambah jadi 30 orang": console, it was "tanggalnya
        belum saya pahami" until the user gave up)."""
        # nor a new contact number ("nomor pj ganti jadi 0813…": console, "not understood")
        numbered = any(ch.isdigit() for ch in without_phone(text)) and group_size(text) is None
        return bool(
            numbered or find_dates(text, self._today()) or shift_in(text) or self._period_in(text)
        )

    def _moved_from(self, old: BookingView) -> str:
        """The history line of a reschedule."""
        return self._t("booking.moved_from", when=render.when(old))

    async def _take(
        self,
        event: Incoming,
        result: NluResult | None,
        text: str,
        state: ConversationState,
        change: str,
    ) -> tuple[BookingView | None, list[Reply]]:
        """The booking to cancel or move, and the conversation set to ask the next step."""
        space, step = (
            (Space.PICK_CANCEL, "confirm") if change == CANCEL else (Space.PICK_RESCHEDULE, "date")
        )
        booking, replies = await self._pick(event, result, text, space)
        if booking is not None:
            state.flow, state.step, state.slots = change, step, {"code": booking.code}
        return booking, replies

    async def _pick(
        self, event: Incoming, result: NluResult | None, text: str, space: Space
    ) -> tuple[BookingView | None, list[Reply]]:
        """The booking meant: by code, by a pick button, or the chat's only active one."""
        code = value_of(event.payload, space) or self._code(result, text)
        if code:
            booking, refused = await self._own_booking(event, code)
            if booking is None:
                return None, refused
            if booking.status not in {Status.PENDING, Status.APPROVED}:
                return None, [Reply(self._t("booking.not_active", code=booking.code))]
            return booking, []
        active = [
            b
            for b in await self._own_bookings(event)
            if b.status in {Status.PENDING, Status.APPROVED}
        ]
        if not active:
            # "mau batalkan kunjungan yang kemarin didaftarkan" from another phone (console)
            none = self._t("booking.none_active", **self._answers.main_contact())
            return None, [Reply(none, (self._book_button(),))]
        if len(active) == 1:
            return active[0], []
        buttons = tuple(
            Button(f"{b.code} {short_date(b.start_date)}"[:24], encode(space, b.code))
            for b in active
        )
        return None, [Reply(self._t("booking.which"), buttons)]
