"""`python -m bot --check-data` lists the operator's facts still to fill in."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.check_data import missing
from bot.config import ROOT, Settings
from bot.holidays import closed_days


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


def test_moving_holidays_come_with_their_real_dates() -> None:
    closed = closed_days(ROOT / "data" / "holidays.yml")
    assert closed[date(2027, 3, 10)].startswith("Idulfitri")  # 1448 H, SKB 3 Menteri
    assert closed[date(2027, 5, 17)].startswith("Iduladha")
    assert closed[date(2026, 12, 25)]


def test_the_operators_closures_are_added(tmp_path: Path) -> None:
    own = tmp_path / "holidays.yml"
    own.write_text("2027-07-07: Rapat Anggota Tahunan\n", encoding="utf-8")
    closed = closed_days(own)
    assert closed[date(2027, 7, 7)] == "Rapat Anggota Tahunan"
    assert date(2027, 3, 10) in closed
