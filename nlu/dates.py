"""Find Indonesian date mentions in free text and resolve them to ISO dates.

dateparser understands full Indonesian dates ("Rabu 1 Maret", "13 Juni 2027") but not the way
people actually write to a cooperative: "lusa", "minggu depan", "kamis depan", "tgl 20 agt",
"1-3 Maret 2027", "3 hari lagi". This module finds the spans itself (so "13 juni 27 orang" is not
read as the year 27) and hands only the absolute day-month-year part to dateparser.

It imports nothing from Rasa: the NLU component (Python 3.10) and the bot (Python 3.11) share it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import dateparser

VENUE_TZ = ZoneInfo("Asia/Jakarta")

_WRITTEN: dict[str, str] = {
    "januari": "januari", "jan": "januari", "january": "januari",
    "februari": "februari", "pebruari": "februari", "feb": "februari", "peb": "februari",
    "february": "februari",
    "maret": "maret", "mar": "maret", "march": "maret", "mac": "maret",  # Malay "Mac"
    "april": "april", "apr": "april",
    "mei": "mei", "may": "mei",
    "juni": "juni", "jun": "juni", "june": "juni",
    "juli": "juli", "jul": "juli", "july": "juli",
    "agustus": "agustus", "agu": "agustus", "agt": "agustus", "ags": "agustus",
    "agus": "agustus", "aug": "agustus", "august": "agustus",
    "september": "september", "sep": "september", "sept": "september",
    "oktober": "oktober", "okt": "oktober", "oct": "oktober", "october": "oktober",
    "november": "november", "nov": "november", "nop": "november", "nopember": "november",
    "desember": "desember", "des": "desember", "dec": "desember", "december": "desember",
}  # fmt: skip


def _slips(name: str) -> set[str]:
    """A long month name typed with one letter dropped or two swapped ("febuari", "janauri",
    "agusuts", "septembe": console, unread), so a slip still names the month."""
    dropped = {name[:at] + name[at + 1 :] for at in range(len(name))}
    swapped = {name[:at] + name[at + 1] + name[at] + name[at + 2 :] for at in range(len(name) - 1)}
    return (dropped | swapped) - {name}


_LONG = ("januari", "februari", "agustus", "september", "oktober", "november", "desember")
# The months as written, in the year's order, then the long ones' slips (a written form wins).
MONTHS: dict[str, str] = {
    **_WRITTEN,
    **{slip: full for full in _LONG for slip in sorted(_slips(full)) if slip not in _WRITTEN},
}

WEEKDAYS: dict[str, int] = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))
_RANGE_SEP = r"\s*(?:-|–|—|s\.?/?d\.?|sd|sampai(?:\s+dengan)?|hingga|sampe|to)\s*"
_PREFIX = r"(?:(?:tanggal|tgl|tg)\.?\s*)?"

_ABSOLUTE = re.compile(
    rf"(?<![\w/])(?:(?:hari\s+)?(?:{_WEEKDAY}),?\s+)?{_PREFIX}"
    rf"(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{_MONTH})\.?(?:\s+(?P<y1>\d{{4}}))?)?"
    rf"(?:{_RANGE_SEP}(?P<d2>\d{{1,2}}))?"
    rf"\s+(?P<m2>{_MONTH})\.?(?:\s+(?P<y2>\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)
# Days listed before their month: "12 dan 13 januari", "12, 13 & 14 Jan" (console, a lecturer
# from Tangerang: only the 13th was read).
_LISTED = re.compile(
    rf"(?<![\w/])(?<!jam\s)(?<!pukul\s){_PREFIX}"
    rf"(?P<days>\d{{1,2}}(?:\s*(?:,|&|\+|dan|,\s*dan)\s*\d{{1,2}})+)"
    rf"\s+(?P<m>{_MONTH})\.?(?:\s+(?P<y>\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    rf"(?<![\w/.-]){_PREFIX}(?P<d>\d{{1,2}})[/-](?P<m>\d{{1,2}})(?:[/-](?P<y>\d{{4}}|\d{{2}}))?"
    rf"(?![\w/.-]?\d)",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_RELATIVE_DAY = re.compile(
    r"(?<!\w)(?P<word>hari\s+ini|hr\s+ini|besok\s+lusa|besok|besuk|bsok|bsk|lusa)(?!\w)",
    re.IGNORECASE,
)
_IN_N = re.compile(
    r"(?<!\w)(?P<n>\d{1,2}|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\s+"
    r"(?P<unit>hari|hr|minggu|mgg|pekan|bulan|bln)\s+(?:lagi|ke\s*depan|kedepan|mendatang)(?!\w)",
    re.IGNORECASE,
)
_WEEKDAY_REL = re.compile(
    rf"(?<!\w)(?:hari\s+)?(?P<wd>{_WEEKDAY})\s+(?P<rel>depan|ini|besok|nanti)(?!\w)"
    rf"|(?<!\w)hari\s+(?P<wd2>{_WEEKDAY})(?!\w)",
    re.IGNORECASE,
)
# "hari Rabu" alone, and what joins it to the date it is the weekday of ("Rabu-Kamis", "Rabu
# s.d. Kamis", "Rabu, tanggal …").
_BARE_WEEKDAY = re.compile(rf"(?:hari\s+)?(?:{_WEEKDAY})", re.IGNORECASE)
_WEEKDAY_JOIN = re.compile(r"\s*(?:-|–|s\.?\s?d\.?|sampai|hingga|dan|/|,)?\s*", re.IGNORECASE)
# The part of a period: "awal", "akhir" (Minang "akhia"), "pertengahan", "tengah".
_PART = r"(?P<part>awal|akhir|akhia|pertengahan|tengah)"


def _part(m: re.Match[str]) -> str:
    """The part of a period a match names, as the Indonesian word ("" for none)."""
    part = (m["part"] or "").lower()
    return "akhir" if part == "akhia" else part


# "minggu kedua", "minggu ke-3" (of a month)
# A week of a month: "minggu ketiga", "minggu ke-2" (the bot reads it alone in a month offered).
WEEK_OF = r"minggu\s+(?:ke-?\s*)?(?P<week>1|2|3|4|pertama|kedua|ketiga|keempat|terakhir)"
# "bulan depan", "awal minggu depan"; in English too, as WhatsApp mixes it ("next month").
_PERIOD = re.compile(
    rf"(?<!\w)(?:(?:{_PART}\s+)?(?:{WEEK_OF}\s+)?"  # "minggu ketiga bulan depan"
    r"(?P<unit>minggu|pekan|bulan|bln)\s+(?P<rel>depan|ini|berikutnya|besok)"
    r"|(?P<rel_en>next|this)\s+(?P<unit_en>week|month))(?!\w)",
    re.IGNORECASE,
)
_ENGLISH_UNITS = MappingProxyType({"week": "minggu", "month": "bulan"})
_SMALL_NUMBERS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10,
}  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    """A date or date range found in a text; ``end`` is ``start`` for a single day.

    ``vague`` marks a period to choose a day in ("Maret", "awal Juli", "minggu depan"), as
    opposed to the days of a visit ("1-3 Maret").
    """

    start_char: int
    end_char: int
    text: str
    start: date
    end: date
    vague: bool = False

    @property
    def value(self) -> str:
        """ISO date, or ``start/end`` (ISO 8601 interval) for a range."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def venue_today() -> date:
    """Today at the venue (Asia/Jakarta), whatever the server's own zone."""
    return datetime.now(VENUE_TZ).date()


