"""Keep secrets and personal data out of logs.

Chat ids on WhatsApp are phone numbers, and aiohttp's errors carry URLs with `bot<TOKEN>` in
them: every log line passes through `RedactingFilter` on every handler before it is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Indonesian mobile numbers as people and WhatsApp write them: 0812…, 62812…, +62 812….
_PHONE = re.compile(r"(?<![\w+])(?:\+?62|0)[\s-]?8\d(?:[\s-]?\d){6,11}(?!\d)")
_BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[disembunyikan]"


def mask(chat_id: str) -> str:
    """ "6281234567890" -> "62812*****890": enough to tell chats apart, not to call anyone."""
    if len(chat_id) < 8:
        return "*" * len(chat_id)
    return chat_id[:5] + "*" * (len(chat_id) - 8) + chat_id[-3:]


def _mask_phone(match: re.Match[str]) -> str:
    return mask("".join(ch for ch in match.group() if ch.isdecimal() or ch == "+"))


class Redactor:
    """Replaces configured secrets, anything shaped like a Telegram bot token, and phone
    numbers in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _BOT_TOKEN.sub(REDACTED, text)
        return _PHONE.sub(_mask_phone, text)


class RedactingFilter(logging.Filter):
    """Renders a record's message and traceback, redacted, so no handler sees the originals."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self._redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def redact_logs(secrets: Iterable[str], logger: logging.Logger | None = None) -> Redactor:
    """Put a `RedactingFilter` on every handler of `logger` (the root logger by default)."""
    redactor = Redactor(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(RedactingFilter(redactor))
    return redactor
