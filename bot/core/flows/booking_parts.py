"""What the three sides of a booking share: dates read from what users write and offered as
buttons, the user's own bookings, and staff told of a change. `BookingFlow` (collecting a
request), `Availability` and `BookingChanges` (check, cancel, reschedule) build on it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, timedelta
from types import MappingProxyType

from bot.core.answers import CLOCK, Answers
from bot.core.booking import (
    ACTIVE,
    BookingRules,
    Bookings,
    BookingView,
    Places,
    TooMany,
)
from bot.core.calendar_text import DAYS, MONTHS, long_date, period, plain_date, short_date
from bot.core.feasts import feast_named, feast_period
from bot.core.guard import Guard
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import LIKELY, NluResult
from bot.core.notify import Notifier, StaffDesk
from bot.core.payloads import Space, encode, is_, value_of
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.core.visits import VisitCalendar
from nlu.codes import find_codes
from nlu.dates import WEEK_OF, find_dates
from nlu.numbers import DAYS_IN_TEXT, words_to_int

log = logging.getLogger(__name__)

DATE_CHOICES = 6
# A time of day told: "jam 7", "sabtu sore" (not "selamat sore").
_AT_HOUR = re.compile(
    rf"{CLOCK.pattern}|(?<!selamat )\b(?:pagi|siang|sore|malam)\b", re.IGNORECASE
)
# When the office is closed for holidays: "kapan bmi libur akhir tahun?", "liburnya kapan?".
_HOLIDAYS_WHEN = re.compile(
    r"\b(?:kapan|kpn|tanggal\s+berapa|tgl\s+berapa)\b.*\blibur\w*|\blibur\w*\b.*\b(?:kapan|kpn)\b",
    re.IGNORECASE,
)
HOLIDAYS_AHEAD = timedelta(days=60)  # the holidays listed when no period is named
FEAST_LEAVE = timedelta(days=7)  # around a feast named: its cuti bersama days too
# Holidays asked about: "kalau hari libur nasional buka?", "tanggal merah bisa?" (not "libur
# sekolah", a period the data does not know).
_HOLIDAYS_ASKED = re.compile(
    r"\b(?:libur\s+nasional|hari\s+libur(?!\s+sekolah)|tanggal\s+merah|tgl\s+merah"
    r"|cuti\s+bersama)\b",
    re.IGNORECASE,
)
# A reason after the question ("… hari minggu karena peserta kami bekerja di hari kerja?"):
# the question is the part before it.
_REASON = re.compile(r"\b(?:karena|karna|krn|soalnya|sebab|supaya|agar|biar)\b", re.IGNORECASE)
DAY_TOLD = re.compile(r"\b(?:tanggal|tgl|tangal)\s*\d", re.IGNORECASE)  # a day, no month
# "yang paling awal saja", "jadwal kosong terdekat kapan?": the first free date.
EARLIEST = re.compile(
    r"\b(?:paling\s+(?:awal|cepat|dekat|duluan)|secepatnya|tercepat|terdekat|yang\s+pertama"
    r"|yg\s+pertama)\b",
    re.IGNORECASE,
)
# "minggu ketiga" alone: a week of the month whose days are offered.
_WEEK_ALONE = re.compile(
    rf"^\W*(?:(?:gimana\s+|bagaimana\s+)?(?:kalau|kalo|klo|kl)\s+)?(?:yang\s+|yg\s+)?{WEEK_OF}"
    r"(?:\s+(?:saja|aja|sj|aj|ya|pak|bu|kak|bisa|gimana|bagaimana))*\W*$",
    re.IGNORECASE,
)  # "kalau minggu kedua?" too (console, a Gapoktan from Sragen: "which date?")
_WEEK_NAMED = re.compile(rf"\b{WEEK_OF}\b", re.IGNORECASE)  # beside a month, after it
_ORDINALS = MappingProxyType({"1": "pertama", "2": "kedua", "3": "ketiga", "4": "keempat"})
CHANGED_TO = re.compile(r"\b(?:jadi|menjadi)\b", re.IGNORECASE)  # "… jadi 2 hari"
# "seminggu setelahnya", "mundur 2 minggu", "dimajukan sehari": a move by so much from the
# booked date, later (+1) or earlier (-1).
_AMOUNT = r"(?P<count>se|\d+|satu|dua|tiga|empat)\s*(?P<unit>minggu|pekan|hari|hr)\b"
_SHIFTS = tuple(
    (re.compile(pattern, re.IGNORECASE), sign)
    for pattern, sign in (
        (rf"\b(?:mundur|diundur|dimundurkan|undur)\s+{_AMOUNT}", 1),
        (rf"\b{_AMOUNT}\s+(?:setelahnya|sesudahnya|kemudian|lebih\s+lambat)\b", 1),
        (rf"\b(?:maju|majukan|dimajukan)\s+{_AMOUNT}", -1),
        (rf"\b{_AMOUNT}\s+(?:sebelumnya|lebih\s+awal|lebih\s+cepat)\b", -1),
    )
)


# "diundur ke minggu depannya", "pekan berikutnya", "besoknya": the next one after the
# booked date (console, a fishers' cooperative: asked for a date again).
_NEXT = re.compile(
    r"\b(?P<unit>minggu|pekan|hari)\s+(?:depannya|berikutnya|selanjutnya)\b|\bbesoknya\b",
    re.IGNORECASE,
)


def shift_in(text: str) -> timedelta | None:
    """How far the message moves the visit: "seminggu setelahnya" +7 days, "maju 2 hari" -2,
    "minggu depannya" +7."""
    for pattern, sign in _SHIFTS:
        if (match := pattern.search(text)) is not None:
            days = 1 if match["unit"].lower() in {"hari", "hr"} else 7
            return timedelta(days=sign * (words_to_int(match["count"].lower()) or 1) * days)
    if (following := _NEXT.search(text)) is not None:
        unit = (following["unit"] or "hari").lower()
        return timedelta(days=1 if unit == "hari" else 7)
    return None


# "bisa hari sabtu?", "kalau hari minggu buka?": a day of the week in general, in a short
# question ("minggu" alone is also "week": only after "hari").
WEEKDAY_WORDS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
# The days as typed fast ("klo mnggu?" after Saturday's answer, console: which date?), "ahad"
# for Sunday, and "hr" for "hari".
_WEEKDAY_SPELLINGS = MappingProxyType({
    "ahad": "minggu", "mnggu": "minggu", "mingu": "minggu", "mgu": "minggu", "snin": "senin",
    "slasa": "selasa", "rebo": "rabu", "kmis": "kamis", "jmat": "jumat", "jumaat": "jumat",
    "sbtu": "sabtu", "hr": "hari",
})  # fmt: skip
WEEKDAY_QUESTION_WORDS = 12  # "sy mau tny soal kunjungan ke bmi bs hr sabtu ga?" is 11


class BookingParts:
    """Shared state and helpers of the booking flows."""

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """Every booking message goes through NLU: none is known by its words alone."""
        return None

    def __init__(
        self,
        bookings: Bookings,
        *,
        rules: BookingRules,
        answers: Answers,
        texts: Texts,
        notifier: Notifier,
        staff: StaffDesk | None,
        today: Callable[[], date],
        calendar: VisitCalendar | None = None,
        guard: Guard | None = None,
        places: Places | None = None,
    ) -> None:
        self._places = places
        self._guard = guard
        self._calendar = calendar
        self._bookings = bookings
        self._rules = rules
        self._answers = answers
        self._t = texts
        self._notifier = notifier
        self._staff = staff
        self._today = today

    def _date_from(self, event: Incoming | None, text: str) -> tuple[date | None, int | None]:
        """The first date mention: (start, days or None for a single day)."""
        if event is not None and event.kind is Kind.BUTTON and event.payload:
            return self._date_from_payload(event.payload)
        mentions = [m for m in find_dates(text, self._today()) if not m.vague]
        if not mentions:
            return None, None
        first = mentions[0]
        span = (first.end - first.start).days + 1
        return first.start, (span if span > 1 else self._days_in(text))

    def _period_in(self, text: str) -> tuple[date, date] | None:
        """A period to choose a day in ("Maret", "awal Juli", "minggu depan", "setelah
        lebaran"), when the message names one rather than a day."""
        mentions = find_dates(text, self._today())
        if mentions and not mentions[0].vague:
            return None  # a day, not a period
        feast = feast_period(text, self._today(), self._rules.holidays)
        if feast is not None or not mentions:
            return feast  # a feast beside a vague time wins: "bulan puasa tahun depan"
        named = mentions[0]
        week = _WEEK_NAMED.search(text)
        if week is not None and "minggu" not in named.text.lower():
            # "bulan maret 2027 pak, minggu kedua" (console, a Dinas from Lombok Timur: the
            # whole month, then its 1st booked): that week of the month
            return self._week_in(week, named.start) or (named.start, named.end)
        return named.start, named.end

    def _week_of(self, text: str, period: list[str]) -> tuple[date, date] | None:
        """ "minggu ketiga" alone, once a period's days were offered (ISO first and last
        days): that week of the period's month; None for anything else."""
        week = _WEEK_ALONE.match(text)
        return None if week is None else self._week_in(week, date.fromisoformat(period[0]))

    def _week_in(self, week: re.Match[str], day: date) -> tuple[date, date] | None:
        """The week `week` names ("minggu kedua", "minggu ke 3") of the month of `day`."""
        nth = _ORDINALS.get(week["week"], week["week"])  # "minggu 3 Februari" is a day
        return self._period_in(f"minggu {nth} {MONTHS[day.month - 1]} {day.year}")

    async def _earliest_of(self, period: list[str], days: int, people: int) -> date | None:
        """The first free start date of a period offered (ISO first and last days), for the
        group's size and days."""
        first, last = (date.fromisoformat(day) for day in period)
        free = await self._bookings.free_between(first, last, days, people, 1)
        return free[0] if free else None

    async def _free_in(self, offered: list[str], days: int, people: int) -> list[date]:
        """Every free start date of the period offered (ISO first and last days)."""
        first, last = (date.fromisoformat(day) for day in offered)
        return await self._bookings.free_between(
            first, last, days, people, (last - first).days + 1
        )

    async def _weekdays_of_period(
        self, weekday: int, offered: list[str], days: int, people: int
    ) -> Reply:
        """The free days of the period offered (ISO first and last days) that fall on
        `weekday` (console, a KSU from Garut: "yang hari kamis" of January was read as this
        week's Thursday, too soon), or the period's other free days when none does."""
        first, last = (date.fromisoformat(day) for day in offered)
        free = await self._free_in(offered, days, people)
        named = DAYS[weekday]
        if chosen := [day for day in free if day.weekday() == weekday][:DATE_CHOICES]:
            text = self._t("booking.weekdays_in", day=named, period=period(first, last))
            return Reply(text, self._date_buttons(chosen))
        text = self._t("booking.weekday_none", day=named, period=period(first, last))
        return Reply(text, self._date_buttons(free[:DATE_CHOICES]))

    async def _choose_in(self, first: date, last: date, days: int, people: int) -> Reply:
        """The free start dates of a period as buttons (never its first day taken for the
        answer); when it is full, the nearest free dates after it."""
        free = await self._bookings.free_between(first, last, days, people, DATE_CHOICES)
        if free:
            text = self._t("booking.choose_in", period=period(first, last))
            return Reply(text, self._date_buttons(free))
        after = await self._bookings.alternatives(last, days, people)
        text = self._t("booking.period_full", period=period(first, last))
        return Reply(text, self._date_buttons(after))

    @staticmethod
    def _date_from_payload(payload: str) -> tuple[date | None, int | None]:
        chosen = value_of(payload, Space.DATE)
        if chosen is None:
            return None, None
        try:
            return date.fromisoformat(chosen), None
        except ValueError:
            return None, None

    @staticmethod
    def _days_in(text: str) -> int | None:
        """The visit's length a message names; of a change ("tambah 1 hari jadi 2 hari"), the
        length it comes to."""
        found = list(DAYS_IN_TEXT.finditer(text))
        if not found:
            return None
        match = found[-1] if CHANGED_TO.search(text) else found[0]
        if match.group(2):
            return 1  # "sehari"
        return words_to_int(match.group(1).lower())

    def _open_days(self) -> str:
        """The days of the week visits are received: "Senin sampai Sabtu", or listed."""
        open_days = [n for n in range(7) if n not in self._rules.closed_weekdays]
        if len(open_days) > 2 and open_days == list(range(open_days[0], open_days[-1] + 1)):
            return self._t(
                "availability.day_range", first=DAYS[open_days[0]], last=DAYS[open_days[-1]]
            )
        return ", ".join(DAYS[n] for n in open_days)

    def _holidays_answer(self, text: str) -> Reply | None:
        """ "kalau hari libur nasional buka?" (console, mid-form: "belum bisa saya jawab"):
        holidays are closed, and which days are open; when they are ("kapan bmi libur akhir
        tahun?", console: the nearest free days), those of the period named or of the weeks
        ahead, from the holiday data; None unless a question asks of them."""
        if not self._t.asks(text):
            return None
        if _HOLIDAYS_WHEN.search(text):
            return self._holidays_listed(text)
        if _HOLIDAYS_ASKED.search(text) is None:
            return None
        return Reply(self._t("availability.holidays_closed", days=self._open_days()))

    def _holidays_listed(self, text: str) -> Reply:
        today = self._today()
        feast = feast_named(text, today, self._rules.holidays)  # "libur lebaran kapan ya?"
        around = (feast - FEAST_LEAVE, feast + FEAST_LEAVE) if feast else None
        first, last = around or self._period_in(text) or (today, today + HOLIDAYS_AHEAD)
        days = sorted(day for day in self._rules.holidays if first <= day <= last)
        when, open_days = period(first, last), self._open_days()
        if not days:
            return Reply(self._t("availability.no_holidays", period=when, days=open_days))
        listed = "\n".join(f"• {long_date(day)}: {self._rules.holidays[day]}" for day in days)
        return Reply(
            self._t("availability.holidays_listed", period=when, holidays=listed, days=open_days)
        )

    def _weekday_answer(self, text: str, *, follows: bool = False) -> Reply | None:
        """ "apakah bisa hari sabtu?": whether visits are received on that day of the week
        (`CLOSED_WEEKDAYS`), not the availability of the coming Saturday; None unless a short
        question names a day of the week and no date or other time. Short: the part of the
        message that names the day, after an introduction ("Tabe' puang, kami dari Koperasi
        Tani … Bone mau tanya, bisa ki kunjungan hari sabtu?", console), before a reason
        ("… hari minggu karena peserta kami bekerja di hari kerja?", console: not understood).
        When it `follows` such an answer, "kalau minggu?" is Sunday, not a week; a time of
        day asked ("kalau sabtu sore?") gets the usual hours too."""
        parts = re.split(r"[,.;!\n]", _REASON.split(text, maxsplit=1)[0])
        named = [part for part in parts if weekdays_named(part, follows)]
        words = re.findall(r"\w+", (named[-1] if named else text).lower().replace("'", ""))
        if len(words) > WEEKDAY_QUESTION_WORDS or not self._t.asks(text):
            return None
        days = weekdays_named(text, follows)
        if len(days) != 1:
            return None
        mentions = find_dates(text, self._today())
        said = {m.text.lower().replace("'", "").removeprefix("hari ").strip() for m in mentions}
        if said - {WEEKDAY_WORDS[days[0]], "ahad"}:
            return None  # "sabtu tanggal 16 Januari", "sabtu depan": a date after all
        closed = days[0] in self._rules.closed_weekdays
        key = "availability.weekday_closed" if closed else "availability.weekday_open"
        answer = self._t(key, day=DAYS[days[0]])
        if not closed and _AT_HOUR.search(text):  # "… hari senin jam 7 pagi bisa?" (console)
            answer += "\n" + self._answers.hours().text
        return Reply(answer)

    def _yes_or_no(
        self, event: Incoming, result: NluResult | None, text: str, spaces: tuple[Space, Space],
        confirms: str | None = None,
    ) -> str | None:  # fmt: skip
        """ "yes" or "no" for the change asked about: its buttons (`spaces`, yes then no), or a
        sure yes or no typed (`_sure_reply`)."""
        yes, no = spaces
        if is_(event.payload, yes) or is_(event.payload, no):
            return "yes" if is_(event.payload, yes) else "no"
        return self._confirmed(result, text, confirms)

    def _confirmed(self, result: NluResult | None, text: str, confirms: str | None) -> str | None:
        """The answer to a change asked about: a sure yes or no (`_sure_reply`), or a yes said
        first ("iya betul, ubah jadi 35" where a new group size was asked: read as moving
        the visit, console)."""
        if not self._t.asks(text) and self._t.yes_first(text):
            return "yes"
        return self._sure_reply(result, text, confirms)

    def _sure_reply(
        self, result: NluResult | None, text: str, confirms: str | None = None
    ) -> str | None:
        """ "yes" or "no" typed, read surely and asking nothing: a question read as a faint
        yes or no decides nothing. The change asked about, asked for again ("iya batalkan"
        where a cancel is confirmed: `confirms`, read surely, no "jangan") is a yes too
        (console: the visit was kept)."""
        if result is None or result.confidence < LIKELY or self._t.asks(text):
            return None
        if result.intent == confirms and not self._t.mentions(text, "words.not_yes"):
            return "yes"
        return {"affirm": "yes", "deny": "no"}.get(result.intent)

    def _day_full(self, when: str, alternatives: list[date]) -> Reply:
        """ "That day is full", with the nearest free days as buttons."""
        return Reply(self._t("booking.day_full", day=when), self._date_buttons(alternatives))

    def _weekday_slip(self, text: str, day: date) -> Reply | None:
        """ "hari selasa tgl 18 januari", and the 18th is a Monday (console, a KSPPS from
        Sragen: the Monday taken without a word): which of the two is meant, both as
        buttons; None when the message names no other day of the week."""
        named = weekdays_named(text)
        if len(named) != 1 or named[0] == day.weekday():
            return None
        shift = (named[0] - day.weekday() + 3) % 7 - 3  # the nearest such day, -3 to +3
        other = day + timedelta(days=shift)
        said = self._t(
            "booking.weekday_slip", plain=plain_date(day), actual=DAYS[day.weekday()],
            said=DAYS[named[0]], date=long_date(day), other=long_date(other),
        )  # fmt: skip
        return Reply(said, self._date_buttons([day, other]))

    def _date_buttons(self, days: list[date]) -> tuple[Button, ...]:
        return tuple(
            Button(short_date(day), encode(Space.DATE, day.isoformat())) for day in days
        ) + (Button(self._t("button.menu"), encode(Space.MENU)),)

    def _book_button(self) -> Button:
        return Button(self._t("button.book"), encode(Space.INTENT, "book_visit"))

    def _left(self) -> Reply:
        """The form given up ("batal", or a cancel with only a form put aside): nothing kept."""
        return Reply(
            self._t("booking.left"), (Button(self._t("button.menu"), encode(Space.MENU)),)
        )

    def _staff_buttons(self, code: str) -> tuple[Button, ...]:
        return (
            Button(self._t("staff.approve"), encode(Space.APPROVE, code)),
            Button(self._t("staff.decline"), encode(Space.DECLINE, code)),
        )

    @staticmethod
    def _code(result: NluResult | None, text: str) -> str | None:
        entity = result.entity("code") if result else None
        if entity is not None:
            return str(entity.value)
        codes = find_codes(text)
        return codes[0].value if codes else None

    async def _own_bookings(self, event: Incoming) -> list[BookingView]:
        chat = await self._bookings.for_chat(event.channel, event.chat_id)
        return [booking for booking in chat if requested_by(event, booking)]

    async def _only_active(self, event: Incoming, text: str) -> BookingView | None:
        """The chat's one active booking, or the active one the message names by code."""
        code = self._code(None, text)
        active = [
            booking
            for booking in await self._own_bookings(event)
            if booking.status in ACTIVE and code in (None, booking.code)
        ]
        return active[0] if len(active) == 1 else None

    async def _own_booking(
        self, event: Incoming, code: str
    ) -> tuple[BookingView | None, list[Reply]]:
        """The user's booking with that code, or the refusal: "not found" for a code that is
        not theirs (whether it exists is nobody else's business), "please wait" once they
        have tried too many wrong codes."""
        user = (event.channel, event.user_id)
        if self._guard is not None and self._guard.codes_blocked(user):
            return None, [Reply(self._t("limit.codes"))]
        booking = await self._bookings.get(code)
        if booking is None or not requested_by(event, booking):
            if self._guard is not None:
                self._guard.wrong_code(user)
            return None, [Reply(self._t("booking.not_found", code=code.upper()))]
        return booking, []

    def _by_staff(self, event: Incoming) -> bool:
        return self._staff is not None and self._staff.listed(event.user_id)

    def _held(self, held: TooMany) -> Reply:
        """What the user already holds, and what they can do about it."""
        first = held.held[0]
        text = self._t(
            held.key,
            code=first.code,
            when=render.when(first),
            codes=", ".join(b.code for b in held.held),
            count=len(held.held),
        )
        buttons: tuple[Button, ...] = ()
        if held.key == "booking.pending_exists":
            buttons = (
                Button(
                    self._t("booking.change_pending"), encode(Space.PICK_RESCHEDULE, first.code)
                ),
                Button(self._t("booking.cancel_pending"), encode(Space.PICK_CANCEL, first.code)),
            )
        return Reply(
            text,
            (*buttons, Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))),
        )

    def _date_unknown(self, text: str) -> bool:
        """Whether the message says the date is not known yet, and names none."""
        unknown = self._t.mentions(text, "words.booking.date_unknown")
        return unknown and not find_dates(text, self._today())

    def _actor(self, event: Incoming) -> str:
        return f"{event.channel}:{event.user_id}"

    def _words(self, key: str) -> frozenset[str]:
        """A word list of data/messages (`words.<key>`)."""
        return self._t.words(f"words.{key}")

    def _says(self, text: str, key: str) -> bool:
        """Whether the message is one of a word list's phrases (`Texts.says`, `words.<key>`)."""
        return self._t.says(text, f"words.{key}")

    async def _to_staff(self, replies: list[Reply]) -> None:
        if self._staff is None:
            log.warning("STAFF_CHAT_ID is not set: staff were not told about a booking change")
            return
        await self._notifier.send(self._staff.channel, self._staff.chat_id, replies)


def requested_by(event: Incoming, booking: BookingView) -> bool:
    """A booking is its requester's: the chat it was made in and, in a group, the member who
    made it."""
    return (event.channel, event.chat_id, event.user_id) == (
        booking.channel,
        booking.chat_id,
        booking.user_id,
    )


def weekdays_named(text: str, sunday_alone: bool = False) -> list[int]:
    """The days of the week a message names, in order (0 for Monday): "jum'at" too, "ahad"
    for Sunday, and "minggu" only as "hari minggu" (alone it is also "week"), unless the talk
    is of days of the week (`sunday_alone`)."""
    words = [
        _WEEKDAY_SPELLINGS.get(word, word)
        for word in re.findall(r"\w+", text.lower().replace("'", ""))
    ]
    return [
        WEEKDAY_WORDS.index(word)
        for at, word in enumerate(words)
        if word in WEEKDAY_WORDS[:6]
        or (word == "minggu" and (sunday_alone or words[at - 1 : at] == ["hari"]))
    ]
