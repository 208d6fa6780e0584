"""`python -m bot --check-data` lists the operator's facts still to fill in."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.check_data import missing
from bot.config import ROOT, Settings


def test_every_empty_fact_is_listed_with_its_file() -> None:
    gaps = missing(Settings(_env_file=None, staff_chat_id=-1, staff_user_ids=[1]))
    assert any(g.startswith("data/knowledge/visit.yml: visit.cost") for g in gaps)
    assert any(g.startswith("data/knowledge/location.yml") and "venue_address" in g for g in gaps)
    assert not any("STAFF_" in g for g in gaps)


def test_the_command_exits_1_while_something_is_missing() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "WHATSAPP"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--check-data"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "visit.cost" in done.stdout and "STAFF_CHAT_ID" in done.stdout
