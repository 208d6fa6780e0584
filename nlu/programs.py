"""Find BMI programs by name or synonym in free text and map them to their canonical id.

The names and synonyms are the ones staff keep in `data/knowledge/programs.yml`. The Rasa
component stores the alias table in the model; the bot builds the same matcher from its
knowledge, so both agree on what "paket c" or "jaringan warung anggota" means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgramMention:
    """A program named in a text."""

    start_char: int
    end_char: int
    text: str
    value: str  # the program id


def fold(text: str) -> str:
    """Lower case, single spaces, bracketed asides removed: how aliases are compared."""
    return " ".join(re.sub(r"\(.*?\)", "", text).lower().split())


class ProgramMatcher:
    """Longest-alias-first, whole-word, case- and spacing-insensitive program finder."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = {fold(alias): program for alias, program in aliases.items() if fold(alias)}
        body = "|".join(
            r"\s+".join(map(re.escape, alias.split()))
            for alias in sorted(self.aliases, key=len, reverse=True)
        )
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE) if body else None

    @classmethod
    def from_programs(cls, programs: Iterable[dict[str, object]]) -> ProgramMatcher:
        """Build from program records with `id`, `name` and optional `synonyms`."""
        aliases: dict[str, str] = {}
        for program in programs:
            program_id = str(program["id"])
            synonyms = program.get("synonyms") or []
            assert isinstance(synonyms, list | tuple)
            for alias in (program_id.replace("_", " "), str(program["name"]), *synonyms):
                aliases[str(alias)] = program_id
        return cls(aliases)

    def find(self, text: str) -> list[ProgramMention]:
        """Every program named in `text`, left to right."""
        if self._pattern is None:
            return []
        return [
            ProgramMention(m.start(), m.end(), m[0], self.aliases[fold(m[0])])
            for m in self._pattern.finditer(text)
        ]