def find_dates(text: str, today: date | None = None) -> list[DateMention]:
    """Return every date mention in ``text``, left to right, without overlaps."""
    today = today or venue_today()
    found: list[DateMention] = []
    finders = (_iso, _listed, _absolute, _numeric, _relative_day, _in_n, _period, _weekday_rel,
               _month, _year)  # fmt: skip
    for finder in finders:
        for mention in finder(text, today):
            if not any(_overlaps(mention, other) for other in found):
                found.append(mention)
    found.sort(key=lambda m: m.start_char)
    following: list[DateMention | None] = [*found[1:], None]
    return [m for m, after in zip(found, following, strict=False) if not _names(m, after, text)]


def _names(weekday: DateMention, after: DateMention | None, text: str) -> bool:
    """Whether `weekday` is only the weekday of the date right after it: "hari Rabu-Kamis
    tanggal 17-18 Februari 2027" (a letter, console: it was this Wednesday, too soon)."""
    return (
        after is not None
        and not after.vague
        and any(character.isdigit() for character in after.text)  # "… dan kamis depan": two
        and _BARE_WEEKDAY.fullmatch(weekday.text) is not None
        and _WEEKDAY_JOIN.fullmatch(text[weekday.end_char : after.start_char]) is not None
    )


def _overlaps(a: DateMention, b: DateMention) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


def _mention(
    match: re.Match[str], start: date, end: date | None = None, vague: bool = False
) -> DateMention:
    return DateMention(match.start(), match.end(), match.group(0), start, end or start, vague)


