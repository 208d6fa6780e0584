"""Participants: join a delegation with its invite code, read the agenda, stop receiving it.

A participant joins through the Telegram deep link (`/start <invite code>`) or by sending the
code ("gabung ABC234") on any channel; the bot asks their name and confirms the visit. Someone
joining on a visit day after the morning push gets that day's agenda at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.core.answers import times_asked, times_proposed
from bot.core.booking import ACTIVE, Bookings, BookingView, Status
from bot.core.calendar_text import date_span
from bot.core.flow import Handler
from bot.core.flows.booking_parts import requested_by
from bot.core.guard import Guard
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import SURE, NluResult
from bot.core.payloads import Space, encode
from bot.core.render import agenda
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.core.visits import Visits, visit_day_index
from nlu.codes import CODE_LENGTH, find_codes

FLOW = "join"


class JoinStep(StrEnum):
    """Joining a visit (docs/flows/join.mmd draws exactly these): the invite code when the
    message had none, then the participant's name."""

    CODE = "join_code"
    NAME = "name"


JOIN_WORD = re.compile(r"^\s*(?:gabung|join)\b", re.IGNORECASE)
RATING = re.compile(r"^\s*([1-5])(?![\d/:.-]\d)\s*(?:dari\s*5|/\s*5)?\s*[,.:-]?\s*(.*)$", re.S)
FEEDBACK_WINDOW = timedelta(days=14)
MAX_NAME = 120  # characters of a participant's name, as printed on the certificate
# "siapa saja peserta yang sudah gabung?", "sudah berapa peserta yang join?" (console, a
# coordinator: the invite code again): who joined, asked in a sentence.
_ROSTER_ASKED = re.compile(
    r"\b(?:siapa|berapa|brp)\b.*\b(?:peserta|orang|org)\w*.*\b(?:gabung|bergabung|join|terdaftar)\b",
    re.IGNORECASE,
)  # "sudah berapa orang yang gabung?" too (console: the group-size limit)
# A link for the participants asked by the coordinator: "bisa minta link untuk dibagikan ke
# grup wa peserta?" (console: the materials).
_LINK_ASKED = re.compile(
    r"\blink\b.*\b(?:peserta|undangan|gabung|bagikan|dibagikan|share|grup|group)\b", re.IGNORECASE
)
# The name as it should be, in a correction ("nama saya salah ketik, harusnya Ahmad Fauzy
# pakai y"): the words after "harusnya" up to a word that ends it.
_RIGHT_NAME = re.compile(
    r"\b(?:harusnya|seharusnya|mestinya|yang benar(?:nya)?|yg benar(?:nya)?|yg bener|"
    r"menjadi|jadi)\s*:?\s*(?P<name>[^\W\d_][\w.' -]*?)"
    r"(?=\s+(?:pakai|pake|dengan|dgn|ya|yah|pak|bu|kak|min|mohon|tolong)\b|[,!?;]|\.?\s*$)",
    re.IGNORECASE,
)
_ORDINALS = MappingProxyType({"pertama": 1, "kesatu": 1, "kedua": 2, "ketiga": 3, "terakhir": 3})
_DAY_N = re.compile(
    r"hari\s*(?:ke)?[-\s]?(\d|pertama|kesatu|kedua|ketiga|terakhir)", re.IGNORECASE
)


