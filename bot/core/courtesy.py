"""Greetings answered the way BMI's own CS officer answers them on WhatsApp.

BMI Grup is a syariah cooperative: a *salam* ("Assalamu'alaikum", "aslm", "ass wr wb", even a
closing "wassalamu'alaikum") is answered with *salam*, whatever else the message asks; the
greetings of the other faiths ("Om Swastiastu", "Salam sejahtera", "Namo Buddhaya") in kind.
"Selamat pagi" is answered with the greeting that fits the time at the venue (WIB), and an
emoji that says something (🙏, 👍) is read as what it says.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import MappingProxyType

_SALAM = re.compile(
    r"(?<![a-z])(?:w?a?s+a?lam+u?\W*\s*a?l[ae]i?k(?:u|o)?m\w*|as+lm\w*|ass\.?\s*wr\.?\s*wb\.?"
    r"|samlekom|salamualaikum|askum\b"
    r"|^\s*ass\b)",  # "asslm pak", "asalamualaikm", "ass" first (console: "Halo")
    re.IGNORECASE,
)
# Javanese "sugeng enjang/sonten/dalu" and Sundanese "wilujeng enjing/wengi" as well; the
# part of the day alone as the whole message ("pagi", "pagii kak", "siang bu"), not "pagi ini
# acaranya apa?".
_TIME_GREETING = re.compile(
    r"\b(?:selamat|slmt|met|sugeng|wilujeng)\s+"
    r"(?:pagi|siang|sore|petang|malam|enjang|enjing|sonten|dalu|wengi)\b"
    r"|^\W*(?:pagi+|siang+|sore+|malam+)"
    r"(?:\s+(?:kak|kk|min|admin|bu|pak|bapak|ibu|mas|mbak|semua|bang))?"
    r"(?:[\W_]*$|\s*[,.!]|\s+(?:mau|izin|ijin|mohon|numpang|maaf|permisi)\b)",
    re.IGNORECASE,
)
# Laughter, and a smile sent alone ("😊": "belum yakin maksud", console).
_LAUGH = (
    r"(?:w?k(?:wk)+w?|a?wok(?:wok)+|(?:ha){2,}|(?:he){2,}|(?:hi){2,}|xi(?:xi)+"
    r"|[😂🤣😅😁😆😊🙂😀😃😄]+)"
)
_LAUGHTER = re.compile(rf"{_LAUGH}(?:[\s!.]*{_LAUGH})*[\s!.]*")
# Skin tones and the emoji variation selector change nothing in what an emoji says.
_MODIFIERS = {chr(code) for code in range(0x1F3FB, 0x1F400)} | {"\ufe0f"}
_MEANINGS = MappingProxyType({"thank": frozenset({"🙏"}), "affirm": frozenset({"👍", "👌"})})


# The greetings of Indonesia's other faiths (and the Batak "Horas"), answered in kind as well
# (the key of the answer in data/messages, `courtesy.<key>`): a Balinese cooperative opens
# with "Om Swastiastu".
_IN_KIND = (
    (_SALAM, "salam"),
    (re.compile(r"\bom\s+swastyastu|\bom\s+swastiastu", re.IGNORECASE), "swastiastu"),
    (re.compile(r"\bom\s+shanti", re.IGNORECASE), "shanti"),
    (re.compile(r"\bsalam\s+sejahtera\b", re.IGNORECASE), "sejahtera"),
    (re.compile(r"\bnamo\s+buddhaya\b", re.IGNORECASE), "buddhaya"),
    (re.compile(r"\bsalam\s+kebajikan\b", re.IGNORECASE), "kebajikan"),
    (re.compile(r"\b(?:shalom|syalom)\b", re.IGNORECASE), "shalom"),
    (re.compile(r"^\W*horas\b", re.IGNORECASE), "horas"),  # Batak, said by all its faiths
)


def greeting_in_kind(text: str) -> str | None:
    """Which faith's greeting (or closing) the message says, to answer it in kind: "salam"
    for the Islamic salam, "swastiastu", "sejahtera"… (`courtesy.<key>`); None for none."""
    return next((key for pattern, key in _IN_KIND if pattern.search(text)), None)


def greets_by_time(text: str) -> bool:
    """Whether the message says "selamat pagi/siang/sore/malam", or opens with the bare
    word ("siang pak, izin bertanya", "PAGI PAK MAU TANYA"), not "pagi ini kami …"."""
    return _TIME_GREETING.search(text) is not None


# Knocks before writing; a bare address ("pak", "min") is one too (console: "pak" alone was
# "belum yakin maksud").
_KNOCKS = frozenset(
    {"p", "pp", "ppp", "pppp", "ping", "tes", "test", "pak", "bu", "bapak", "ibu", "kak",
     "mas", "mbak", "min", "admin", "bang", "om"}
)  # fmt: skip


def daypart(moment: datetime) -> str:
    """The greeting's part of the day at the venue: pagi until 10:59, siang until 14:59, sore
    until 17:59, then malam (as people in Indonesia use them)."""
    hour = moment.hour
    if 4 <= hour < 11:
        return "pagi"
    if 11 <= hour < 15:
        return "siang"
    if 15 <= hour < 18:
        return "sore"
    return "malam"


def laughs(text: str) -> bool:
    """Whether the message is only laughter ("wkwkwk", "hehe", "😂"): a smile back, not "that
    is outside what we do"."""
    return _LAUGHTER.fullmatch(text.strip().lower()) is not None


