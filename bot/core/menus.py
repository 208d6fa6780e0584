"""The main menu's buttons, rendered the same wherever a reply offers them."""

from __future__ import annotations

from bot.core.messages import Button
from bot.core.payloads import Space, encode
from bot.core.texts import Texts

MAIN_MENU = (
    ("button.info", "ask_visit_info"),
    ("button.book", "book_visit"),
    ("button.programs", "ask_programs"),
    ("button.contact", "ask_contact"),
    ("button.handoff", "human_handoff"),
)


def main_menu(texts: Texts) -> tuple[Button, ...]:
    """Info, booking, programs, contact, staff."""
    return tuple(Button(texts(title), encode(Space.INTENT, intent)) for title, intent in MAIN_MENU)
