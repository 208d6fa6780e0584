"""User-facing Indonesian sentences, and the word lists that recognise what users write
("batal", "nanti dulu", "menu"), read from `data/messages/id.yml`.

No sentence a user reads and no word the bot listens for lives in Python: staff can reword
answers and add words without a release.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# Words a short reply may trail without changing what it says: "nanti dulu ya", "batal deh",
# "tidak ada, Bu", "menu kak".
# Words that close a phrase without changing it: courtesy, address, and the particles of
# the regions ("tidak ada ji", "semua mi": Makassar and Bugis; "jo": Manado).
COURTESY_TAIL = frozenset(
    {"ya", "yah", "yaa", "deh", "dong", "sih", "aja", "saja", "kak", "pak", "bu", "min", "mas",
     "mbak", "bang", "kang", "teh", "uda", "uni", "bapak", "ibu", "ji", "mi", "ki", "jo", "toh",
     "nih"}
)  # fmt: skip
# Interjections that open a short reply without changing it: "eh ga jadi deh pak"; the
# person addressed first, or a "permisi" ("pak mau tanya", "min mau tanya nih", console: how
# visits go, told in full).
INTERJECTIONS = frozenset(
    {"eh", "ehh", "oh", "wah", "waduh", "aduh", "hmm", "hm", "emm", "pak", "bu", "kak", "min",
     "admin", "mas", "mbak", "bang", "bapak", "ibu", "permisi", "punten"}
)  # fmt: skip


class Texts:
    """Look up a sentence by dotted key ("menu.prompt") and fill in its `{fields}`."""

    def __init__(self, entries: dict[str, str], lists: dict[str, frozenset[str]]) -> None:
        self._entries = entries
        self._lists = lists
        # each list's phrases as `mentions` compares them, spaced once here rather than on
        # every call (a list of 40 phrases was 40 regex runs a message)
        self._spaced = {
            key: tuple(_spaced(phrase) for phrase in words) for key, words in lists.items()
        }

    @classmethod
    def load(cls, path: Path) -> Texts:
        """Read and flatten the messages file; a malformed file fails here, not mid-chat."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of message keys")
        entries, lists = _flatten(data, path)
        return cls(dict(entries), dict(lists))

    def __call__(self, key: str, **fields: Any) -> str:
        template = self._entries[key]
        return template.format(**fields) if fields else template

    def words(self, key: str) -> frozenset[str]:
        """A word list ("words.booking.leave"), lower case, to match what users write."""
        return self._lists[key]

    def says(self, text: str, key: str) -> bool:
        """Whether the whole message is one of the list's phrases, whatever its case, closing
        punctuation, courtesy words at the end or an interjection before: "Nanti dulu ya 🙏"
        says "nanti dulu", "eh ga jadi deh pak" says "ga jadi"."""
        said = text.lower().strip(" .!?🙏")
        if said in self._lists[key]:
            return True
        words = said.split()
        while len(words) > 1 and words[-1].strip(" ,.!?") in COURTESY_TAIL:
            words.pop()
        while len(words) > 1 and words[0].strip(" ,.!?") in INTERJECTIONS:
            words.pop(0)
        return " ".join(words).strip(" ,.!?") in self._lists[key]

    def mentions(self, text: str, key: str) -> bool:
        """Whether any of the list's phrases is in the message as whole words: "ada peserta
        kami yang non-muslim" mentions "non muslim"."""
        spaced = _spaced(text)  # once, not once a phrase: on every message's path
        return any(phrase in spaced for phrase in self._spaced[key])

    def asks(self, text: str) -> bool:
        """Whether the message asks something: "dari bandara naik apa ya", "berapa biayanya?"
        (a question mark, or a question word of `words.question`)."""
        question_words = self._lists["words.question"]
        words = re.findall(r"[a-z]+", text.lower())
        return text.rstrip().endswith("?") or any(word in question_words for word in words)

    def yes_first(self, text: str) -> bool:
        """Whether the message says yes first ("iya mohon dibantu", "iya betul, ubah jadi
        35", `words.booking.acks`) and nothing that takes it back ("iya tapi nanti dulu",
        `words.not_yes`)."""
        words = re.findall(r"[\w']+", text.lower())
        return (
            bool(words)
            and words[0] in self._lists["words.booking.acks"]
            and not set(words) & self._lists["words.not_yes"]
        )

    def keys(self) -> set[str]:
        """Every key defined, for the consistency test."""
        return set(self._entries)


def has_words(text: str, phrase: str) -> bool:
    """Whether `phrase` is in `text` as whole words, whatever their case and the punctuation
    between them: "ada peserta yang non-muslim" has "non muslim"."""
    return _spaced(phrase) in _spaced(text)


def _spaced(text: str) -> str:
    """The text's words in lower case between single spaces, a space at each end."""
    return " " + " ".join(re.findall(r"[^\W_]+", text.lower())) + " "


Flat = tuple[list[tuple[str, str]], list[tuple[str, frozenset[str]]]]


def _flatten(data: dict[str, Any], path: Path, prefix: str = "") -> Flat:
    items: list[tuple[str, str]] = []
    lists: list[tuple[str, frozenset[str]]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            more_items, more_lists = _flatten(value, path, f"{dotted}.")
            items += more_items
            lists += more_lists
        elif isinstance(value, str):
            items.append((dotted, value.strip()))
        elif isinstance(value, list) and all(isinstance(word, str) for word in value):
            lists.append((dotted, frozenset(word.lower() for word in value)))
        else:
            raise ValueError(f"{path}: {dotted} must be text, not {type(value).__name__}")
    return items, lists
