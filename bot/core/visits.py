"""Approved visits from the participants' side: the agenda of each day, who receives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Protocol

import yaml

from bot.core.booking import MAX_DAYS, BookingView


@dataclass(frozen=True)
class AgendaItem:
    """One session: venue-local start and end, title, optional speaker and place."""

    day: int
    starts: time
    ends: time
    title: str
    speaker: str | None = None
    place: str | None = None


AgendaTemplate = dict[int, list[AgendaItem]]  # visit length -> every session of every day


def load_agenda_template(path: Path) -> AgendaTemplate:
    """Read `data/agenda.yml`; a broken file stops start-up (ValueError with the reason)."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected visit lengths 1-{MAX_DAYS} as keys")
    template: AgendaTemplate = {}
    for length, days in data.items():
        items: list[AgendaItem] = []
        for index, entry in enumerate(days, start=1):
            for raw in entry["day"]:
                starts, ends = time.fromisoformat(raw["start"]), time.fromisoformat(raw["end"])
                if ends <= starts:
                    raise ValueError(f"{path}: day {index} of {length}: {raw['title']} ends early")
                items.append(
                    AgendaItem(
                        index, starts, ends, raw["title"], raw.get("speaker"), raw.get("place")
                    )
                )
        template[int(length)] = items
    missing = set(range(1, MAX_DAYS + 1)) - set(template)
    if missing:
        raise ValueError(f"{path}: no agenda for visits of {sorted(missing)} day(s)")
    return template


def usual_hours(template: AgendaTemplate) -> dict[str, str]:
    """When a visit's days usually begin and end, from the default agenda, for the answer to
    "jam berapa mulai sampai selesai?" before a visit is booked: {"day_starts": "08.30",
    "day_ends": "14.30–16.00"}."""
    starts = min(item.starts for items in template.values() for item in items)
    ends = sorted(
        {
            max(item.ends for item in items if item.day == day)
            for items in template.values()
            for day in {item.day for item in items}
        }
    )
    span = [f"{moment:%H.%M}" for moment in dict.fromkeys((ends[0], ends[-1]))]
    return {"day_starts": f"{starts:%H.%M}", "day_ends": "–".join(span)}


def visit_day_index(booking: BookingView, day: date) -> int | None:
    """1, 2 or 3 when `day` is a day of the visit, else None."""
    index = (day - booking.start_date).days + 1
    return index if 1 <= index <= booking.days else None


def day_date(booking: BookingView, index: int) -> date:
    """The calendar date of visit day `index`."""
    return booking.start_date + timedelta(days=index - 1)


class Visits(Protocol):
    """Participants and agendas of approved visits."""

    async def ensure_agenda(self, code: str) -> None:
        """Give a newly approved visit the default agenda for its length (once)."""
        ...

    async def agenda(self, code: str, day: int) -> list[AgendaItem]:
        """The sessions of one visit day, in order."""
        ...

    async def replace_agenda(self, code: str, items: list[AgendaItem]) -> None:
        """Swap a visit's whole agenda for `items`, in one transaction."""
        ...

    async def join(self, code: str, channel: str, chat_id: str, name: str) -> None:
        """Add (or re-add) a participant to a visit."""
        ...

    async def leave(self, channel: str, chat_id: str) -> int:
        """Stop every agenda to this chat; how many visits it left."""
        ...

    async def memberships(self, channel: str, chat_id: str) -> list[str]:
        """Codes of the visits this chat currently takes part in."""
        ...

    async def participants(self, code: str) -> list[tuple[str, str, str]]:
        """(name, channel, chat_id) of a visit's current participants."""
        ...

    async def record_feedback(
        self, code: str, channel: str, chat_id: str, rating: int, comment: str
    ) -> bool:
        """Store a participant's rating; False when this chat already rated this visit."""
        ...


class VisitCalendar(Protocol):
    """Plans the pushes of approved visits (the scheduler)."""

    async def plan(self, booking: BookingView) -> None:
        """(Re)plan an approved visit's reminder and daily agenda pushes."""
        ...

    async def drop(self, code: str) -> None:
        """Remove a visit's planned pushes."""
        ...
