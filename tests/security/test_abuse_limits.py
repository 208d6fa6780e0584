"""One user must not hurt the others: capacity squatting, flooding, guessing codes, groups,
odd digits, and a submission that must not be filed twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.answers import Answers
from bot.core.booking import BookingRequest, Status, TooMany
from bot.core.guard import AbuseLimits, Guard
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Kind
from bot.core.state import ConversationState
from bot.core.texts import Texts
from bot.db.models import Booking
from tests.core.test_booking_flow import ONE_MESSAGE, STAFF, STAFF_GROUP, World, make_world
from tests.fakes.store import JsonMemoryStore

VISIT = date(2027, 6, 14)  # a Monday, far enough ahead of the worlds' 23 November 2026
REQUEST = BookingRequest(
    "Kopwan Sekar Melati", "koperasi", "Solok, Sumatera Barat", "Ibu Rina", "+6281234567890",
    20, VISIT, 1, (), "", "telegram", "u1", "u1",
)  # fmt: skip


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def world(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: Clock
) -> AsyncIterator[World]:
    guard = Guard(AbuseLimits(messages_per_minute=20, code_attempts_per_hour=5), clock)
    async with make_world(sqlite_url, answers, texts, keywords, guard=guard) as built:
        yield built


ANSWERS = ("Padang", "1 hari", "digital marketing", "Ibu Rina", "081234567890", "tidak ada")


async def fill_booking(world: World) -> list[str]:
    """Walk the booking conversation up to its summary; the texts of the last replies."""
    replies = await world.say(ONE_MESSAGE.replace("13 Juni", "14 Juni"))
    for answer in ANSWERS:
        replies = await world.say(answer)
    return [reply.text for reply in replies]


async def test_a_second_request_shows_the_pending_one_and_what_can_be_done(world: World) -> None:
    pending = await world.bookings.request(REQUEST)
    (reply,) = await world.say("mau daftar kunjungan")
    assert pending.code in reply.text and "menunggu persetujuan" in reply.text
    assert [b.payload for b in reply.buttons] == [
        f"cr:{pending.code}",
        f"cc:{pending.code}",
        "i:human_handoff",
    ]
    with pytest.raises(TooMany):  # the service holds the line too, whatever the conversation
        await world.bookings.request(replace(REQUEST, start_date=VISIT + timedelta(days=1)))


async def test_approved_visits_to_come_are_capped_per_user(world: World) -> None:
    for offset in range(3):
        booking = await world.bookings.request(
            replace(REQUEST, start_date=VISIT + timedelta(days=offset))
        )
        await world.bookings.approve(booking.code, "staff")
    (reply,) = await world.say("mau daftar kunjungan")
    assert world.texts("booking.active_limit", count=3, codes="x").split("(")[0] in reply.text
    with pytest.raises(TooMany):
        await world.bookings.request(replace(REQUEST, start_date=VISIT + timedelta(days=7)))


async def test_staff_book_for_anyone_without_limits(world: World) -> None:
    await world.bookings.request(replace(REQUEST, chat_id=STAFF, user_id=STAFF))
    for offset in (1, 2):
        await world.bookings.request(
            replace(
                REQUEST,
                chat_id=STAFF,
                user_id=STAFF,
                by_staff=True,
                start_date=VISIT + timedelta(days=offset),
            )
        )
    replies = await world.say("mau daftar kunjungan", chat=STAFF)
    assert replies[0].text == world.texts("booking.start")


async def test_a_flood_is_stored_but_answered_only_within_the_budget(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: Clock
) -> None:
    store = JsonMemoryStore()
    guard = Guard(AbuseLimits(messages_per_minute=20), clock)
    async with make_world(sqlite_url, answers, texts, keywords, guard=guard, store=store) as w:
        answered = [await w.say(f"menu {n}") for n in range(25)]
        assert all(answered[n] for n in range(20))
        assert [r.text for r in answered[20]] == [texts("limit.slow_down")]
        assert answered[21:] == [[], [], [], []]  # one notice, then quiet
        incoming = [text for chat, way, text in store.transcript if way == "in"]
        assert incoming == [f"menu {n}" for n in range(25)]  # nothing lost
        assert await w.say("menu", chat="u2")  # another user is not slowed
        clock.now += 61
        assert await w.say("menu")  # the budget refilled


async def test_guessing_codes_is_stopped_after_a_few(world: World) -> None:
    mine = await world.bookings.request(REQUEST)
    others = await world.bookings.request(replace(REQUEST, chat_id="u9", user_id="u9"))
    for guess in ("KJ7Q2", "ABC23", "XYZ45", others.code, "QWE78", mine.code):
        world.nlu.add(f"cek booking {guess}", "check_booking")
    for guess in ("KJ7Q2", "ABC23", "XYZ45", others.code, "QWE78"):
        (reply,) = await world.say(f"cek booking {guess}")
        assert reply.text == world.texts("booking.not_found", code=guess)
    (blocked,) = await world.say(f"cek booking {mine.code}")
    assert blocked.text == world.texts("limit.codes")  # even a right code waits now


async def test_a_booking_made_in_a_group_is_its_requesters(world: World) -> None:
    group = "-500"
    booking = await world.bookings.request(replace(REQUEST, chat_id=group, user_id="alice"))

    world.nlu.add(f"cek booking {booking.code}", "check_booking")
    world.nlu.add(f"batalkan kunjungan {booking.code}", "cancel_booking")

    async def as_member(user: str, text: str) -> str:
        event = Incoming("telegram", group, user, Kind.TEXT, text=text, group=True)
        return (await world.engine.handle(event))[0].text

    assert "tidak menemukan" in await as_member("bob", f"cek booking {booking.code}")
    assert "tidak menemukan" in await as_member("bob", f"batalkan kunjungan {booking.code}")
    assert booking.code in await as_member("alice", f"cek booking {booking.code}")


async def test_nobody_in_a_group_can_submit_another_members_form(world: World) -> None:
    group = "-501"
    for text in (ONE_MESSAGE.replace("13 Juni", "14 Juni"), *ANSWERS):
        await world.engine.handle(Incoming("telegram", group, "alice", text=text, group=True))
    event = Incoming("telegram", group, "bob", Kind.BUTTON, payload="bs:send", group=True)
    await world.engine.handle(event)  # bob has no form: his press files nothing
    assert await world.bookings.for_chat("telegram", group) == []
    event = replace(event, user_id="alice")
    await world.engine.handle(event)
    (filed,) = await world.bookings.for_chat("telegram", group)
    assert filed.user_id == "alice"


ODD = ["²", "٣", "２７", "①", "⁴⁵", "𝟐𝟕", "27²", "½", "🙏", "Ⅻ", "'; DROP TABLE bookings;--"]


@pytest.mark.parametrize("odd", ODD)
async def test_odd_digits_at_every_step_get_a_polite_reask(world: World, odd: str) -> None:
    await world.say("mau daftar kunjungan")
    internal = world.texts("error.internal")
    steps = ["Kopwan Sekar Melati", "koperasi", "Solok", "27", "14 Juni 2027", "1", "jawara"]
    for step in [*steps, "Ibu Rina", "081234567890"]:
        replies = await world.say(odd)
        assert internal not in [r.text for r in replies]
        await world.say(step)
    replies = await world.say(odd)
    assert internal not in [r.text for r in replies]


class SaveFailsAfterSubmit(JsonMemoryStore):
    """The database is lost just after the booking committed: saving the state fails once."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = False

    async def save(
        self, channel: str, chat_id: str, state: ConversationState, sent: Sequence[str]
    ) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database connection lost")
        await super().save(channel, chat_id, state, sent)


