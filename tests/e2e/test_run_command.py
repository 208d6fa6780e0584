"""The README's run command itself: `make run` sets up, starts Rasa, chats, and stops Rasa."""

from __future__ import annotations

import os
import subprocess
import urllib.request

from bot.config import ROOT
from tests.conftest import free_port


def test_make_run_console_chat_and_clean_stop(tmp_path) -> None:  # noqa: ANN001
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TELEGRAM_BOT_TOKEN", "RASA_TOKEN"}},
        "RASA_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.sqlite3'}",
        "HTTP_PORT": str(free_port()),
    }
    result = subprocess.run(
        ["make", "-s", "run"],
        cwd=ROOT,
        env=env,
        input="halo\nminta nomor wa panitia\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "selamat datang" in result.stdout
    assert "0856-9575-1994" in result.stdout
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
        still_running = True
    except OSError:
        still_running = False
    assert not still_running, "Rasa was left running after the chat ended"