class ParticipantFlow:
    """Joining, the agenda on demand, leaving."""

    names = frozenset({FLOW})
    spaces: frozenset[Space] = frozenset()

    def __init__(
        self,
        bookings: Bookings,
        visits: Visits,
        *,
        texts: Texts,
        now: Callable[[], datetime],
        push_time: time,
        guard: Guard | None = None,
        hours: Reply | None = None,
    ) -> None:
        self._hours = hours  # when visits usually begin and end, for those in none yet
        self._guard = guard
        self._bookings = bookings
        self._visits = visits
        self._t = texts
        self._now = now  # venue-local, aware
        self._push_time = push_time

    def _today(self) -> date:
        return self._now().date()

    # ---- what the engine asks (bot.core.flow.Flow) ---------------------------------------

    def intents(self) -> Mapping[str, Handler]:
        return {"join_visit": self.join, "ask_agenda": self.agenda}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "berhenti", "peserta" and "gabung KODE" need no NLU, on any channel."""
        if self._t.says(text, "words.participants.leave"):
            return await self.leave(event)
        if self._t.says(text, "words.participants.roster") or _ROSTER_ASKED.search(text):
            return await self.roster(event)
        if JOIN_WORD.match(text):
            return await self.join(event, None, text, state)
        if _LINK_ASKED.search(text) and (own := await self._coordinated(event, ACTIVE)):
            return [self._code_to_share(own)]
        if self._t.mentions(text, "words.participants.group_chat") and self._t.asks(text):
            # "ada grup WA untuk rombongan?" (lodging, 0.28, console): the invite code does it
            own = await self._coordinated(event, ACTIVE)
            return [self._code_to_share(own) if own else Reply(self._t("join.group_chat"))]
        if state.flow is not None:
            return None
        replies = []
        # "berangkat dari hotel jam berapa?" read as lodging (console): a participant's
        # question about a time is the agenda's; anyone else's is read as usual
        if times_asked(text) and (booking := await self._current_visit(event)) is not None:
            replies.append(Reply(await self._agenda_of(booking, text)))
        if self._t.mentions(text, "words.participants.rename"):
            renamed = await self._renamed(event, text, state)
            if renamed is not None:
                return renamed
        if self._t.mentions(text, "words.participants.absent"):
            # "saya mungkin telat 30 menit, boleh?" (console: "outside our service"): told
            # to the coordinator, who speaks for the group; anyone else's is read as usual
            replies += await self._to_coordinator(event)
        return replies or None

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """A deep link to join, the name asked after a code, the code asked, and a rating
        after a visit."""
        if event.kind is Kind.START and event.payload:
            return await self.join(event, None, "", state)
        if event.kind is not Kind.TEXT:
            return None
        if state.flow == FLOW:
            if self._t.asks(text) or (
                result is not None
                and result.confidence >= SURE
                and result.intent in {"greet", "thank", "goodbye", "affirm", "deny"}
            ):
                return None  # "acaranya jam berapa?" is no name: answered, the name still due
            return await self.name(event, text, state)
        if state.step == JoinStep.CODE:
            return await self._code_answer(event, result, text, state)
        if state.flow is None:
            return await self.feedback(event, text)
        return None

    async def _code_answer(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The message after the invite code was asked. With a code: joining. Without one it
        is not asked again (that trapped people): "kodenya saya tidak tahu" is told where the
        code comes from, and anything else ("jadwal besok apa?") is answered as what it is."""
        if _code_in(result, text) is not None:
            return await self.join(event, result, text, state)
        state.step = None
        about_code = "kode" in text.lower() or (
            result is not None and result.intent == "join_visit"
        )
        return self._no_code() if about_code else None

    def _no_code(self) -> list[Reply]:
        """Where the invite code comes from, and a person to ask."""
        person = Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))
        return [Reply(self._t("join.no_code"), (person,))]

    async def _renamed(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """A participant's name written wrong when joining ("nama saya salah ketik, harusnya
        Ahmad Fauzy pakai y": console, "Salam kenal"): put right for the certificate, or asked
        for when the message does not give it; None when the chat joined no visit to come."""
        joined = self._soonest(await self._joined(event))
        if joined is None:
            return None
        right = _RIGHT_NAME.search(text)
        name = " ".join(right.group("name").split()) if right else ""
        if not 2 <= len(name) <= MAX_NAME:
            state.flow, state.step, state.slots = FLOW, JoinStep.NAME, {"code": joined.code}
            return [Reply(self._t("join.ask_right_name"))]
        await self._visits.join(joined.code, event.channel, event.chat_id, name)
        return [Reply(self._t("join.renamed", name=name))]

    async def _booking_code(self, event: Incoming, code: str) -> list[Reply]:
        """A booking code where a participant's invite code would be: the booking itself to
        the chat that made it ("kodenya 9R7KZ" after "mau konfirmasi kunjungan kami",
        console: told what each code is for), what each code is for to anyone else."""
        booking = await self._bookings.get(code)
        if booking is None or not requested_by(event, booking):
            return [Reply(self._t("join.booking_code", code=code))]
        return [Reply(render.listed(self._t, [booking]))]

    async def join(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Look up the invite code; ask the participant's name."""
        code = event.payload if event.kind is Kind.START else _code_in(result, text)
        if not code and (own := await self._coordinated(event, ACTIVE)) is not None:
            # "kode undangannya apa bu?" from the chat that booked (console: told to ask
            # the coordinator)
            return [self._code_to_share(own)]
        if not code and "kode" in text.lower():
            state.step = None  # "kodenya saya tidak tahu, ketua rombongan yang pegang"
            return self._no_code()
        if not code:
            state.step = JoinStep.CODE
            return [Reply(self._t("join.ask_code"))]
        state.step = None
        if len(code) == CODE_LENGTH:  # the coordinator's booking code, by its length alone
            return await self._booking_code(event, code.upper())
        user = (event.channel, event.user_id)
        if self._guard is not None and self._guard.codes_blocked(user):
            return [Reply(self._t("limit.codes"))]
        booking = await self._bookings.by_invite(code)
        if booking is None or booking.status is not Status.APPROVED:
            if self._guard is not None:
                self._guard.wrong_code(user)
            return [Reply(self._t("join.unknown", code=code.upper()))]
        state.flow, state.step, state.slots = FLOW, JoinStep.NAME, {"code": booking.code}
        return [
            Reply(
                self._t(
                    "join.ask_name",
                    org_name=booking.org_name,
                    when=date_span(booking.start_date, booking.days),
                )
            )
        ]

    async def name(self, event: Incoming, text: str, state: ConversationState) -> list[Reply]:
        """Register the participant under the name they gave."""
        name = " ".join(text.split())
        if not 2 <= len(name) <= MAX_NAME:
            return [Reply(self._t("join.invalid_name"))]
        code = str(state.slots.get("code", ""))
        state.flow = state.step = None
        state.slots = {}
        booking = await self._bookings.get(code)
        if booking is None or booking.status is not Status.APPROVED:
            return [Reply(self._t("join.unknown", code=code))]
        await self._visits.join(booking.code, event.channel, event.chat_id, name)
        replies = [
            Reply(
                self._t(
                    "join.done",
                    name=name,
                    org_name=booking.org_name,
                    when=date_span(booking.start_date, booking.days),
                )
            )
        ]
        today = visit_day_index(booking, self._today())
        if today is not None and self._now().time() >= self._push_time:
            replies.append(Reply(await self.agenda_text(booking, today)))
        return replies

    async def agenda(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """The agenda of the day asked for ("besok", "hari kedua"), else today or day 1."""
        booking = await self._current_visit(event)
        if booking is None and self._hours is not None and times_asked(text):
            return [self._hours]  # "acaranya dari jam berapa sampai jam berapa?", not booked
        if booking is None and self._hours is not None and times_proposed(text):
            # "kami rencana datang jam 1 siang, selesai jam 4 bisa?" (console: told the agenda
            # comes on approval, and how participants join)
            return [self._hours, Reply(self._t("agenda.hours_proposed"))]
        if booking is None and await self._coordinated(event, frozenset({Status.PENDING})):
            # "rundown acaranya bisa dikirim pak?" from the chat that sent the request
            # (console: told how participants join as well)
            return [Reply(self._t("agenda.under_review"))]
        if booking is None:
            return [Reply(self._t("agenda.not_participant"))]
        return [Reply(await self._agenda_of(booking, text))]

    async def _agenda_of(self, booking: BookingView, text: str) -> str:
        """The agenda of the visit's day `text` asks for, or why there is no such day."""
        index = self._requested_day(booking, text, self._today())
        if index is None:
            return self._t("agenda.no_such_day", days=booking.days)
        return await self.agenda_text(booking, index)

    async def feedback(self, event: Incoming, text: str) -> list[Reply] | None:
        """A rating "1".."5" (with an optional comment) for a visit that ended lately; None
        when this chat has no such visit, so the message is handled as usual."""
        match = RATING.match(text)
        if match is None:
            return None
        today = self._today()
        for code in await self._visits.memberships(event.channel, event.chat_id):
            booking = await self._bookings.get(code)
            if booking is None or booking.status is not Status.APPROVED:
                continue
            if not timedelta(0) <= today - booking.end_date <= FEEDBACK_WINDOW:
                continue
            rating, comment = int(match.group(1)), match.group(2).strip()
            stored = await self._visits.record_feedback(
                code, event.channel, event.chat_id, rating, comment
            )
            return [Reply(self._t("feedback.thanks" if stored else "feedback.already"))]
        return None

    async def roster(self, event: Incoming) -> list[Reply]:
        """The coordinator (the chat that booked) sees who joined their approved visit."""
        booking = await self._coordinated(event)
        if booking is None:
            return [Reply(self._t("join.no_roster"))]
        people = await self._visits.participants(booking.code)
        names = "\n".join(f"{n}. {name}" for n, (name, _, _) in enumerate(people, 1)) or "-"
        return [
            Reply(
                self._t(
                    "join.roster",
                    org_name=booking.org_name,
                    count=len(people),
                    names=names,
                    invite=booking.invite_code or "-",
                )
            )
        ]

    async def _coordinated(
        self, event: Incoming, statuses: frozenset[Status] = frozenset({Status.APPROVED})
    ) -> BookingView | None:
        """The visit, not yet ended, that this chat booked (the earliest; approved unless
        `statuses` says otherwise, approved ones first)."""
        own = [
            b
            for b in await self._bookings.for_chat(event.channel, event.chat_id)
            if b.status in statuses and b.end_date >= self._today() and requested_by(event, b)
        ]
        return (
            min(own, key=lambda b: (b.status is not Status.APPROVED, b.start_date))
            if own
            else None
        )

    async def leave(self, event: Incoming) -> list[Reply]:
        """Stop the agenda messages to this chat."""
        left = await self._visits.leave(event.channel, event.chat_id)
        return [Reply(self._t("join.left" if left else "join.not_joined"))]

    async def agenda_text(self, booking: BookingView, index: int) -> str:
        """One day's agenda, ready to send."""
        items = await self._visits.agenda(booking.code, index)
        return agenda.day(self._t, booking, index, items)

    async def _to_coordinator(self, event: Incoming) -> list[Reply]:
        """A participant late or away is asked to tell the group's contact person (named
        with the number), the contact person staff; nothing for a chat that joined no visit
        to come."""
        booking = self._soonest(await self._joined(event))
        if booking is None:
            return []
        if (booking.channel, booking.chat_id) == (event.channel, event.chat_id):
            # the coordinator joined as a participant too (console: told to tell themself)
            person = Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))
            return [Reply(self._t("join.tell_staff"), (person,))]
        told = self._t(
            "join.tell_coordinator", contact=booking.contact_name, phone=booking.contact_phone
        )
        return [Reply(told)]

    def _code_to_share(self, own: BookingView) -> Reply:
        """The invite code the coordinator shares with the participants, or when it comes
        (a visit under review)."""
        if own.status is not Status.APPROVED:
            return Reply(self._t("join.code_after_approval", code=own.code))
        invite = own.invite_code or "-"
        return Reply(self._t("join.share_code", org_name=own.org_name, invite=invite))

    async def _current_visit(self, event: Incoming) -> BookingView | None:
        """The participant's (or coordinator's) approved visit that has not ended, earliest."""
        own = await self._bookings.for_chat(event.channel, event.chat_id)
        return self._soonest([*await self._joined(event), *own])

    async def _joined(self, event: Incoming) -> list[BookingView]:
        """The visits this chat joined as a participant."""
        codes = await self._visits.memberships(event.channel, event.chat_id)
        return [b for b in [await self._bookings.get(code) for code in codes] if b]

    def _soonest(self, bookings: list[BookingView]) -> BookingView | None:
        """The earliest of `bookings` that is approved and has not ended."""
        today = self._today()
        live = [b for b in bookings if b.status is Status.APPROVED and b.end_date >= today]
        return min(live, key=lambda b: b.start_date) if live else None

    def _requested_day(self, booking: BookingView, text: str, today: date) -> int | None:
        lowered = text.lower()
        match = _DAY_N.search(lowered)
        if match:
            word = match.group(1)
            index = int(word) if word.isdecimal() else _ORDINALS[word]
            if word == "terakhir":
                index = booking.days
            return index if 1 <= index <= booking.days else None
        if "besok" in lowered:
            return visit_day_index(booking, today + timedelta(days=1)) or 1
        return visit_day_index(booking, today) or 1


def _code_in(result: NluResult | None, text: str) -> str | None:
    """The invite code a message gives, tagged by the NLU or found by rule."""
    entity = result.entity("code") if result else None
    found = find_codes(text)
    return str(entity.value) if entity else (found[0].value if found else None)
