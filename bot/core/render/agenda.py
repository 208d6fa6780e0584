"""A visit day's agenda in words, as participants and staff read it."""

from __future__ import annotations

from datetime import time

from bot.core.booking import BookingView
from bot.core.calendar_text import long_date
from bot.core.texts import Texts
from bot.core.visits import AgendaItem, day_date


def clock(value: time) -> str:
    """ "08.30", as times are written in Indonesia."""
    return value.strftime("%H.%M")


def session_line(item: AgendaItem) -> str:
    """ "09.00–10.30 Profil BMI (Pak Roni, Aula)"."""
    extra = ", ".join(part for part in (item.speaker, item.place) if part)
    return f"{clock(item.starts)}–{clock(item.ends)} {item.title}" + (
        f" ({extra})" if extra else ""
    )


def day(texts: Texts, booking: BookingView, index: int, items: list[AgendaItem]) -> str:
    """Day `index` of the visit: its date, the delegation, each session on a line."""
    lines = "\n".join(session_line(item) for item in items) or texts("agenda.empty")
    return texts(
        "agenda.day",
        index=index,
        date=long_date(day_date(booking, index)),
        org_name=booking.org_name,
        sessions=lines,
    )
