"""The messages a visit's participants get on their own (the morning agenda, the reminder the
evening before, the thanks and feedback question), and the line staff get about each round."""

from __future__ import annotations

from bot.core.booking import BookingView
from bot.core.calendar_text import date_span, long_date
from bot.core.notify import Report
from bot.core.texts import Texts


def agenda(texts: Texts, name: str, day_text: str) -> str:
    """Good morning to `name`, and the day's agenda (`render.agenda.day`)."""
    return texts("push.agenda", name=name) + "\n\n" + day_text


def reminder(texts: Texts, name: str, booking: BookingView, starts: str, venue: str) -> str:
    """Tomorrow's visit: dates, first session's time, the venue."""
    return texts(
        "push.reminder",
        name=name,
        org_name=booking.org_name,
        date=long_date(booking.start_date),
        when=date_span(booking.start_date, booking.days),
        starts=starts,
        venue=venue,
    )


def feedback(texts: Texts, name: str, booking: BookingView) -> str:
    """Thanks after the last day, and the 1–5 question."""
    return texts("push.feedback", name=name, org_name=booking.org_name)


def summary(texts: Texts, label: str, code: str, report: Report, names: dict[str, str]) -> str:
    """For staff: "terkirim 26/27, gagal 1: …" (`names`: outbox key -> participant)."""
    text = texts(
        "push.summary",
        label=label,
        code=code,
        sent=report.sent + report.already,
        total=report.total,
        failed=len(report.failed),
    )
    if report.failed:
        who = ", ".join(f"{names[key]} ({why})" for key, why in report.failed.items())
        text += "\n" + texts("push.summary_failed", who=who)
    return text
