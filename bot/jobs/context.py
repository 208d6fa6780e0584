"""What running jobs need, handed to each job function as the keyword argument `jobs`.

APScheduler stores a job as the import path of a module-level function and plain arguments,
so a job cannot hold live objects. Instead the scheduler's executor passes this small
registry, filled in by the app once it is built, to every job: no module globals, and a test
can run a job function with a context of its own. (`jobs` defaults to None only because
APScheduler checks the stored arguments against the signature when a job is added.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.flows.handoff import HandoffFlow
    from bot.jobs.pushes import Pushes
    from bot.services.booking import BookingService


@dataclass(frozen=True)
class HandoffSweep:
    """The handoff sweep's flow and its two limits."""

    handoff: HandoffFlow
    idle: timedelta
    sla: timedelta


@dataclass
class JobContext:
    """The running app's parts that jobs use; None until the app has built them."""

    pushes: Pushes | None = None
    handoff: HandoffSweep | None = None
    bookings: BookingService | None = None
