"""Abuse limits per user: how fast one user may write, how many wrong codes they may try.

Counts live in memory, per process, in fixed windows that are forgotten when they end, so
memory follows the users active in the last window (at most `MAX_USERS` of them). With
several bot processes each keeps its own counts: a user is slowed a little later, never
wrongly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import TTLCache

MAX_USERS = 100_000


class WindowCounter:
    """Events per key in a window of `seconds` that starts at the key's first event."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._counts: TTLCache[Hashable, list[int]] = TTLCache(MAX_USERS, seconds, timer=clock)

    def add(self, key: Hashable) -> int:
        """Count one event; how many the key has in its window now."""
        entry = self._counts.get(key)
        if entry is None:  # a new window: its expiry is set on insertion, not on update
            entry = self._counts[key] = [0]
        entry[0] += 1
        return entry[0]

    def count(self, key: Hashable) -> int:
        """How many events the key has in its current window."""
        entry = self._counts.get(key)
        return entry[0] if entry else 0


@dataclass(frozen=True)
class AbuseLimits:
    """USER_MESSAGES_PER_MINUTE and CODE_ATTEMPTS_PER_HOUR."""

    messages_per_minute: int = 20
    code_attempts_per_hour: int = 5


class Guard:
    """Decides when a user must wait."""

    def __init__(self, limits: AbuseLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._messages = WindowCounter(60, clock)
        self._wrong_codes = WindowCounter(3600, clock)

    def messages_over(self, user: Hashable) -> int:
        """Count a message; how far past the minute's budget it is (0: within it)."""
        return max(0, self._messages.add(user) - self._limits.messages_per_minute)

    def wrong_code(self, user: Hashable) -> None:
        """The user gave a booking or invite code that is not theirs or does not exist."""
        self._wrong_codes.add(user)

    def codes_blocked(self, user: Hashable) -> bool:
        """Whether the user has used up this hour's wrong codes."""
        return self._wrong_codes.count(user) >= self._limits.code_attempts_per_hour
