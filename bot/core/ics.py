"""The .ics invitation sent with an approved booking (icalendar)."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from bot.core.booking import BookingView


def visit_invitation(booking: BookingView, location: str, stamp: datetime, summary: str) -> bytes:
    """An all-day event over the visit's days, titled `summary` (from the messages file); UID
    is stable so a resend updates, not adds."""
    calendar = Calendar()
    calendar.add("prodid", "-//Koperasi BMI Grup//Kunjungan//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"kunjungan-{booking.code}@koperasi-bmi")
    event.add("summary", summary)
    event.add("dtstart", booking.start_date)
    event.add("dtend", booking.start_date + timedelta(days=booking.days))
    event.add("dtstamp", stamp)
    event.add("location", location)
    event.add(
        "description",
        f"{booking.org_name} — {booking.participants} peserta. Kode pendaftaran {booking.code}.",
    )
    calendar.add_component(event)
    return calendar.to_ical()
