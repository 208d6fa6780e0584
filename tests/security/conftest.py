"""The end-to-end fixtures (fake Telegram server, a bot with a staff group) serve the security
tests too."""

from tests.e2e.conftest import telegram  # noqa: F401 - fixtures, registered by their import
from tests.e2e.test_handoff import staffed, staffed_settings  # noqa: F401
