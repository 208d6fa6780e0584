"""`/desk`: a staff member asks for a login link to the web desk, in the staff group or in a
private chat with the bot, and receives it privately. Only staff get one (the same rule as
for the Telegram buttons); the link works once, for ten minutes (`DeskLinks`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from bot.core.flow import Handler
from bot.core.messages import Incoming, Reply
from bot.core.nlu import NluResult
from bot.core.notify import DeliveryFailed, Notifier, StaffAuthority
from bot.core.payloads import Space
from bot.core.state import ConversationState
from bot.core.texts import Texts

log = logging.getLogger(__name__)
COMMAND = "/desk"
LOGIN_PATH = "/desk/masuk/"


class LoginLinks(Protocol):
    async def issue(self, user_id: str, user_name: str) -> str: ...


def is_desk_command(text: str) -> bool:
    """ "/desk" or "/desk@NamaBot" (Telegram appends the bot's name in groups)."""
    return text.strip().split(" ")[0].split("@")[0].lower() == COMMAND


class DeskAccess:
    """Hands out login links. A flow of one message: it has no steps and no buttons."""

    names: frozenset[str] = frozenset()
    spaces: frozenset[Space] = frozenset()

    def __init__(
        self,
        links: LoginLinks,
        *,
        authority: StaffAuthority,
        notifier: Notifier,
        texts: Texts,
        public_url: str | None,
    ) -> None:
        self._links = links
        self._authority = authority
        self._notifier = notifier
        self._t = texts
        self._public_url = public_url.rstrip("/") if public_url else None

    def intents(self) -> Mapping[str, Handler]:
        return {}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """`/desk` in a private chat."""
        return await self.request(event) if is_desk_command(text) else None

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        return None

    async def request(self, event: Incoming) -> list[Reply]:
        """A link for a staff member, sent privately; anyone else is refused (and logged)."""
        if event.channel != "telegram" or not await self._authority.allows(event.user_id):
            log.warning("non-staff user %s asked for a desk link", event.user_id)
            return [Reply(self._t("staff.not_allowed"))]
        if self._public_url is None:
            return [Reply(self._t("staff.desk_off"))]
        name = event.user_name or event.user_id
        token = await self._links.issue(event.user_id, name)
        link = Reply(
            self._t("staff.desk_link", name=name, link=f"{self._public_url}{LOGIN_PATH}{token}")
        )
        if not event.group:
            return [link]
        try:
            await self._notifier.deliver(event.channel, event.user_id, [link])
        except DeliveryFailed:  # the person never opened a private chat with the bot
            return [Reply(self._t("staff.desk_link_private_first", name=name))]
        return [Reply(self._t("staff.desk_link_sent", name=name))]
