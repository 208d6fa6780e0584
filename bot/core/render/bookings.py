"""A booking in words: its dates, a short line for lists, every field, why it was refused."""

from __future__ import annotations

from datetime import date

from bot.core.booking import BookingError, BookingView, Status
from bot.core.calendar_text import date_span, long_date
from bot.core.knowledge import Knowledge
from bot.core.texts import Texts


def when(booking: BookingView) -> str:
    """The visit's dates in words: "13 Juni 2027 (1 hari)"."""
    return date_span(booking.start_date, booking.days)


def brief(texts: Texts, booking: BookingView) -> str:
    """One short paragraph, for lists."""
    return texts(
        "booking.brief",
        code=booking.code,
        status=texts(f"status.{booking.status}"),
        org_name=booking.org_name,
        when=when(booking),
        participants=booking.participants,
    )


def listed(texts: Texts, bookings: list[BookingView]) -> str:
    """The chat's bookings under a heading, one short paragraph each."""
    return "\n\n".join([texts("booking.your_list"), *(brief(texts, b) for b in bookings)])


def topic_names(knowledge: Knowledge, topics: list[str] | tuple[str, ...]) -> list[str]:
    """Program ids as their names ("-" alone when there are none)."""
    return [(p.name if (p := knowledge.program(t)) else t) for t in topics] or ["-"]


def details(texts: Texts, knowledge: Knowledge, booking: BookingView) -> str:
    """Every field, for the requester's check and for staff."""
    return texts(
        "booking.details",
        code=booking.code,
        status=texts(f"status.{booking.status}"),
        org_name=booking.org_name,
        org_kind=texts(f"booking.kind.{booking.org_kind}"),
        origin=booking.origin,
        when=when(booking),
        participants=booking.participants,
        topics=", ".join(topic_names(knowledge, booking.topics)),
        contact_name=booking.contact_name,
        contact_phone=booking.contact_phone,
        notes=booking.notes or "-",
    )


def fields(texts: Texts, values: dict[str, object]) -> dict[str, object]:
    """Dates and statuses in messages are written the Indonesian way."""
    return {
        key: long_date(value)
        if isinstance(value, date)
        else texts(f"status.{value}")
        if isinstance(value, Status)
        else value
        for key, value in values.items()
    }


def refusal(texts: Texts, error: BookingError) -> str:
    """The message for a refused booking operation."""
    return texts(error.key, **fields(texts, error.fields))


def undelivered(texts: Texts, failed: list[tuple[str, str, str]]) -> list[str]:
    """For staff: each notice that could not reach its requester (channel, chat, why)."""
    return [
        texts("staff.undelivered", channel=channel, chat=chat, reason=why)
        for channel, chat, why in failed
    ]
