"""Visit knowledge read from `data/knowledge/*.yml`, validated whole before the bot starts.

Staff edit those files without touching code. A broken file stops start-up with the file name,
line and the field at fault: a half-loaded knowledge base would answer wrongly in silence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from nlu.programs import ProgramMatcher


class KnowledgeError(Exception):
    """The knowledge files cannot be used as they are."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Program(_Model):
    """One member-empowerment program."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    # Whom it is for ("petani"): a question about programs naming them gets this one; never a
    # topic ("20 orang petani" names no program).
    audience: tuple[str, ...] = ()
    short: str
    long: str
    placeholder: str | None = None


class Contact(_Model):
    """A person users may call or message."""

    name: str
    role: str
    phone: str
    whatsapp: str | None = None


class Answer(_Model):
    """A ready answer, with what staff still have to fill in and the topic to offer next."""

    text: str
    placeholder: str | None = None
    next: str = "ask_contact"


class Unit(_Model):
    """A unit of BMI Grup."""

    name: str
    description: str | None = None


class Leader(_Model):
    """A leader of BMI Grup."""

    name: str
    role: str


class Profile(_Model):
    """Who Koperasi BMI Grup is."""

    summary: str
    units: tuple[Unit, ...]
    leaders: tuple[Leader, ...]
    businesses: tuple[str, ...] = ()
    placeholder: str | None = None


class Location(_Model):
    """Where visits happen."""

    head_office: str
    venue_address: str | None = None
    maps_url: str | None = None
    directions: str | None = None


class Visit(_Model):
    """Answers about visits."""

    info: Answer
    cost: Answer
    requirements: Answer
    group_size: Answer
    facilities: Answer
    letters: Answer
    receipts: Answer
    lodging: Answer
    transport: Answer
    halal_prayer: Answer
    diet: Answer
    dress_code: Answer
    materials: Answer
    certificate: Answer
    online_visit: Answer
    shopping: Answer
    own_bus: Answer
    research: Answer
    speaker: Answer
    cafe: Answer
    model: Answer
    hours: Answer


class Knowledge(_Model):
    """Everything the bot knows, loaded from one directory."""

    programs: tuple[Program, ...]
    contacts: tuple[Contact, ...]
    office_hours: str | None = None
    email: str | None = None
    location: Location
    visit: Visit
    profile: Profile

    def program(self, program_id: str) -> Program | None:
        """The program with that id, if any."""
        return next((p for p in self.programs if p.id == program_id), None)

    @cached_property
    def _matcher(self) -> ProgramMatcher:
        """The programs' names and synonyms, compiled once: the booking form and the engine
        look for programs in many messages."""
        return ProgramMatcher.from_programs(p.model_dump() for p in self.programs)

    def find_programs(self, text: str) -> list[Program]:
        """The programs named in `text` (by name or synonym), in order, each once."""
        ids = dict.fromkeys(str(mention.value) for mention in self._matcher.find(text))
        return [program for id_ in ids if (program := self.program(id_)) is not None]

    def without_programs(self, text: str) -> str:
        """`text` with the programs it names taken out: what else it says ("pengelolaan
        koperasi wanita dan " of "pengelolaan koperasi wanita dan Jawara")."""
        for mention in reversed(self._matcher.find(text)):
            text = f"{text[: mention.start_char]} {text[mention.end_char :]}"
        return text

    def find_program(self, text: str) -> Program | None:
        """The first program named in `text`, if any."""
        return next(iter(self.find_programs(text)), None)

    def program_for(self, text: str) -> Program | None:
        """The first program whose audience `text` names ("program buat petani ada?")."""
        words = set(re.findall(r"\w+", text.lower()))
        return next((p for p in self.programs if words & set(p.audience)), None)

    def placeholders(self) -> list[str]:
        """What staff still have to fill in, for the start-up log."""
        found = [f"program {p.id}: {p.placeholder}" for p in self.programs if p.placeholder]
        found += [
            f"visit.{name}: {answer.placeholder}"
            for name, answer in self.visit
            if isinstance(answer, Answer) and answer.placeholder
        ]
        if self.profile.placeholder:
            found.append(f"profile: {self.profile.placeholder}")
        found += [
            f"contacts: {field}" for field in ("office_hours", "email") if not getattr(self, field)
        ]
        found += [
            f"location: {field}"
            for field in ("venue_address", "maps_url", "directions")
            if not getattr(self.location, field)
        ]
        return found


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise KnowledgeError(f"{path}: file is missing") from error
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise KnowledgeError(f"{path}{line}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    return data


def load_knowledge(
    directory: Path, venue_address: str | None = None, rules: Mapping[str, object] | None = None
) -> Knowledge:
    """Load and validate every knowledge file; `venue_address` overrides the file's. The
    visit answers may name the booking rules the form enforces ("paling lambat {lead_days}
    hari"): `rules` fills them from the settings, so an answer never says 7 days while the
    form refuses 10."""
    programs = _read(directory / "programs.yml")
    contacts = _read(directory / "contacts.yml")
    location = _read(directory / "location.yml")
    if venue_address:
        location["venue_address"] = venue_address
    visit = _read(directory / "visit.yml")
    for answer in visit.values():
        if isinstance(answer, dict) and isinstance(answer.get("text"), str):
            for name, value in (rules or {}).items():
                answer["text"] = answer["text"].replace(f"{{{name}}}", str(value))
    raw = {
        "programs": programs.get("programs"),
        "contacts": contacts.get("contacts"),
        "office_hours": contacts.get("office_hours"),
        "email": contacts.get("email"),
        "location": location,
        "visit": visit,
        "profile": _read(directory / "profile.yml"),
    }
    try:
        knowledge = Knowledge.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors()
        )
        raise KnowledgeError(f"{directory}: {problems}") from error
    ids = [p.id for p in knowledge.programs]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{directory / 'programs.yml'}: program ids must be unique")
    if not knowledge.contacts:
        raise KnowledgeError(f"{directory / 'contacts.yml'}: at least one contact is needed")
    return knowledge