async def test_pressing_send_again_after_a_lost_save_files_one_booking(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    store = SaveFailsAfterSubmit()
    async with make_world(sqlite_url, answers, texts, keywords, store=store) as world:
        await fill_booking(world)
        store.fail_next = True
        (failed,) = await world.press("bs:send")
        assert failed.text == texts("error.internal")  # the user is told to try again
        (again,) = await world.press("bs:send")
        (booking,) = await world.bookings.for_chat("telegram", "u1")
        assert booking.code in again.text
        async with world.database.connect() as connection:
            assert await connection.scalar(select(func.count()).select_from(Booking)) == 1
        requests = [r for r in world.notifier.to(STAFF_GROUP) if booking.code in r.text]
        assert len(requests) == 1  # staff were told once


async def test_a_decline_reason_prompt_expires(
    sqlite_url: str, answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    clock = [datetime(2026, 11, 23, 9, tzinfo=UTC)]
    async with make_world(sqlite_url, answers, texts, keywords, clock=clock) as world:
        booking = await world.bookings.request(REQUEST)
        await world.press(f"sd:{booking.code}", chat=STAFF_GROUP, user=STAFF)
        clock[0] += timedelta(minutes=16)
        assert await world.say("rapat jam 2 ya", chat=STAFF_GROUP, user=STAFF) == []
        still = await world.bookings.get(booking.code)
        assert still is not None and still.status is Status.PENDING
        await world.press(f"sd:{booking.code}", chat=STAFF_GROUP, user=STAFF)
        clock[0] += timedelta(minutes=5)
        await world.say("jadwal penuh", chat=STAFF_GROUP, user=STAFF)
        declined = await world.bookings.get(booking.code)
        assert declined is not None and declined.status is Status.DECLINED
