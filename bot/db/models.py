"""ORM models. Times are stored in UTC (aware columns); the venue's zone is for display."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Time,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = MappingProxyType(
    {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of all models, with constraint names Alembic can rely on."""

    metadata = MetaData(naming_convention=dict(NAMING))


class Conversation(Base):
    """Conversation state of one chat on one channel (see `bot.core.state`)."""

    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Organisation(Base):
    """A cooperative, government office or other body that books visits."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16))  # koperasi | dinas | lainnya
    origin: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Booking(Base):
    """A visit request and its current state; the history is in `booking_events`."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    invite_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    days: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    # The conversation's key for this submission: pressing "Kirim" twice files one booking.
    request_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("days BETWEEN 1 AND 3", name="days_range"),
        CheckConstraint("participants > 0", name="participants_positive"),
        Index("ix_bookings_chat", "channel", "chat_id"),
    )


class BookingEvent(Base):
    """One change of a booking's status: who, when, why."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitDay(Base):
    """The capacity calendar: what is reserved on one day, and the limits it was opened with.

    Reservations change these counters with one conditional UPDATE each, and the CHECK
    constraints make overbooking impossible even if a bug skipped the condition.
    """

    __tablename__ = "visit_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    delegations: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    max_delegations: Mapped[int] = mapped_column(Integer)
    max_participants: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            "delegations >= 0 AND delegations <= max_delegations", name="delegations_within"
        ),
        CheckConstraint(
            "participants >= 0 AND participants <= max_participants", name="participants_within"
        ),
    )


class Participant(Base):
    """A member of a delegation who receives its agenda; `left_at` set when they stop."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("booking_id", "channel", "chat_id", name="uq_participants_chat"),
    )


class AgendaSession(Base):
    """One session of one visit day (venue-local times)."""

    __tablename__ = "agenda_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[int] = mapped_column(Integer)  # 1, 2 or 3
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(120))


class OutboxMessage(Base):
    """A proactive message, written before it is sent: the unique key makes sends idempotent.

    pending -> sending (committed before the API call) -> sent | failed. A row found in
    `sending` after a crash is not sent again (a lost message beats a duplicate agenda): a
    sweep marks it failed once it has been `sending` longer than any send can take.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    # A file sent after the text (a booking's .ics invitation).
    document_name: Mapped[str | None] = mapped_column(String(120))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Feedback(Base):
    """A participant's 1–5 rating of a visit, with an optional comment."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("booking_id", "channel", "chat_id", name="uq_feedback_chat"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )


class TranscriptLine(Base):
    """Every message of every conversation, both ways: the record staff read at a handoff."""

    __tablename__ = "transcript"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(4))  # in | out
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_transcript_chat", "channel", "chat_id", "id"),)


class Escalation(Base):
    """A chat handed to staff: waiting -> with_staff -> closed (back to the bot)."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Last message either way: idle handoffs go back to the bot, unanswered ones re-ping staff.
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pinged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The staff group's forum topic for this handoff, when the group has topics.
    topic: Mapped[str | None] = mapped_column(String(32), index=True)

    __table_args__ = (Index("ix_escalations_chat", "channel", "chat_id"),)


class WhatsAppContact(Base):
    """A WhatsApp user's last inbound message: free-form sends are allowed for 24 hours after."""

    __tablename__ = "whatsapp_contacts"

    wa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    last_inbound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WhatsAppInbound(Base):
    """Message ids already received: Meta redelivers until it gets a 200, so each is handled
    once."""

    __tablename__ = "whatsapp_inbound"

    message_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class WhatsAppOutbound(Base):
    """A message sent (or refused) to a WhatsApp user, with the last status Meta reported.

    status: accepted -> sent -> delivered -> read, or failed; `not_sent` when the bot itself
    held it back (outside the 24-hour window without a template).
    """

    __tablename__ = "whatsapp_outbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    wamid: Mapped[str | None] = mapped_column(String(160), unique=True)
    wa_id: Mapped[str] = mapped_column(String(32), index=True)
    tag: Mapped[str] = mapped_column(String(160), default="")
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboxUpdate(Base):
    """An update a webhook delivered, stored before the 200 that tells Telegram or Meta it
    arrived: a process that dies before handling it handles it on its next start."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(80))  # Telegram's update_id, a hash of Meta's body
    # The chat it belongs to: one chat's updates are handled one at a time, in this table's
    # order, by whichever bot process takes the chat's lock.
    chat: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (
        UniqueConstraint("channel", "key", name="uq_inbox_channel_key"),
        Index("ix_inbox_chat", "channel", "chat", "id"),
    )


class StaffPost(Base):
    """A message the bot posted in the staff group about a handoff. A staff reply to it goes
    to that handoff's user; a reply to anything else (a booking request, a colleague) never
    does, whatever its text says."""

    __tablename__ = "staff_posts"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )


class DeskLink(Base):
    """A single-use login link to the staff desk, sent privately by the bot on `/desk`. Only
    the token's SHA-256 is stored: a copy of the database opens no session."""

    __tablename__ = "desk_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentSequence(Base):
    """The last number given to a kind of document in a year; taken with one UPDATE, so two
    approvals at once never get the same letter number."""

    __tablename__ = "document_sequences"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IssuedDocument(Base):
    """A numbered document: what it said (`data`, printed again the same way on request),
    whom it is for, and the number it replaces (a moved visit's letter, a corrected receipt).
    A certificate also has the code its QR verification page is found by."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # letter | receipt | certificate
    number: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    verify_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    replaces: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    void_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("kind", "number", name="uq_documents_kind_number"),)


SCHEDULER_JOBS = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
"""APScheduler's job store table, exactly as `SQLAlchemyJobStore` defines it. The migrations
make it, under their lock: left to the job store, several processes starting at once each
try CREATE TABLE and all but one fail."""
