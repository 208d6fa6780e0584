"""Handing a chat to staff and back.

While a chat is with staff the bot stays quiet: every message the user sends (text, a photo or
document as a file, a location with a map link) is copied to staff as "#7 Budi: …", into the
handoff's own forum topic when the staff group has topics. What staff write back (plain text in
that topic, "/balas 7 …", or a reply to one of the copies) reaches the user on their own
channel. "kembali ke bot" or staff's "/tutup 7" hands the chat back. The escalations table is
the one source of truth, so this survives restarts and works across bot processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from bot.core.booking import Bookings
from bot.core.handoff import Escalation, Escalations
from bot.core.messages import (
    STAFF_REPLY_TAG,
    Button,
    Document,
    Incoming,
    Kind,
    Reply,
)
from bot.core.notify import DeliveryFailed, Notifier, StaffDesk
from bot.core.payloads import Space, encode, is_
from bot.core.state import Transcript
from bot.core.texts import Texts

log = logging.getLogger(__name__)
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class BusinessHours:
    """When staff answer: weekdays (0 = Monday) and venue-local opening times."""

    days: frozenset[int]
    opens: time
    closes: time

    def open_at(self, moment: datetime) -> bool:
        """Whether `moment` (venue-local) is within business hours."""
        return moment.weekday() in self.days and self.opens <= moment.time() < self.closes

    def describe(self) -> str:
        """ "Senin–Jumat 08.00–16.00" for users."""
        ordered = sorted(self.days)
        if not ordered:
            return "-"
        names = (
            f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
            if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 1
            else ", ".join(DAY_NAMES[d] for d in ordered)
        )
        return f"{names} {self.opens:%H.%M}–{self.closes:%H.%M}"


class HandoffFlow:
    """Both sides of a handoff."""

    spaces = frozenset({Space.HANDOFF_BACK})  # the buttons it answers

    def __init__(
        self,
        escalations: Escalations,
        *,
        bookings: Bookings,
        transcript: Transcript,
        texts: Texts,
        notifier: Notifier,
        desk: StaffDesk,
        canned: dict[str, str] | None = None,
        hours: BusinessHours | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._zone = now().tzinfo if now is not None else None
        self._canned = canned or {}
        self._hours = hours
        self._now = now
        self._escalations = escalations
        self._bookings = bookings
        self._transcript = transcript
        self._t = texts
        self._notifier = notifier
        self._desk = desk

    # ---- the user's side ----------------------------------------------------------------

    async def start(self, event: Incoming, files: Sequence[Mapping[str, str]] = ()) -> list[Reply]:
        """Open (or re-confirm) a handoff and give staff the context, and the `files` the
        user sent before (a photo of their letter, a payment's proof), which the bot could
        not read."""
        name = event.user_name or event.chat_id
        escalation, created = await self._escalations.open(event.channel, event.chat_id, name)
        if created:
            escalation = await self._announce(escalation)  # with its topic, for the files
        for file in files:
            said = f"[{file.get('type') or 'media'}] {file.get('caption') or ''}".strip()
            await self._pass_on(escalation, event.channel, said, file.get("id"))
        text = self._t("handoff.waiting")
        if (
            self._hours is not None
            and self._now is not None
            and not self._hours.open_at(self._now())
        ):
            text += "\n\n" + self._t("handoff.after_hours", hours=self._hours.describe())
        return [Reply(text, (Button(self._t("handoff.back"), encode(Space.HANDOFF_BACK)),))]

    async def _announce(self, escalation: Escalation, taken_by: str | None = None) -> Escalation:
        """Tell staff about a new handoff: its own forum topic if the group has topics, and a
        first post with who, channel, their bookings and the last 10 messages; the handoff
        with its topic."""
        recent = await self._transcript.recent(escalation.channel, escalation.chat_id, limit=10)
        lines = "\n".join(
            f"{'👤' if direction == 'in' else '🤖'} {text[:300]}" for direction, text in recent
        )
        own = await self._bookings.for_chat(escalation.channel, escalation.chat_id)
        bookings = ", ".join(f"{b.code} ({b.status})" for b in own) or "-"
        channel = self._t(f"channel.{escalation.channel}")
        name = escalation.user_name
        # "#7 Mama Yuli · Coop TLM · WhatsApp"
        label = " · ".join([f"#{escalation.id} {name}", *(b.org_name for b in own[:1]), channel])
        topic = await self._notifier.open_topic(self._desk.channel, self._desk.chat_id, label)
        if topic is not None:
            await self._escalations.set_topic(escalation.id, topic)
        opening = (
            self._t(
                "staff.handoff_taken", id=escalation.id, name=name, channel=channel, staff=taken_by
            )
            if taken_by
            else self._t("staff.handoff_asked", id=escalation.id, name=name, channel=channel)
        )
        header = self._t(
            "staff.handoff_header",
            opening=opening,
            id=escalation.id,
            bookings=bookings,
            transcript=lines or "-",
        )
        await self._to_staff(header, topic, escalation.id)
        return replace(escalation, topic=topic)

    async def take_initiative(self, event: Incoming, code: str) -> list[Reply]:
        """Staff take over a booking's chat without being asked ("/ambil KODE")."""
        booking = await self._bookings.get(code)
        if booking is None:
            return [Reply(self._t("staff.unknown_code", code=code))]
        escalation, created = await self._escalations.open(
            booking.channel, booking.chat_id, booking.contact_name
        )
        staff_name = event.user_name or event.user_id
        if created:
            await self._announce(escalation, taken_by=staff_name)
        await self._escalations.take(escalation.id, staff_name)
        await self._notifier.send(
            booking.channel,
            booking.chat_id,
            [
                Reply(
                    self._t("handoff.staff_joined", name=staff_name, code=booking.code),
                    (Button(self._t("handoff.back"), encode(Space.HANDOFF_BACK)),),
                    tag=STAFF_REPLY_TAG,
                )
            ],
        )
        return [Reply(self._t("staff.taken", id=escalation.id, name=staff_name))]

    async def active(self, event: Incoming) -> Escalation | None:
        """The open handoff of the user's chat, if any."""
        return await self._escalations.active(event.channel, event.chat_id)

    async def relay(self, event: Incoming, escalation: Escalation, text: str) -> list[Reply]:
        """Copy the user's message to staff, or hand the chat back to the bot."""
        if is_(event.payload, Space.HANDOFF_BACK) or self._t.says(text, "words.handoff.back"):
            await self._escalations.close(escalation.id)
            await self._to_staff(
                self._t("staff.user_back", id=escalation.id, name=escalation.user_name),
                escalation.topic,
                escalation.id,
            )
            return [
                Reply(
                    self._t("handoff.back_user"),
                    (Button(self._t("button.menu"), encode(Space.MENU)),),
                )
            ]
        await self._escalations.touch(escalation.id, by_staff=False)
        await self._pass_on(escalation, event.channel, text, event.media_id)
        return []

    async def _pass_on(
        self, escalation: Escalation, channel: str, text: str, media_id: str | None
    ) -> None:
        """One thing the user said to staff; a photo, document or voice note goes as a
        file, not only as "[foto]"."""
        relay = self._t("staff.relay", id=escalation.id, name=escalation.user_name, text=text)
        document = await self._notifier.fetch(channel, media_id) if media_id else None
        try:
            await self._to_staff(relay, escalation.topic, escalation.id, document)
        finally:
            if document is not None:
                document.discard()

    # ---- the staff side -----------------------------------------------------------------

    async def staff_command(self, event: Incoming, command: str, argument: str) -> list[Reply]:
        """/balas N teks, /ambil N, /tutup N."""
        number, _, rest = argument.strip().partition(" ")
        if command == "/ambil" and number.isalnum() and not number.isdecimal():
            return await self.take_initiative(event, number.upper())
        if not number.lstrip("#").isdecimal():
            return [Reply(self._t("staff.handoff_usage"))]
        escalation_id = int(number.lstrip("#"))
        if command == "/balas":
            return await self.answer(event, escalation_id, rest.strip())
        if command == "/template":
            key = rest.strip().lower()
            if key not in self._canned:
                keys = ", ".join(sorted(self._canned)) or "-"
                return [Reply(self._t("staff.canned_keys", keys=keys))]
            return await self.answer(event, escalation_id, self._canned[key])
        staff_name = event.user_name or event.user_id
        if command == "/ambil":
            return await self.take(escalation_id, staff_name)
        return await self.close(escalation_id)

    async def take(
        self, escalation_id: int, staff_name: str, *, mirror: bool = False
    ) -> list[Reply]:
        """Assign a handoff to a staff member; `mirror` tells the staff group (an action
        taken on the desk)."""
        taken = await self._escalations.take(escalation_id, staff_name)
        if taken is None:
            return [Reply(self._t("staff.handoff_unknown", id=escalation_id))]
        said = self._t("staff.taken", id=escalation_id, name=staff_name)
        if mirror:
            await self._to_staff(self._t("staff.from_desk", text=said), taken.topic, taken.id)
        return [Reply(said)]

    async def close(self, escalation_id: int, staff_name: str | None = None) -> list[Reply]:
        """Hand the chat back to the bot and tell the user; `staff_name` is given when the
        desk closed it, and the staff group is told."""
        closed = await self._escalations.close(escalation_id)
        if closed is None:
            return [Reply(self._t("staff.handoff_unknown", id=escalation_id))]
        await self._notifier.send(
            closed.channel,
            closed.chat_id,
            [
                Reply(
                    self._t("handoff.closed"),
                    (Button(self._t("button.menu"), encode(Space.MENU)),),
                    tag=STAFF_REPLY_TAG,
                )
            ],
        )
        said = self._t("staff.closed", id=escalation_id)
        if staff_name is not None:
            mirrored = self._t("staff.from_desk", text=f"{said} ({staff_name})")
            await self._to_staff(mirrored, closed.topic, closed.id)
        return [Reply(said)]

    async def topic_message(self, event: Incoming, may_act: bool) -> list[Reply] | None:
        """Staff writing in a handoff's own topic: text goes to that user (never another's);
        "/tutup", "/ambil" and "/template kunci" need no number there. None: not a handoff
        topic, or a command for the general staff desk."""
        if event.thread is None or event.kind is not Kind.TEXT:
            return None
        escalation = await self._escalations.in_topic(event.thread)
        if escalation is None:
            return None
        if not may_act:
            log.warning(
                "non-staff user %s wrote in handoff topic #%d", event.user_id, escalation.id
            )
            return [Reply(self._t("staff.not_allowed"))]
        text = event.text.strip()
        if text.startswith("!"):
            return []  # an internal note between staff
        if not text.startswith("/"):
            return await self.answer(event, escalation.id, text)
        command, _, rest = text.partition(" ")
        command = command.split("@")[0].lower()
        if command in {"/tutup", "/ambil"} and not rest.strip():
            return await self.staff_command(event, command, str(escalation.id))
        if command == "/template" and not rest.strip().lstrip("#").isdecimal():
            return await self.staff_command(event, command, f"{escalation.id} {rest}")
        return None

    async def staff_reply(self, event: Incoming, may_act: bool) -> list[Reply] | None:
        """A staff reply to one of the bot's posts about handoff #7 goes to #7's user; "!"
        lines stay internal. None: a reply to anything else (a booking request, a listing, a
        colleague), which is never relayed."""
        if event.reply_to_id is None or event.kind is not Kind.TEXT:
            return None
        escalation = await self._escalations.by_post(
            event.channel, event.chat_id, event.reply_to_id
        )
        if escalation is None:
            return None
        if not may_act:
            log.warning(
                "non-staff user %s tried to answer handoff #%d", event.user_id, escalation.id
            )
            return [Reply(self._t("staff.not_allowed"))]
        if event.text.lstrip().startswith("!"):
            return []  # an internal note between staff
        return await self.answer(event, escalation.id, event.text.strip())

    async def answer(self, event: Incoming, escalation_id: int, text: str) -> list[Reply]:
        """Send staff's words to the user; the first answer assigns the handoff."""
        return await self.answer_as(event.user_name or event.user_id, escalation_id, text)

    async def answer_as(
        self, staff_name: str, escalation_id: int, text: str, *, mirror: bool = False
    ) -> list[Reply]:
        """`answer` by name; `mirror` copies the answer into the staff group (written on the
        desk), so the handoff's topic and the desk show the same conversation."""
        escalation = await self._escalations.get(escalation_id)
        if escalation is None or escalation.status == "closed":
            return [Reply(self._t("staff.handoff_unknown", id=escalation_id))]
        if not text:
            return [Reply(self._t("staff.handoff_usage"))]
        if escalation.assigned_to is None:
            await self._escalations.take(escalation_id, staff_name)
        await self._escalations.touch(escalation_id, by_staff=True)
        try:
            await self._notifier.deliver(
                escalation.channel,
                escalation.chat_id,
                [Reply(self._t("handoff.from_staff", text=text), tag=STAFF_REPLY_TAG)],
            )
        except DeliveryFailed as error:
            return [Reply(self._t("staff.not_sent", id=escalation_id, reason=error))]
        await self._transcript.record(escalation.channel, escalation.chat_id, "out", [text])
        if mirror:
            said = self._t("staff.desk_reply", id=escalation_id, name=staff_name, text=text)
            await self._to_staff(said, escalation.topic, escalation_id)
        return [Reply(self._t("staff.sent", id=escalation_id))]

    async def sweep(self, now: datetime, idle: timedelta, sla: timedelta) -> None:
        """Idle handoffs go back to the bot; unanswered ones are re-announced to staff (in
        business hours only)."""
        for escalation in await self._escalations.idle_since(now - idle):
            if await self._escalations.close(escalation.id) is None:
                continue
            await self._notifier.send(
                escalation.channel,
                escalation.chat_id,
                [
                    Reply(
                        self._t("handoff.idle_closed"),
                        (Button(self._t("button.menu"), encode(Space.MENU)),),
                        tag=STAFF_REPLY_TAG,
                    )
                ],
            )
            await self._to_staff(
                self._t("staff.idle_closed", id=escalation.id, name=escalation.user_name),
                escalation.topic,
                escalation.id,
            )
        if self._hours is not None and not self._hours.open_at(now.astimezone(self._zone)):
            return
        for escalation in await self._escalations.unanswered_since(now - sla, now):
            minutes = int(sla.total_seconds() // 60)
            await self._to_staff(
                self._t(
                    "staff.sla_ping", id=escalation.id, name=escalation.user_name, minutes=minutes
                ),
                escalation.topic,
                escalation.id,
            )

    def canned_keys(self) -> str:
        """The canned answers' keys, for help texts."""
        return ", ".join(sorted(self._canned)) or "-"

    async def _to_staff(
        self,
        text: str,
        topic: str | None,
        escalation_id: int,
        document: Document | None = None,
    ) -> None:
        """Post about a handoff in the staff group, remembering the posts: a staff reply to
        one of them is an answer to that handoff's user."""
        desk = self._desk
        posted = await self._notifier.send(
            desk.channel, desk.chat_id, [Reply(text, document=document, thread=topic)]
        )
        await self._escalations.posted(escalation_id, desk.channel, desk.chat_id, posted)
