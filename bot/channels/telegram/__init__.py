"""Telegram channel (aiogram 3): long polling by default, webhook when a public URL is set."""
