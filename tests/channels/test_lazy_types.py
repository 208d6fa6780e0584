"""aiogram imported by the bot: its models are built on first use, and work when they are."""

from __future__ import annotations

import subprocess
import sys

from bot.config import ROOT

PROBE = """
import bot.__main__  # as `python -m bot` imports it
from aiogram.methods import SendMessage
from aiogram.types import Message, Poll, Update

assert not Update.__pydantic_complete__ and not Poll.__pydantic_complete__
assert not SendMessage.__pydantic_complete__
update = Update.model_validate({
    "update_id": 1,
    "message": {
        "message_id": 2, "date": 1700000000, "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "Yuli"},
        "text": "halo", "entities": [{"type": "bold", "offset": 0, "length": 4}],
        "reply_to_message": {
            "message_id": 1, "date": 1700000000, "chat": {"id": 5, "type": "private"},
            "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
        },
    },
})
assert isinstance(update.message, Message)
assert update.message.reply_to_message.photo[0].width == 1
assert SendMessage(chat_id=5, text="halo").text == "halo"
assert not Poll.__pydantic_complete__
print("ok")
"""


def test_aiogram_models_are_built_on_first_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
