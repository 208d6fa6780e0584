"""Persistence: SQLAlchemy 2 async; SQLite by default, PostgreSQL via DATABASE_URL."""
