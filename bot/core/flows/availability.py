"""Availability: "tanggal 13 Juni masih kosong?", "bulan Maret ada slot?" answered with the
free days, and the day asked for when the question named none."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from bot.core.booking import (
    FOLLOW_UP,
    MAX_DAYS,
)
from bot.core.calendar_text import date_span
from bot.core.feasts import feast_day
from bot.core.flow import OFFER_BOOKING, Handler
from bot.core.flows.booking import PERIOD, day_in, month_of, updated, weekday_named
from bot.core.flows.booking_parts import DAY_TOLD, EARLIEST, BookingParts
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import NluResult
from bot.core.payloads import Space, encode
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from nlu.dates import find_dates
from nlu.numbers import group_size

AVAILABILITY_DATE = "availability_date"
PERIOD_SHOWN = "period_shown"  # a period's free days just shown: a day or a length follows
WEEKDAY_ASKED = "weekday_asked"  # remembered: "kalau minggu?" next asks about Sunday
# "kalau hari jumat bisa?": whether a day of the week is open, asked in words the model may
# read otherwise (Friday: a prayer question, 0.66); "sholat jumat di mana?" is that question.
_OPEN_ASKED = re.compile(r"\b(?:bisa|bs|boleh|buka|libur|menerima|terima)\b", re.IGNORECASE)
# "buka hari apa saja?", "kunjungan bisa hari apa aja?": which days of the week.
_WHICH_DAYS = re.compile(r"\bhari\s+apa\s*(?:saja|aja|sj|aj)?\b", re.IGNORECASE)
_WHEN = re.compile(r"\b(?:kapan|kpn|iraha|bilo)\b", re.IGNORECASE)  # no time named: the nearest
# A weekday given its own week ("kamis depan", "jumat ini"), not the week of the day told.
_WEEK_OF_DAY = re.compile(r"\b(?:depan|ini|besok|nanti|lalu)\b", re.IGNORECASE)
_PRAYER = re.compile(r"\b(?:s[h]?[ao]lat|jumatan|masjid|mush?[ao]l+a|ibadah)\b", re.IGNORECASE)


class Availability(BookingParts):
    """Free days, for a date, a period or the days ahead."""

    names: frozenset[str] = frozenset()
    spaces: frozenset[Space] = frozenset()

    def intents(self) -> Mapping[str, Handler]:
        return {"ask_availability": self.availability}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "kalau hari jumat bisa?" outside a form: whether visits are received that day of
        the week (it got the halal and prayer answer; console, a kindergarten); "kalau
        minggu?" right after such an answer asks the same of Sunday (it asked for a date)."""
        follows = state.last_intents[-1:] == [WEEKDAY_ASKED]
        if state.flow is not None or _PRAYER.search(text):
            return None
        if (of_week := await self._weekday_of_day_told(text, state)) is not None:
            return of_week
        # "kalau sabtu sore?" opening a chat (a greeting, 0.39, console: "Halo")
        if not (follows or _OPEN_ASKED.search(text) or FOLLOW_UP.match(text)):
            return None
        if _WHICH_DAYS.search(text):  # "kantor BMI buka hari apa saja?" (console: unclear)
            return [Reply(self._t("availability.open_days", days=self._open_days()))]
        if (holidays := self._holidays_answer(text)) is not None:
            return [holidays]
        weekday = self._weekday_answer(text, follows=follows)
        if weekday is None:
            return None
        state.remember_intent(WEEKDAY_ASKED)
        return [weekday]

    async def _weekday_of_day_told(
        self, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "hari kamis aja" right after a day's answer (console, a campus cooperative after
        "kalau 2 minggu lagi?", Tuesday 22 December: the form began on this week's Thursday,
        too soon): that weekday of the day's week, answered as the day was; None otherwise."""
        told = state.heard.get("start_date")
        weekday = weekday_named(text) if state.step == OFFER_BOOKING and told else None
        if weekday is None or told is None or _WEEK_OF_DAY.search(text):
            return None  # "kamis depan": next week's, read as such
        day = date.fromisoformat(told)
        day += timedelta(days=weekday - day.weekday())
        people = int(state.heard.get("participants") or 1)
        return await self._day_answer(day, int(state.heard.get("days") or 1), people, state)

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The date asked for after "masih kosong?" named none, or a choice in the period whose
        days were shown; a message that names no date ("bicara dengan petugas") is another
        request, answered as such, never the same question again."""
        yes = event.kind is Kind.TEXT and self._t.yes_first(text) and not self._t.asks(text)
        if state.step == PERIOD_SHOWN and yes:
            # "iyo bapa" after March's free days (console, a women's cooperative from Kupang:
            # "Ada lagi …?"): yes to coming then, the booking begun with the period kept
            state.step = OFFER_BOOKING
            return None
        if state.step in (AVAILABILITY_DATE, PERIOD_SHOWN) and event.kind is Kind.TEXT:
            asked, state.step = state.step == AVAILABILITY_DATE, None
            day = asked and (
                find_dates(text, self._today()) or self._day_of_heard_period(text, state)
            )
            if day:
                return await self.availability(event, result, text, state)
            # "yang paling awal" after a period's days, or after the day was asked for
            if (chosen := await self._chosen_in_period(text, state)) is not None:
                return chosen
        if event.kind is Kind.TEXT and self._t.asks(text):
            return self._too_many(text)
        return None

    async def _chosen_in_period(self, text: str, state: ConversationState) -> list[Reply] | None:
        """What follows a period's free days, typed instead of pressed (console, a dairy
        cooperative from Boyolali: "yg paling awal bu" got the requirements, "2 hari" "di
        luar layanan kami"): the earliest day, a day of the period ("yang tgl 3 aja"), or the
        visit's length, the days offered again for it, or a week of it ("minggu kedua saja
        pak", console, a university from Banten: "Tanggal berapa yang ingin dicek?") or a day
        of the week ("hari kamis"), its days offered; None for anything else, questions
        included ("jadwal kosong terdekat kapan?" asks from today)."""
        period = state.heard.get(PERIOD)
        if not period:
            return None
        people = int(state.heard.get("participants") or 1)
        if (week := self._week_of(text, period)) is not None:  # "kalau minggu kedua?" too
            state.heard = updated(state.heard, {PERIOD: [day.isoformat() for day in week]})
            days = int(state.heard.get("days") or 1)
            return [await self._period_shown(*week, days, people, state)]
        if self._t.asks(text):
            return None  # a question ("terdekat kapan?"): answered as such
        weekday = weekday_named(text)
        if weekday is not None and not self._weekday_answer(text):  # "hari kamis" of the week
            days = int(state.heard.get("days") or 1)  # shown (console, Tangerang Selatan: "di
            # luar layanan kami"); the only one as a day, so that "oke" books it (console,
            # Maumere: "Ada lagi?")
            free = await self._free_in(period, days, people)
            if len(only := [day for day in free if day.weekday() == weekday]) == 1:
                return await self._day_answer(only[0], days, people, state)
            state.step = PERIOD_SHOWN
            return [await self._weekdays_of_period(weekday, period, days, people)]
        if find_dates(text, self._today()) or self._period_in(text) is not None:
            return None  # a new date or period: answered as such
        if (counted := await self._counted_in_period(text, period, state)) is not None:
            return counted
        length = self._days_in(text)
        if length is not None:
            state.heard = updated(state.heard, {"days": length})
        days = length or int(state.heard.get("days") or 1)
        if EARLIEST.search(text):
            start = await self._earliest_of(period, days, people)
        else:
            start = day_in(text, period)
        if start is not None:
            return await self._day_answer(start, days, people, state)
        if length is not None:
            first, last = (date.fromisoformat(day) for day in period)
            return [await self._period_shown(first, last, days, people, state)]
        return None

    async def _counted_in_period(
        self, text: str, period: list[str], state: ConversationState
    ) -> list[Reply] | None:
        """ "peserta kurang lebih 35 orang, …" after a period's free days (console, a Dinas
        from Kutai Kartanegara: the booking offered again, word for word): the size kept,
        the days offered again for it; None when no size (or one over the limit) is told, or
        a length is told with it."""
        size = group_size(text)
        if size is None or self._days_in(text) or self._rules.participants_problem(size):
            return None
        state.heard = updated(state.heard, {"participants": size})
        first, last = (date.fromisoformat(day) for day in period)
        days = int(state.heard.get("days") or 1)
        noted = Reply(self._t("booking.count_noted", participants=size))
        return [noted, await self._period_shown(first, last, days, size, state)]

    def _day_of_heard_period(self, text: str, state: ConversationState) -> date | None:
        """ "tanggal 14" once a period's free days were shown ("bisa di bulan September?"),
        or a day asked about ("kalau tgl 14?" after "tgl 12 januari bisa?", console, a
        Dekopinda from Bandung: which date?): that day of the period, or of the day's month,
        kept for the form; None without either, or naming no day."""
        period = state.heard.get(PERIOD)
        if period is None and (day := state.heard.get("start_date")) is not None:
            period = month_of(date.fromisoformat(day))
        return day_in(text, period) if period and DAY_TOLD.search(text) else None

    def _too_many(self, text: str) -> list[Reply] | None:
        """ "kalau rombongan kami 120 orang bisa?", whatever else it reads as (requirements,
        a booking): a group over the limit is told so, and how to arrange it, instead of an
        answer that does not say no."""
        size = group_size(text)
        problem = self._rules.participants_problem(size) if size is not None else None
        if problem is None or problem.key != "booking.participants_over":
            return None
        person = Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))
        menu = Button(self._t("button.menu"), encode(Space.MENU))
        text = self._t(problem.key, **render.fields(self._t, problem.fields))
        return [Reply(text, (person, menu))]

    async def availability(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """ "tanggal 13 Juni kosong?": yes/no, with the nearest free dates as buttons; "Maret
        masih ada slot?": the free dates of March."""
        if (weekday := self._weekday_answer(text)) is not None:
            state.remember_intent(WEEKDAY_ASKED)
            return [weekday]
        mentions = find_dates(text, self._today())
        window = self._period_in(text)  # "Maret", "setelah lebaran", "pas bulan puasa"
        day = None if mentions or window else self._day_of_heard_period(text, state)
        if not mentions and window is None and day is None:  # "pas idul adha bisa?"
            day = feast_day(text, self._today(), self._rules.holidays)
        if window is not None and DAY_TOLD.search(text):
            # "bulan depan, kira2 bisa tanggal 15?" (console, Serang): that day of it
            day = day_in(text, [window[0].isoformat(), window[1].isoformat()])
            window = None if day is not None else window
        people = group_size(text) or int(state.heard.get("participants") or 1)
        days = self._days_in(text) or int(state.heard.get("days") or 1)
        if not mentions and day is None and window is None:
            if (again := await self._length_asked(text, people, state)) is not None:
                return again
            if EARLIEST.search(text) or _WHEN.search(text):
                # "jadwal kosong terdekat kapan ya?", "kapan saja bisanya bu?" (console: which
                # date to check?), Sundanese "iraha", Minang "bilo"
                state.step = None
                nearest = await self._bookings.alternatives(self._today(), days, people)
                return [Reply(self._t("availability.nearest"), self._date_buttons(nearest))]
            state.step = AVAILABILITY_DATE
            return [Reply(self._t("availability.ask_date"))]
        state.step = None
        if day is not None:  # "tanggal 14" after September's free days: 14 September
            start = day
        elif window is not None:  # kept, so "tanggal 14" is read within it
            period = [window[0].isoformat(), window[1].isoformat()]
            state.heard = updated(state.heard, {PERIOD: period})
            return [await self._period_shown(*window, days, people, state)]
        else:
            start = mentions[0].start
            days = min((mentions[0].end - start).days + 1, MAX_DAYS)
            if days > 1:  # "tanggal 12 dan 13 januari": the length told too, kept for the form
                state.heard = updated(state.heard, {"days": days})
        if (slip := self._weekday_slip(text, start)) is not None:
            return [slip]
        return await self._day_answer(start, days, people, state)

    async def _length_asked(
        self, text: str, people: int, state: ConversationState
    ) -> list[Reply] | None:
        """ "kalau 2 hari bisa?" after a period's free days or a day's answer (console, a
        Dinas from Kutai Kartanegara: "Tanggal berapa yang ingin dicek?"): the period's free
        days for that length, or the same day; None when no length is told or nothing was
        shown before."""
        length = self._days_in(text)
        period = state.heard.get(PERIOD)
        day = state.heard.get("start_date")
        if length is None or not 1 <= length <= MAX_DAYS or not (period or day):
            return None
        state.heard = updated(state.heard, {"days": length})
        if day is not None:
            return await self._day_answer(date.fromisoformat(day), length, people, state)
        first, last = (date.fromisoformat(one) for one in period or ())
        return [await self._period_shown(first, last, length, people, state)]

    async def _period_shown(
        self, first: date, last: date, days: int, people: int, state: ConversationState
    ) -> Reply:
        """A period's free days offered (`_choose_in`), the step set so that what follows is
        read in it ("yang tgl 3 aja", "minggu kedua", "2 hari")."""
        state.step = PERIOD_SHOWN
        return await self._choose_in(first, last, days, people)

    async def _day_answer(
        self, start: date, days: int, people: int, state: ConversationState
    ) -> list[Reply]:
        """Whether the visit can begin on `start`: yes, with the booking offered, or why not
        with the nearest free dates."""
        problem = self._rules.date_problem(start, days, self._today())
        if problem is None and await self._bookings.free_days(start, days, people):
            if state.flow is None:  # "oke" takes it, as the button does, with that day
                state.step = OFFER_BOOKING
                state.heard = updated(state.heard, {"start_date": start.isoformat()})
            return [
                Reply(
                    self._t("availability.free", when=date_span(start, days)),
                    (
                        Button(
                            self._t("availability.book_this"),
                            encode(Space.DATE, start.isoformat()),
                        ),
                    ),
                )
            ]
        alternatives = await self._bookings.alternatives(start, days, people)
        if problem is None:  # no room
            return [
                Reply(
                    self._t("booking.day_full", day=date_span(start, days)),
                    self._date_buttons(alternatives),
                )
            ]
        # a closed day or a holiday says why itself ("Mohon maaf, … adalah hari libur"), once
        reason = self._t(problem.key, **render.fields(self._t, problem.fields))
        text_out = f"{reason}\n{self._t('availability.alternatives')}"
        return [Reply(text_out, self._date_buttons(alternatives))]
