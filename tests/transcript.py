"""Golden transcripts: what the person sends ("> " lines) and what the bot answers (the rest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.engine.when import LONDON
from bot.platforms.terminal.chat import TerminalChat
from bot.service import ChatService

DIRECTORY = Path(__file__).parent / "transcripts"


@dataclass
class Transcript:
    """A journey: a description, the person's lines, and the bot's reply to the opening and to each line."""

    description: list[str]
    inputs: list[str]
    replies: list[str]

    @classmethod
    def parse(cls, text: str) -> Transcript:
        lines = text.splitlines()
        description = []
        while lines and lines[0].startswith("#"):
            description.append(lines.pop(0))
        inputs: list[str] = []
        blocks: list[list[str]] = [[]]
        for line in lines:
            if line.startswith("> ") or line == ">":
                inputs.append(line[2:])
                blocks.append([])
            else:
                blocks[-1].append(line)
        return cls(description, inputs, ["\n".join(b).strip("\n") for b in blocks])

    def render(self) -> str:
        parts = ["\n".join(self.description)] if self.description else []
        parts.append(self.replies[0])
        for said, reply in zip(self.inputs, self.replies[1:], strict=True):
            parts.append(f"> {said}\n{reply}")
        return "\n\n".join(parts) + "\n"

    def piped_output(self) -> str:
        """Return what the piped terminal chat prints for this journey."""
        return "".join(reply + "\n\n" for reply in self.replies)


def normalise(text: str) -> str:
    """Write times stamped today (when a note was saved) as <now>, so a journey reads the same on any day."""
    today = datetime.now(UTC).astimezone(LONDON)
    text = re.sub(re.escape(today.strftime("%a %d %b %Y")) + r", \d\d:\d\d", "<now>", text)
    return re.sub(re.escape(today.strftime("%d %b")) + r" \d\d:\d\d", "<now>", text)


async def replay(service: ChatService, inputs: list[str]) -> list[str]:
    """Send each line through the terminal chat and collect each reply (times stamped today normalised)."""
    replies: list[str] = []
    chat = TerminalChat(service, lambda text: replies.append(normalise(text.strip("\n"))))
    await chat.run(inputs)
    return replies
