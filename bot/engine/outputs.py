"""What the bot says, as plain values that each adapter renders its own way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.engine.events import Choose, Command, Goto, Pick


@dataclass(frozen=True)
class Message:
    """A block of text, rendered from the named template."""

    template: str
    text: str
    alone: bool = False  # sent as a message of its own (a part of the plan), never run together with others


@dataclass(frozen=True)
class HelplineCard:
    """A service to contact, with its number written out in full."""

    id: str
    name: str
    number: str
    for_whom: str
    hours: str | None


@dataclass(frozen=True)
class Button:
    """One choice, and the event that pressing it sends."""

    label: str
    event: Choose | Command | Goto | Pick


@dataclass(frozen=True)
class Buttons:
    """The choices offered now, in order."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class AskText:
    """The bot now waits for free text into ``slot``."""

    slot: str


@dataclass(frozen=True)
class PlatformAction:
    """Something only the adapter can do, such as clearing the chat; it says the outcome itself."""

    name: str


@dataclass(frozen=True)
class Effect:
    """Something to store before the reply may be sent, such as a note; the reply confirms it."""

    action: str
    text: str
    variables: Mapping[str, str]
    sent_at: datetime | None


@dataclass(frozen=True)
class LogView:
    """A view of the person's log (the list, one note, the pattern) that the service fills in from the store."""

    view: str
    node: str
    note: str
    page: int


@dataclass(frozen=True)
class PlanView:
    """A view of the person's plan (the whole plan, or one section) that the service fills in from the store."""

    view: str
    section: str


@dataclass(frozen=True)
class Document:
    """A file for the person to keep, such as their log exported as PDF or CSV.

    A large one (a part of the evidence pack) has no ``data`` but a ``make`` that makes it when it is sent,
    so that only one is in memory at a time.
    """

    filename: str
    media_type: str
    data: bytes
    make: Callable[[], Awaitable[bytes]] | None = None

    async def content(self) -> bytes:
        """Return the file's bytes, making them now if they are made on demand."""
        return await self.make() if self.make is not None else self.data


Output = Message | HelplineCard | Buttons | AskText | PlatformAction | Effect | LogView | PlanView | Document
