"""The end-to-end fixtures (fake Telegram server) serve the security tests too."""

from tests.e2e.conftest import telegram  # noqa: F401 - a fixture, registered by its import
