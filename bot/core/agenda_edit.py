"""Staff edits of a visit's agenda: parse, then validate the whole day plan before anything is
stored (times, order, overlaps), listing every error with its line number."""

from __future__ import annotations

import csv
import io
import re
from datetime import time

import yaml

from bot.core.visits import AgendaItem

ALIAS_TOKENS = (yaml.AnchorToken, yaml.AliasToken)

# The agenda_sessions columns: title 200, speaker and place 120 characters.
MAX_TITLE, MAX_NAME = 200, 120
MAX_FILE_BYTES = 64 * 1024  # a three-day agenda is a few kilobytes
_SESSION = re.compile(
    r"^(?P<day>[1-3])\s+(?P<start>\d{1,2}[.:]\d{2})\s*[-–]\s*(?P<end>\d{1,2}[.:]\d{2})\s+(?P<rest>.+)$"
)


class AgendaInvalid(Exception):
    """The edit cannot be applied; `problems` are (line number, reason) pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"baris {line}: {why}" for line, why in problems))
        self.problems = problems


def _time(text: str) -> time | None:
    try:
        hours, minutes = re.split(r"[.:]", text.strip())
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def _item(
    line: int, fields: list[str], days: int, problems: list[tuple[int, str]]
) -> AgendaItem | None:
    """One session from [day, start, end, title, speaker, place]; None (and a problem) if bad."""
    day, start, end, title, speaker, place = (*fields, "", "")[:6]
    starts, ends = _time(start), _time(end)
    if not day.strip().isdecimal() or not 1 <= int(day) <= days:
        problems.append((line, f"hari harus 1 sampai {days}"))
        return None
    if starts is None or ends is None:
        problems.append((line, "jam harus berformat JJ:MM, misalnya 08:30"))
        return None
    if ends <= starts:
        problems.append((line, "jam selesai harus setelah jam mulai"))
        return None
    if not title.strip():
        problems.append((line, "judul sesi kosong"))
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
        raise AgendaInvalid([(1, "format: HARI JJ:MM-JJ:MM Judul | Pembicara | Tempat")])
    problems: list[tuple[int, str]] = []
    fields = [match["day"], match["start"], match["end"], *match["rest"].split("|")]
    item = _item(1, fields, days, problems)
    if item is None:
        raise AgendaInvalid(problems)
    return item


def parse_csv(text: str, days: int) -> list[AgendaItem]:
    """Rows `hari,mulai,selesai,judul,pembicara,tempat` (a header row is allowed)."""
    problems: list[tuple[int, str]] = []
    items: list[AgendaItem] = []
    for line, row in enumerate(csv.reader(io.StringIO(text.strip())), start=1):
        if not row or (line == 1 and row[0].strip().lower() in {"hari", "day"}):
            continue
        if len(row) < 4:
            problems.append((line, "kolom: hari,mulai,selesai,judul,pembicara,tempat"))
            continue
        item = _item(line, row, days, problems)
        if item is not None:
            items.append(item)
    if not items and not problems:
        problems.append((1, "tidak ada sesi"))
    if problems:
        raise AgendaInvalid(problems)
    return items


def parse_file(filename: str, content: bytes, days: int) -> list[AgendaItem]:
    """An uploaded agenda: CSV as above, or YAML `- {day, start, end, title, speaker, place}`.
    Files over MAX_FILE_BYTES and YAML with anchors or aliases (the "billion laughs" bomb)
    are refused before anything is parsed."""
    if len(content) > MAX_FILE_BYTES:
        raise AgendaInvalid([(1, f"berkas terlalu besar (maksimal {MAX_FILE_BYTES // 1024} KB)")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AgendaInvalid([(1, "berkas harus teks UTF-8 (CSV atau YAML)")]) from error
    if not filename.lower().endswith((".yml", ".yaml")):
        return parse_csv(text, days)
    try:
        if any(isinstance(token, ALIAS_TOKENS) for token in yaml.scan(text)):
            raise AgendaInvalid([(1, "YAML dengan anchor (&) atau alias (*) tidak diterima")])
        rows = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise AgendaInvalid([((mark.line + 1) if mark else 1, "YAML tidak valid")]) from error
    if not isinstance(rows, list):
        raise AgendaInvalid([(1, "isi YAML harus daftar sesi")])
    problems: list[tuple[int, str]] = []
    items = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append((index, "setiap sesi berisi day, start, end, title"))
            continue
        fields = [
            str(row.get(key) or "") for key in ("day", "start", "end", "title", "speaker", "place")
        ]
        item = _item(index, fields, days, problems)
        if item is not None:
            items.append(item)
    if problems or not items:
        raise AgendaInvalid(problems or [(1, "tidak ada sesi")])
    return items


def check_overlaps(items: list[AgendaItem]) -> None:
    """Sessions of one day must not overlap."""
    problems: list[tuple[int, str]] = []
    ordered = sorted(enumerate(items, start=1), key=lambda pair: (pair[1].day, pair[1].starts))
    for (_, before), (line, after) in zip(ordered, ordered[1:], strict=False):
        if before.day == after.day and after.starts < before.ends:
            problems.append((line, f'bentrok dengan sesi "{before.title}" di hari {after.day}'))
    if problems:
        raise AgendaInvalid(problems)
