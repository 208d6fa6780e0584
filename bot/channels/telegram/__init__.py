"""Telegram channel (aiogram 3): long polling by default, webhook when a public URL is set."""

from bot.channels.telegram.lazy_types import import_aiogram

import_aiogram()  # before this package's modules import aiogram: its models are built on use