def sign_intent(text: str) -> str | None:
    """ "🙏" alone is thanks, "👍" alone is yes, "P" or "pak" alone (how WhatsApp users knock
    before they write) is a greeting; None for anything else."""
    if text.strip(" ?!.").lower() in _KNOCKS:
        return "greet"
    marks = {char for char in text if not char.isspace()} - _MODIFIERS
    return next((intent for intent, said in _MEANINGS.items() if marks and marks <= said), None)


# Words of English that are no Indonesian words: a message mostly of them is written in
# English (a credit union from the Philippines, in the console, was "not understood").
_ENGLISH = frozenset(
    {"the", "is", "are", "am", "was", "were", "we", "you", "they", "it", "our", "your", "this",
     "that", "these", "those", "to", "do", "does", "did", "can", "could", "would", "will",
     "should", "how", "much", "many", "what", "when", "where", "which", "who", "why",
     "possible", "please", "thank", "thanks", "hello", "hi", "good", "morning", "afternoon",
     "evening", "visit", "cost", "people", "about", "with", "for", "and", "of", "in", "a",
     "an", "at", "from", "my", "me", "be", "been", "have", "has", "like", "want", "know",
     "there", "here"}
)  # fmt: skip


def writes_english(text: str) -> bool:
    """Whether a message is written in English: half its words or more, and three at least,
    are English words that Indonesian does not use ("we will book later")."""
    words = re.findall(r"[a-z']+", text.lower())
    english = [word for word in words if word in _ENGLISH]
    return len(english) >= 3 and 2 * len(english) >= len(words)


# "kami siapkan dulu suratnya", "saya tanya ketua dulu", "nanti kami kabari": the sender has
# something to do first; said, not asked.
_DEFERS = re.compile(
    r"\b(?:saya|sy|kami|aku|kulo|kula|abdi|ambo|ulun)\s+(?:tanya|tanyakan|konfirmasi"
    r"|konfirmasikan|koordinasi|koordinasikan|diskusikan|diskusi|rapatkan|rapat|cek|bicarakan"
    r"|siapkan|persiapkan|urus|lengkapi|musyawarahkan|rembugan|rembag|rembug|rundingkan)\b"
    r".{0,40}?\b(?:dulu|dl|dlu|rumiyin|riyin|heula|dahulu)\b"
    r"|\bnanti\s+(?:kami|saya|sy)\s+(?:kabari|kabarkan|hubungi|tanya|tanyakan|konfirmasi)\b",
    re.IGNORECASE,
)  # Javanese ("kulo rembugan rumiyin kaliyan pengurus"), Sundanese ("heula") too


def defers(text: str) -> bool:
    """Whether the message says the sender has something to do first ("Baik pak, kami
    siapkan dulu suratnya", "sebentar ya kak saya tanya ketua dulu")."""
    return _DEFERS.search(text) is not None
