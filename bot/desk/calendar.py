"""Kalender: a month of visit days, each with its delegations against the day's capacity,
closed days and holidays; a day opens its visits."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from aiohttp import web

from bot.core.booking import BookingView
from bot.desk.pages import page
from bot.desk.security import DESK_KEY


@dataclass
class Day:
    """One cell of the month."""

    day: date
    in_month: bool
    closed: str = ""  # why no visits: a holiday's name, or "Tutup"
    visits: list[BookingView] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return sum(visit.participants for visit in self.visits)


def month_of(text: str | None, today: date) -> date:
    """The first day of the month asked for ("2026-12"), this month when absent or wrong."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


async def month(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    first = month_of(request.query.get("bulan"), desk.today())
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    visits = await desk.overview.between(weeks[0][0], weeks[-1][-1])
    rules = desk.bookings.rules
    cells: dict[date, Day] = {}
    for week in weeks:
        for day in week:
            closed = rules.holidays.get(day) or (
                "Tutup" if day.weekday() in rules.closed_weekdays else ""
            )
            cells[day] = Day(day, day.month == first.month, closed)
    for visit in visits:
        for day in visit.visit_days():
            if day in cells:
                cells[day].visits.append(visit)
    chosen = request.query.get("hari")
    opened = cells.get(date.fromisoformat(chosen)) if chosen and _iso(chosen) else None
    return await page(
        request,
        "calendar.html",
        first=first,
        weeks=[[cells[day] for day in week] for week in weeks],
        previous=(first - timedelta(days=1)).strftime("%Y-%m"),
        next=(first + timedelta(days=32)).strftime("%Y-%m"),
        capacity=desk.bookings.capacity,
        opened=opened,
        today=desk.today(),
    )


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
