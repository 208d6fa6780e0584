"""The host as its documents show it: data/documents/host.yml, with the address and the
contact person from data/knowledge (one place for each fact)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge import Knowledge

PLACEHOLDERS = ("phone", "email", "logo", "signatory_name", "signatory_title", "treasurer_name")


@dataclass(frozen=True)
class Host:
    """Letterhead, signatories and number patterns; None = not filled in yet."""

    name: str
    city: str
    letter_number: str
    receipt_number: str
    certificate_number: str
    receipt_for: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    logo: str | None = None  # a file URI for the renderer, or None
    signatory_name: str | None = None
    signatory_title: str | None = None
    treasurer_name: str | None = None
    not_topics: tuple[str, ...] = ()

    def is_topic(self, title: str) -> bool:
        """Whether an agenda session is a topic of the visit (not a break or a formality)."""
        return not title.lower().startswith(tuple(word.lower() for word in self.not_topics))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def unset(self) -> list[str]:
        """The operator's fields still empty (for `--check-data`)."""
        return [name for name in PLACEHOLDERS if getattr(self, name) is None and name != "logo"]


def load_host(path: Path, knowledge: Knowledge) -> Host:
    """Read host.yml; a logo names a file beside it (checked here, at start-up)."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected `key: value` lines")
    logo = data.pop("logo", None)
    if logo:
        file = (path.parent / str(logo)).resolve()
        if not file.is_file():
            raise ValueError(f"{path}: logo file {file} does not exist")
        logo = file.as_uri()
    location = knowledge.location
    not_topics = tuple(str(word) for word in data.pop("not_topics", None) or ())
    return Host(**data, logo=logo, address=location.venue_address or None, not_topics=not_topics)
