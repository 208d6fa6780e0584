"""Staff edits of a visit's agenda: parse, then validate the whole day plan before anything is
stored (times, order, overlaps), listing every error with its line number. Each error is a
message key (`agenda_problem.*` in data/messages) and its fields: the words are the
message file's, wherever the edit came from."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import yaml

from bot.core.visits import AgendaItem

ALIAS_TOKENS = (yaml.AnchorToken, yaml.AliasToken)

# The agenda_sessions columns: title 200, speaker and place 120 characters.
MAX_TITLE, MAX_NAME = 200, 120
MAX_FILE_BYTES = 64 * 1024  # a three-day agenda is a few kilobytes
_SESSION = re.compile(
    r"^(?P<day>[1-3])\s+(?P<start>\d{1,2}[.:]\d{2})\s*[-–]\s*(?P<end>\d{1,2}[.:]\d{2})\s+(?P<rest>.+)$"
)


@dataclass(frozen=True)
class Problem:
    """What is wrong on one line: `agenda_problem.<key>` with its fields."""

    line: int
    key: str
    fields: dict[str, Any] = field(default_factory=dict)


class AgendaInvalid(Exception):
    """The edit cannot be applied; `problems` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {p.key}" for p in problems))
        self.problems = problems


def _time(text: str) -> time | None:
    try:
        hours, minutes = re.split(r"[.:]", text.strip())
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def _item(line: int, fields: list[str], days: int, problems: list[Problem]) -> AgendaItem | None:
    """One session from [day, start, end, title, speaker, place]; None (and a problem) if bad."""
    day, start, end, title, speaker, place = (*fields, "", "")[:6]
    starts, ends = _time(start), _time(end)
    if not day.strip().isdecimal() or not 1 <= int(day) <= days:
        problems.append(Problem(line, "day_range", {"days": days}))
        return None
    if starts is None or ends is None:
        problems.append(Problem(line, "time_format"))
        return None
    if ends <= starts:
        problems.append(Problem(line, "end_before_start"))
        return None
    if not title.strip():
        problems.append(Problem(line, "no_title"))
        return None
    return AgendaItem(
        int(day),
        starts,
        ends,
        title.strip()[:MAX_TITLE],
        speaker.strip()[:MAX_NAME] or None,
        place.strip()[:MAX_NAME] or None,
    )


def parse_session(text: str, days: int) -> AgendaItem:
    """`2 09:00-10:30 Judul | Pembicara | Tempat` (speaker and place optional)."""
    match = _SESSION.match(text.strip())
    if match is None:
        raise AgendaInvalid([Problem(1, "session_format")])
    problems: list[Problem] = []
    fields = [match["day"], match["start"], match["end"], *match["rest"].split("|")]
    item = _item(1, fields, days, problems)
    if item is None:
        raise AgendaInvalid(problems)
    return item


def parse_csv(text: str, days: int) -> list[AgendaItem]:
    """Rows `hari,mulai,selesai,judul,pembicara,tempat` (a header row is allowed)."""
    problems: list[Problem] = []
    items: list[AgendaItem] = []
    for line, row in enumerate(csv.reader(io.StringIO(text.strip())), start=1):
        if not row or (line == 1 and row[0].strip().lower() in {"hari", "day"}):
            continue
        if len(row) < 4:
            problems.append(Problem(line, "columns"))
            continue
        item = _item(line, row, days, problems)
        if item is not None:
            items.append(item)
    if not items and not problems:
        problems.append(Problem(1, "no_sessions"))
    if problems:
        raise AgendaInvalid(problems)
    return items


def parse_rows(rows: list[tuple[int, list[str]]], days: int) -> list[AgendaItem]:
    """Rows of a table (the desk's agenda form), each with its row number; the same checks
    as every other edit, problems numbered by row."""
    problems: list[Problem] = []
    items = [item for line, row in rows if (item := _item(line, row, days, problems))]
    if problems or not items:
        raise AgendaInvalid(problems or [Problem(1, "no_sessions")])
    return items


def parse_file(filename: str, content: bytes, days: int) -> list[AgendaItem]:
    """An uploaded agenda: CSV as above, or YAML `- {day, start, end, title, speaker, place}`.
    Files over MAX_FILE_BYTES and YAML with anchors or aliases (the "billion laughs" bomb)
    are refused before anything is parsed."""
    if len(content) > MAX_FILE_BYTES:
        raise AgendaInvalid([Problem(1, "file_too_big", {"kb": MAX_FILE_BYTES // 1024})])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AgendaInvalid([Problem(1, "not_utf8")]) from error
    if not filename.lower().endswith((".yml", ".yaml")):
        return parse_csv(text, days)
    try:
        if any(isinstance(token, ALIAS_TOKENS) for token in yaml.scan(text)):
            raise AgendaInvalid([Problem(1, "yaml_anchor")])
        rows = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise AgendaInvalid([Problem((mark.line + 1) if mark else 1, "yaml_invalid")]) from error
    if not isinstance(rows, list):
        raise AgendaInvalid([Problem(1, "yaml_not_list")])
    problems: list[Problem] = []
    items = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(Problem(index, "yaml_row"))
            continue
        fields = [
            str(row.get(key) or "") for key in ("day", "start", "end", "title", "speaker", "place")
        ]
        item = _item(index, fields, days, problems)
        if item is not None:
            items.append(item)
    if problems or not items:
        raise AgendaInvalid(problems or [Problem(1, "no_sessions")])
    return items


def check_overlaps(items: list[AgendaItem]) -> None:
    """Sessions of one day must not overlap."""
    problems: list[Problem] = []
    ordered = sorted(enumerate(items, start=1), key=lambda pair: (pair[1].day, pair[1].starts))
    for (_, before), (line, after) in zip(ordered, ordered[1:], strict=False):
        if before.day == after.day and after.starts < before.ends:
            problems.append(Problem(line, "overlap", {"title": before.title, "day": after.day}))
    if problems:
        raise AgendaInvalid(problems)
