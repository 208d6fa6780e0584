"""User-facing Indonesian sentences, read from `data/messages/id.yml`.

No sentence a user reads lives in Python: staff can reword answers without a release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class Texts:
    """Look up a sentence by dotted key ("menu.prompt") and fill in its `{fields}`."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, path: Path) -> Texts:
        """Read and flatten the messages file; a malformed file fails here, not mid-chat."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of message keys")
        return cls(dict(_flatten(data, path)))

    def __call__(self, key: str, **fields: Any) -> str:
        template = self._entries[key]
        return template.format(**fields) if fields else template

    def keys(self) -> set[str]:
        """Every key defined, for the consistency test."""
        return set(self._entries)


def _flatten(data: dict[str, Any], path: Path, prefix: str = "") -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            items += _flatten(value, path, f"{dotted}.")
        elif isinstance(value, str):
            items.append((dotted, value.strip()))
        else:
            raise ValueError(f"{path}: {dotted} must be text, not {type(value).__name__}")
    return items
