"""Bring a database to the newest schema with Alembic, from inside the running bot."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config

from bot.config import ROOT


def alembic_config(url: str) -> Config:
    """Alembic's config for this project, pointed at `url`."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade; Alembic's env runs its own event loop, so it gets a thread of its own."""
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def downgrade(url: str, revision: str) -> None:
    """Downgrade to `revision` (used by the stairway test)."""
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)
