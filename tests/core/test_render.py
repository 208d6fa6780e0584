"""Renderers are plain functions of data: the same booking and agenda text wherever they are
shown (flows, staff commands, pushes)."""

from __future__ import annotations

from datetime import date, time

from bot.core.booking import BookingError, BookingView, Status
from bot.core.knowledge import Knowledge
from bot.core.render import agenda, bookings
from bot.core.texts import Texts
from bot.core.visits import AgendaItem

VISIT = BookingView(
    code="KJ7Q2A9M", status=Status.APPROVED, org_name="Coop TLM", org_kind="koperasi",
    origin="Kupang, NTT", contact_name="Mama Yuli", contact_phone="+6281300000000",
    participants=12, start_date=date(2027, 6, 14), days=3, topics=("jawara", "x"),
    notes="", channel="telegram", chat_id="1",
)  # fmt: skip


def test_a_booking_in_words(texts: Texts, knowledge: Knowledge) -> None:
    assert bookings.when(VISIT) == "14–16 Juni 2027 (3 hari)"
    details = bookings.details(texts, knowledge, VISIT)
    program = knowledge.program("jawara")
    assert program is not None and f"{program.name}, x" in details  # an unknown topic as written
    assert texts("status.approved") in bookings.brief(texts, VISIT)


def test_a_refusal_writes_dates_and_statuses_the_indonesian_way(texts: Texts) -> None:
    error = BookingError("booking.date_holiday", day=date(2027, 3, 10), name="Idulfitri")
    assert "10 Maret 2027" in bookings.refusal(texts, error)


def test_an_agenda_day(texts: Texts) -> None:
    items = [AgendaItem(1, time(9), time(10, 30), "Profil BMI", "Pak Roni", "Aula")]
    text = agenda.day(texts, VISIT, 1, items)
    assert "09.00–10.30 Profil BMI (Pak Roni, Aula)" in text
    assert texts("agenda.empty") in agenda.day(texts, VISIT, 2, [])
