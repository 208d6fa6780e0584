"""The channel-independent conversation core: no aiogram, aiohttp or SQLAlchemy in here."""
