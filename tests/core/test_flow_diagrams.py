"""The Mermaid diagrams in docs/flows/ stay true: each names exactly the steps (or statuses)
its code declares, no more, no fewer."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from bot.config import ROOT
from bot.core.booking import Status
from bot.core.flows.booking import Step
from bot.core.flows.participants import JoinStep

TRANSITION = re.compile(r"^\s*(\S+)\s*-->\s*([^:\s]+)")


def states_in(diagram: str) -> set[str]:
    """Every state a `stateDiagram-v2` names in its transitions, start and end left out."""
    text = (ROOT / "docs" / "flows" / diagram).read_text(encoding="utf-8")
    return {
        state
        for line in text.splitlines()
        if (match := TRANSITION.match(line))
        for state in match.groups()
        if state != "[*]"
    }


@pytest.mark.parametrize(
    ("diagram", "declared"),
    [("booking.mmd", Step), ("join.mmd", JoinStep), ("booking_lifecycle.mmd", Status)],
)
def test_each_diagram_names_exactly_the_declared_steps(
    diagram: str, declared: type[StrEnum]
) -> None:
    assert states_in(diagram) == {member.value for member in declared}
