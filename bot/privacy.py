"""Keep personal data out of logs: chat ids on WhatsApp are phone numbers."""

from __future__ import annotations


def mask(chat_id: str) -> str:
    """ "6281234567890" -> "62812*****890": enough to tell chats apart, not to call anyone."""
    if len(chat_id) < 8:
        return "*" * len(chat_id)
    return chat_id[:5] + "*" * (len(chat_id) - 8) + chat_id[-3:]
