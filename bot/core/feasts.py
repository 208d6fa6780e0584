"""Periods people name after a religious feast: "setelah lebaran", "sebelum Idul Adha", the
fasting month before Idul Fitri ("pas bulan puasa") and the month it begins ("bulan Syawal").

The feast's real date comes from the holiday data (national holidays from `lokal-id` and the
operator's file), never from a table here: Idul Fitri moves eleven days a year. The period is
the month after the feast's last closed day (cuti bersama included), or the month before its
first; no period when the data has no such feast ahead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import MappingProxyType

# The two feasts as written: Idul Adha ("lebaran haji", "idul kurban") and Idul Fitri.
_FEASTS = r"lebaran\s+(?:haji|kurban|qurban)|idul\s*(?:adha|kurban|qurban)|lebaran|idul\s*fitri"
_AROUND = re.compile(
    r"(?<!\w)(?:(?P<count>\d{1,2}\s*|se|(?:satu|dua|tiga|empat)\s+)"
    r"(?P<unit>minggu|pekan|hari|bulan)\s+)?"
    r"(?P<when>setelah|sesudah|habis|selepas|pasca|sebelum|menjelang)\s+"
    rf"(?P<feast>{_FEASTS}|hari\s+raya)(?!\w)",
    re.IGNORECASE,
)
# "pas idul adha bisa kunjungan?": the feast's own day, not a period around it.
_ON = re.compile(rf"(?<!\w)(?:pas|saat|waktu|pada|hari)\s+(?P<feast>{_FEASTS})(?!\w)", re.I)
_NAMED = re.compile(rf"(?<!\w)(?P<feast>{_FEASTS})(?!\w)", re.IGNORECASE)
SPAN = timedelta(days=30)
# "seminggu sebelum idul adha", "2 minggu setelah lebaran": that far from the feast.
_UNIT_DAYS = MappingProxyType({"hari": 1, "minggu": 7, "pekan": 7, "bulan": 30})
_COUNTS = MappingProxyType({"se": 1, "satu": 1, "dua": 2, "tiga": 3, "empat": 4})
# "pas bulan puasa", "saat Ramadan": the fasting month, the days before Idul Fitri.
_FASTING = re.compile(
    r"(?<!\w)(?:bulan\s+(?:puasa|ramadh?an)|ramadh?an|(?:pas|saat|waktu|selama)\s+puasa)(?!\w)",
    re.IGNORECASE,
)
FASTING_DAYS = 29  # Ramadan has 29 or 30: its last 29 days are surely in it
# "bulan Syawal", "pas syawalan": the month that Idul Fitri begins (1 Syawal).
_SYAWAL = re.compile(r"(?<!\w)syawal(?:an)?(?!\w)", re.IGNORECASE)


def names_feast(text: str) -> bool:
    """Whether `text` names a time by a feast ("setelah lebaran", "bulan Ramadhan")."""
    return any(found.search(text) is not None for found in (_AROUND, _FASTING, _SYAWAL))


def feast_period(text: str, today: date, holidays: dict[date, str]) -> tuple[date, date] | None:
    """The days before or after the next feast `text` names, if it names one and the holiday
    data knows its date."""
    match = _AROUND.search(text)
    if match is None:
        return _fasting(text, today, holidays) or _syawal(text, today, holidays)
    feast_days = _next(_feast_name(match["feast"]), today, holidays)
    if not feast_days:
        return None
    first = last = feast_days[0]
    while last + timedelta(days=1) in holidays:  # the cuti bersama around it
        last += timedelta(days=1)
    while first - timedelta(days=1) in holidays:
        first -= timedelta(days=1)
    near, far = _distance(match)
    if match["when"].lower() in {"sebelum", "menjelang"}:
        start, end = max(today, first - far), first - near
    else:
        start, end = last + near, last + far
    return (start, end) if start <= end else None


def _distance(match: re.Match[str]) -> tuple[timedelta, timedelta]:
    """How far from the feast the period begins and ends: the month next to it, or the
    span said ("seminggu sebelum idul adha": the week before it, not the month; console, a
    KSP from Bogor; "2 minggu setelah lebaran": the second week after it)."""
    if match["unit"] is None:
        return timedelta(days=1), SPAN
    said = match["count"].strip().lower()
    count = int(said) if said.isdecimal() else _COUNTS[said]
    unit = _UNIT_DAYS[match["unit"].lower()]
    return timedelta(days=(count - 1) * unit + 1), timedelta(days=max(count * unit, 1))


def feast_day(text: str, today: date, holidays: dict[date, str]) -> date | None:
    """The next day of the feast `text` names as the time itself ("pas idul adha bisa
    kunjungan?", console: asked which date to check), if the holiday data knows it."""
    match = _ON.search(text)
    days = _next(_feast_name(match["feast"]), today, holidays) if match else []
    return days[0] if days else None


def feast_named(text: str, today: date, holidays: dict[date, str]) -> date | None:
    """The next day of the feast `text` names anywhere ("libur lebaran kapan ya?"), if the
    holiday data knows it."""
    match = _NAMED.search(text)
    days = _next(_feast_name(match["feast"]), today, holidays) if match else []
    return days[0] if days else None


def _feast_name(said: str) -> str:
    """ "idulfitri" or "iduladha", as the holiday data names them, for what was written."""
    words = said.lower()
    return "idul" + ("adha" if any(w in words for w in ("haji", "adha", "kurban", "qurban"))
                     else "fitri")  # fmt: skip


def _fasting(text: str, today: date, holidays: dict[date, str]) -> tuple[date, date] | None:
    """The fasting month `text` names ("bisa kunjungan pas bulan puasa?"): the days before
    the next Idul Fitri; None when it names none or the data has no Idul Fitri ahead."""
    if _FASTING.search(text) is None or not (feast_days := _next("idulfitri", today, holidays)):
        return None
    start, end = feast_days[0] - timedelta(days=FASTING_DAYS), feast_days[0] - timedelta(days=1)
    return (max(start, today), end) if max(start, today) <= end else None


def _syawal(text: str, today: date, holidays: dict[date, str]) -> tuple[date, date] | None:
    """The month of Syawal `text` names ("kalau bulan syawal bisa kunjungan?", console: asked
    which date to check): its first 29 days, from the next Idul Fitri on (the feast and
    cuti bersama closed among them); None when it names none or the data has no such feast."""
    if _SYAWAL.search(text) is None or not (feast_days := _next("idulfitri", today, holidays)):
        return None
    return feast_days[0], feast_days[0] + timedelta(days=FASTING_DAYS - 1)


def _next(name: str, today: date, holidays: dict[date, str]) -> list[date]:
    """The days of the feast `name` ("idulfitri", "iduladha") from today on, in order."""
    return sorted(
        day for day, label in holidays.items() if _plain(label).startswith(name) and day >= today
    )


def _plain(label: str) -> str:
    """ "Idul Fitri 1448 H", "Idulfitri 1448 H" alike: lower case, no spaces."""
    return label.lower().replace(" ", "")
