"""Files users send, passed on to staff through a temporary file: a 20 MB video never sits
whole in the bot's memory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CHUNK = 64 * 1024


def temporary_path(filename: str) -> str:
    """A new, empty temporary file for a download, keeping the name's extension."""
    handle, path = tempfile.mkstemp(prefix="kunjungan-", suffix=Path(filename).suffix)
    os.close(handle)
    return path
