"""A chat in the terminal on the same core, database and NLU as Telegram.

Buttons are shown as numbered choices; typing the number presses the button.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from bot.core.engine import Engine
from bot.core.messages import Button, Incoming, Kind, Reply

CHANNEL = "console"
PROMPT = "Bapak/Ibu: "  # the user's turn, addressed as everywhere else (never "Anda")


class ConsoleChannel:
    """Read lines from stdin, print the engine's replies to stdout."""

    def __init__(self, engine: Engine, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout):
        self._engine = engine
        self._stdin = stdin
        self._stdout = stdout
        self._choices: list[Button] = []

    async def run(self) -> None:
        """Chat until end of input (Ctrl-D) or cancellation (Ctrl-C)."""
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def read() -> None:  # a daemon thread, so a pending read never blocks shutdown
            for line in self._stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        self._show(await self._engine.handle(self._event(Kind.START, "/start")))
        while (line := await lines.get()) is not None:
            self._show(await self._engine.handle(self._to_event(line.strip())))

    def _to_event(self, line: str) -> Incoming:
        if line.isdecimal() and 1 <= int(line) <= len(self._choices):
            return self._event(Kind.BUTTON, payload=self._choices[int(line) - 1].payload)
        return self._event(Kind.TEXT, line)

    @staticmethod
    def _event(kind: Kind, text: str = "", payload: str | None = None) -> Incoming:
        return Incoming(CHANNEL, "local", "local", kind, text=text, payload=payload)

    def announce(self, text: str) -> None:
        """A line about the bot itself (full understanding loading, then ready)."""
        self._stdout.write(f"\n({text})\n\n{PROMPT}")
        self._stdout.flush()

    async def notify(self, chat_id: str, replies: list[Reply]) -> None:
        """Show a message the core sends on its own (e.g. a booking decision)."""
        self._show(replies)

    def _show(self, replies: list[Reply]) -> None:
        self._choices = []
        for reply in replies:
            self._stdout.write(f"\nBMI: {reply.text}\n")
            if reply.document is not None:
                self._stdout.write(f"     [berkas: {reply.document.filename}]\n")
            for button in reply.buttons:
                self._choices.append(button)
                self._stdout.write(f"  {len(self._choices)}. {button.title}\n")
        self._stdout.write(f"\n{PROMPT}")
        self._stdout.flush()
