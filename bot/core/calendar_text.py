"""Dates as Indonesians write them: "Selasa, 8 Desember 2026"."""

from __future__ import annotations

from datetime import date, timedelta

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def long_date(day: date) -> str:
    """ "Selasa, 8 Desember 2026"."""
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """ "Sel 8 Des" style, short enough for a button (≤ 20 characters)."""
    return f"{DAYS[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def plain_date(day: date) -> str:
    """ "8 Desember 2026" (a letter's date line, after the place)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range(start: date, days: int) -> str:
    """ "Selasa, 8 Desember 2026", "8–10 Desember 2026" or "30 November – 2 Desember 2026"."""
    if days <= 1:
        return long_date(start)
    end = start + timedelta(days=days - 1)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    return f"{start.day} {MONTHS[start.month - 1]} – {plain_date(end)}"


def date_span(start: date, days: int) -> str:
    """ "Selasa, 8 Desember 2026" or "8–10 Desember 2026 (3 hari)"."""
    if days <= 1:
        return long_date(start)
    return f"{date_range(start, days)} ({days} hari)"


def period(start: date, end: date) -> str:
    """ "Maret 2027" for a whole month, else "1–10 Juli 2027" or "28 Juni – 4 Juli 2027"."""
    month_end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if start.day == 1 and end == month_end:
        return f"{MONTHS[start.month - 1]} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    return f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
