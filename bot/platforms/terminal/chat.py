"""The terminal chat: the same engine, store and flows, with numbered options."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.engine.events import Attachment, Command, Event, Resume, Text
from bot.engine.files import MAX_BYTES, EvidenceUnavailable, too_big
from bot.engine.outputs import AskText, Button, Document, Output, PlatformAction
from bot.engine.templates import TemplateLibrary
from bot.platforms.plain_text import body_text, buttons_of, numbered, typed_event
from bot.platforms.terminal import CAPABILITIES
from bot.service import FORGOTTEN, ChatService

PLATFORM = CAPABILITIES.name
LOCAL_USER = "local"
INTERACTIVE_HINT = (
    "(Type a number to choose, or write a message. While noting, '/attach PATH' keeps a file as evidence."
    " Ctrl-D leaves; your place is kept.)"
)
EXPORTS_DIR = "exports"
SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def render_reply(
    outputs: Sequence[Output],
    templates: TemplateLibrary | None = None,
    saved: Sequence[Path] = (),
    notices: Sequence[str] = (),
) -> str:
    """Write one reply as plain text: the messages, what the terminal did, then the options numbered."""
    parts = [body_text(outputs)]
    for action in (o for o in outputs if isinstance(o, PlatformAction) and o.name != FORGOTTEN):
        parts.append(templates.render(f"terminal.{action.name}", {}) if templates else "")
    for path in saved:
        parts.append(templates.render("terminal.document", {"path": str(path)}) if templates else str(path))
    parts.extend(notices)
    if any(isinstance(o, AskText) for o in outputs):
        parts.append("(Type your answer.)")
    if (buttons := buttons_of(outputs)) and PlatformAction("exit") not in outputs:
        parts.append(numbered(buttons))
    return "\n\n".join(p for p in parts if p)


def event_for(line: str, buttons: Sequence[Button]) -> Event:
    """Turn a typed line into an event: a number or a label picks that option; anything else is text."""
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1].event
    return typed_event(line, buttons)


class TerminalChat:
    """A conversation on standard input and output for one local person."""

    def __init__(self, service: ChatService, write: Callable[[str], None], user: str = LOCAL_USER) -> None:
        self.service = service
        self.write = write
        self.user = user
        self.buttons: Sequence[Button] = ()
        self.finished = False

    async def open(self) -> None:
        """Greet a new person, or show a returning one where they were."""
        await self.send(Resume())

    async def send(self, event: Event) -> None:
        """Run one event and write the reply; files the bot gives are written to the exports folder."""
        if isinstance(event, Text | Command) and event.sent_at is None:
            event = replace(event, sent_at=datetime.now(UTC))
        if isinstance(event, Command) and event.name == "attach":
            attachment = attachment_for(event.argument, event.sent_at)
            if isinstance(attachment, str):
                self.write(self.service.templates.render(attachment, {}) + "\n\n")
                return
            event = attachment
        outputs = await self.service.handle(PLATFORM, self.user, event, fetch=read_file) or ()
        self.buttons = buttons_of(outputs) or self.buttons
        self.finished = PlatformAction("exit") in outputs
        folder = self.service.data_dir / EXPORTS_DIR
        saved = [save_document(folder, d, await d.content()) for d in outputs if isinstance(d, Document)]
        templates, notices = self.service.templates, []
        if PlatformAction(FORGOTTEN) in outputs:
            removed, left = remove_exports(folder)
            notices.append(templates.render("terminal.forgotten", {"removed": removed, "left": left, "folder": folder}))
        self.write(render_reply(outputs, templates, saved, notices) + "\n\n")

    async def run(self, lines: Iterable[str]) -> None:
        """Open the chat and answer each line in turn."""
        await self.open()
        for line in lines:
            await self.send(event_for(line.rstrip("\r\n"), self.buttons))
            if self.finished:
                break


def attachment_for(argument: str, sent_at: datetime | None) -> Attachment | str:
    """Describe a local file as if it had been sent in a chat ('/attach PATH'), or name the template saying why not.

    Only an ordinary file is kept: not a link (which could point anywhere), a device, a pipe, or anything
    under /proc, /sys or /dev (which could hold the process's environment, and with it the master key).
    """
    path = Path(argument.strip().strip("'\"")).expanduser()
    if not argument.strip() or not os.path.lexists(path):
        return "terminal.no_file"
    found = path.lstat()
    if not stat.S_ISREG(found.st_mode) or _is_system_path(path):
        return "terminal.not_a_file"
    return Attachment("document", str(path), found.st_size, "", path.name, "", sent_at)


def _is_system_path(path: Path) -> bool:
    real = Path(os.path.realpath(path))  # a folder on the way may be a link to /proc/self
    return any(real.is_relative_to(root) for root in SYSTEM_ROOTS)


async def read_file(ref: str) -> bytes:
    """Read a file named with /attach: never through a link, never past the size limit."""
    return await asyncio.to_thread(_read_ordinary_file, ref)


def _read_ordinary_file(ref: str) -> bytes:
    try:
        handle = os.open(ref, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise EvidenceUnavailable("unavailable") from None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode) or _is_system_path(Path(ref)):
            raise EvidenceUnavailable("unavailable")  # swapped for something else since /attach looked
        data = file.read(MAX_BYTES + 1)
    if too_big(len(data)):
        raise EvidenceUnavailable("too_big")
    return data


def save_document(folder: Path, document: Document, data: bytes) -> Path:
    """Write a file the bot gives (an export) where only this user can read it; never overwrite one."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path, number = folder / document.filename, 1
    while path.exists():
        number += 1
        path = folder / f"{Path(document.filename).stem}-{number}{Path(document.filename).suffix}"
    path.touch(mode=0o600)
    path.write_bytes(data)
    return path.resolve()


def remove_exports(folder: Path) -> tuple[int, int]:
    """Overwrite and delete every export written here; return (deleted, could not be deleted)."""
    removed = left = 0
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        try:
            if path.is_file() and not path.is_symlink():
                with path.open("r+b") as file:  # its bytes are gone even if the file system keeps the blocks
                    file.write(b"\0" * path.stat().st_size)
            path.unlink()
            removed += 1
        except OSError:
            left += 1
    return removed, left


async def run_terminal(service: ChatService, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Chat on the terminal until end of input; piped input is read one message per line."""
    interactive = stdin.isatty()

    def write(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    if interactive:
        write(INTERACTIVE_HINT + "\n\n")
    chat = TerminalChat(service, write)
    await chat.open()
    while True:
        if interactive:
            write("> ")
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        await chat.send(event_for(line.rstrip("\r\n"), chat.buttons))
        if chat.finished:
            break
