"""The periodic handoff sweep, as an importable job function (APScheduler stores the path)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.flows.handoff import HandoffFlow

log = logging.getLogger(__name__)
JOB_ID = "handoff-sweep"


@dataclass(frozen=True)
class Sweep:
    """What the job needs: the flow and the two limits."""

    handoff: HandoffFlow
    idle: timedelta
    sla: timedelta


_sweep: Sweep | None = None


def bind(sweep: Sweep | None) -> None:
    """Make the running handoff flow available to the job (None to unbind)."""
    global _sweep  # noqa: PLW0603 - APScheduler job functions are module-level by design
    _sweep = sweep


async def sweep() -> None:
    """Job: close idle handoffs, re-ping staff about unanswered ones."""
    if _sweep is None:
        return
    await _sweep.handoff.sweep(datetime.now(UTC), _sweep.idle, _sweep.sla)