def _parse_day_month(day: str, month: str, year: str | None, today: date) -> date | None:
    """Parse one absolute date with dateparser, preferring the future when no year is given."""
    text = f"{int(day)} {MONTHS[month.lower()]}" + (f" {year}" if year else "")
    parsed = dateparser.parse(
        text,
        languages=["id"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),  # noqa: DTZ001
        },
    )
    if parsed is None:
        return None
    result = parsed.date()
    if year is None and result < today:
        result = _same_day_next_year(result)
    return result


def _same_day_next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _absolute(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _ABSOLUTE.finditer(text):
        end = _parse_day_month(m["d2"] or m["d1"], m["m2"], m["y2"], today)
        if end is None:
            continue
        if m["d2"] is None:
            found.append(_mention(m, end))
            continue
        start = _parse_day_month(m["d1"], m["m1"] or m["m2"], m["y1"] or str(end.year), today)
        if start is not None and start <= end:
            found.append(_mention(m, start, end))
    return found


def _listed(text: str, today: date) -> list[DateMention]:
    """Days listed before one month: the days in a row are the days of one visit (a range);
    days apart are dates to choose from, each its own mention, the last with the month."""
    found = []
    for m in _LISTED.finditer(text):
        numbers = list(re.finditer(r"\d+", m["days"]))
        parsed = [_parse_day_month(n.group(0), m["m"], m["y"], today) for n in numbers]
        days = [day for day in parsed if day is not None]
        if len(days) < len(numbers):
            continue
        if [day.toordinal() - days[0].toordinal() for day in days] == list(range(len(days))):
            found.append(_mention(m, days[0], days[-1]))
            continue
        ends = [m.start("days") + n.end() for n in numbers[:-1]] + [m.end()]
        for n, day, end in zip(numbers, days, ends, strict=True):
            start = m.start("days") + n.start()
            found.append(DateMention(start, end, text[start:end], day, day))
    return found


def _numeric(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _NUMERIC.finditer(text):
        year = m["y"]
        if year is not None and len(year) == 2:
            year = f"20{year}"
        try:
            day = date(int(year or today.year), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        if year is None and day < today:
            day = _same_day_next_year(day)
        found.append(_mention(m, day))
    return found


def _iso(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _ISO.finditer(text):
        try:
            found.append(_mention(m, date(int(m["y"]), int(m["m"]), int(m["d"]))))
        except ValueError:
            continue
    return found


def _relative_day(text: str, today: date) -> list[DateMention]:
    offsets = {"hari ini": 0, "hr ini": 0, "besok": 1, "besuk": 1, "bsok": 1, "bsk": 1, "lusa": 2}
    found = []
    for m in _RELATIVE_DAY.finditer(text):
        word = " ".join(m["word"].lower().split())
        offset = 2 if word == "besok lusa" else offsets[word]
        found.append(_mention(m, today + timedelta(days=offset)))
    return found


def _in_n(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _IN_N.finditer(text):
        n = int(m["n"]) if m["n"].isdecimal() else _SMALL_NUMBERS[m["n"].lower()]
        unit = m["unit"].lower()
        if unit in ("hari", "hr"):
            found.append(_mention(m, today + timedelta(days=n)))
        elif unit in ("minggu", "mgg", "pekan"):
            found.append(_mention(m, today + timedelta(weeks=n)))
        else:
            found.append(_mention(m, _add_months(today, n)))
    return found


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _weekday_rel(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _WEEKDAY_REL.finditer(text):
        weekday = WEEKDAYS[(m["wd"] or m["wd2"]).lower()]
        ahead = (weekday - today.weekday()) % 7
        if (m["rel"] or "").lower() == "depan":
            # "kamis depan": Thursday of next week, never this week's.
            next_monday = today + timedelta(days=7 - today.weekday())
            found.append(_mention(m, next_monday + timedelta(days=weekday)))
        else:
            rel_is_this_week = (m["rel"] or "").lower() == "ini"
            found.append(
                _mention(m, today + timedelta(days=ahead if rel_is_this_week else ahead or 7))
            )
    return found


def _part_of_month(first: date, last: date, part: str) -> tuple[date, date]:
    """ "awal" is days 1–10, "pertengahan"/"tengah" 11–20, "akhir" 21 to the end; no part
    is the whole month."""
    return {
        "awal": (first, first.replace(day=10)),
        "pertengahan": (first.replace(day=11), first.replace(day=20)),
        "tengah": (first.replace(day=11), first.replace(day=20)),
        "akhir": (first.replace(day=21), last),
    }.get(part, (first, last))


def _week_of_month(first: date, last: date, week: str) -> tuple[date, date]:
    """ "minggu kedua" of a month: its days 8–14; "minggu terakhir" its last seven."""
    if week == "terakhir":
        return last - timedelta(days=6), last
    start = first + timedelta(days=7 * (_WEEK_NUMBERS[week] - 1))
    return start, min(start + timedelta(days=6), last)


def _period(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _PERIOD.finditer(text):
        if m["unit_en"]:
            unit = _ENGLISH_UNITS[m["unit_en"].lower()]
            rel = "ini" if m["rel_en"].lower() == "this" else "depan"
        else:
            unit, rel = m["unit"].lower(), m["rel"].lower()
        part = _part(m)
        if unit in ("minggu", "pekan"):
            monday = today - timedelta(days=today.weekday())
            if rel != "ini":
                monday += timedelta(weeks=1)
            start, end = max(monday, today), monday + timedelta(days=6)
        else:
            first = today.replace(day=1) if rel == "ini" else _add_months(today.replace(day=1), 1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            week = (m["week"] or "").lower()
            start, end = _week_of_month(first, last, week) if week else (first, last)
            start, end = _part_of_month(start, end, part) if part else (start, end)
            start = max(start, today)
        if start <= end:
            found.append(_mention(m, start, end, vague=True))
    return found


# "(bulan) Maret (2027)", "awal Juli", "pertengahan Agustus", "minggu kedua September"
_MONTH_PERIOD = re.compile(
    rf"(?<!\w)(?:{_PART}\s+(?:bulan\s+)?"
    # "wulan", "sasih": Javanese, Sundanese
    rf"|{WEEK_OF}\s+(?:bulan\s+)?|(?:bulan|bln|wulan|sasih)\s+)?"
    rf"(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)
_WEEK_NUMBERS = {"1": 1, "pertama": 1, "2": 2, "kedua": 2, "3": 3, "ketiga": 3, "4": 4,
                 "keempat": 4}  # fmt: skip
_MONTH_NUMBERS = {name: number for number, name in enumerate(dict.fromkeys(MONTHS.values()), 1)}


def _month(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _MONTH_PERIOD.finditer(text):
        month = _MONTH_NUMBERS[MONTHS[m["month"].lower()]]
        cued = (
            m["part"]
            or m["week"]
            or m["year"]
            or m.group(0).lower().startswith(("bulan", "bln", "wulan", "sasih"))
            or m.group(0) == text.strip(" .!?")  # the whole message: "Mei"
        )
        said = m["month"].lower()
        if not cued and (len(said) < 4 or len(said) < len(MONTHS[said]) - 1):
            # "mei", "mar", "des", "Agus" (a name: "Perkenalkan saya Agus Salim", console, a
            # Dinas from Lombok Tengah: August) among other words are too often something else
            continue
        year = int(m["year"]) if m["year"] else today.year
        if m["year"] is None and (year, month) < (today.year, today.month):
            year += 1
        first = date(year, month, 1)
        last = first.replace(day=calendar.monthrange(year, month)[1])
        start, end = first, last
        part, week = _part(m), (m["week"] or "").lower()
        if part:
            start, end = _part_of_month(first, last, part)
        elif week:
            start, end = _week_of_month(first, last, week)
        start = max(start, today)
        if start <= end:
            found.append(_mention(m, start, end, vague=True))
    return found


# "pertengahan tahun depan", "akhir tahun ini", "awal 2027", "tahun depan"
_YEAR_PERIOD = re.compile(
    rf"(?<!\w)(?:{_PART}\s+)?"
    r"(?:tahun\s+(?P<rel>ini|depan)|(?:tahun\s+)?(?P<year>20\d\d))(?!\w)",
    re.IGNORECASE,
)
# Which months each part of a year means: two at the start, June–July in the middle, the last two.
_YEAR_PARTS = {"awal": (1, 2), "pertengahan": (6, 7), "tengah": (6, 7), "akhir": (11, 12)}


def _year(text: str, today: date) -> list[DateMention]:
    found = []
    for m in _YEAR_PERIOD.finditer(text):
        part = _part(m)
        if m["year"] and not part:
            continue  # a bare year ("2027") is not a period to choose a day in
        rel = (m["rel"] or "").lower()
        year = int(m["year"]) if m["year"] else today.year + (rel == "depan")
        first_month, last_month = _YEAR_PARTS.get(part, (1, 12))
        start = max(date(year, first_month, 1), today)
        end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        if start <= end:
            found.append(_mention(m, start, end, vague=True))
    return found
