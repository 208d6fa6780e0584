"""Scheduled pushes: the morning agenda, the evening reminder (APScheduler, persistent)."""
