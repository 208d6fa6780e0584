"""A keyword matcher that keeps the bot useful while the NLU server is down.

It only has to be right on the plain cases ("biaya", "alamat", "daftar"); anything else falls
back to the menu, which needs no understanding at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml


class KeywordMatcher:
    """Map a message to an intent by the keywords listed per intent in `data/keywords.yml`."""

    def __init__(self, keywords: dict[str, list[str]]) -> None:
        self._patterns = {
            # "alamatnya", "biayanya": a keyword with its -nya, as Indonesian asks
            intent: [
                re.compile(rf"(?<!\w){re.escape(word.lower())}(?:nya)?(?!\w)") for word in words
            ]
            for intent, words in keywords.items()
        }

    @classmethod
    def load(cls, path: Path) -> KeywordMatcher:
        """Read the keyword file."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected intent -> list of keywords")
        return cls({str(k): [str(w) for w in v] for k, v in data.items()})

    def match(self, text: str) -> str | None:
        """The intent with the most keyword hits (earlier intents win ties), or None."""
        lowered = text.lower()
        best, best_hits = None, 0
        for intent, patterns in self._patterns.items():
            hits = sum(1 for pattern in patterns if pattern.search(lowered))
            if hits > best_hits:
                best, best_hits = intent, hits
        return best
