"""What a person can do, as plain values every adapter can produce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Text:
    """Free text the person typed, with when the platform says it was sent (if it says)."""

    text: str
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Choose:
    """A button pressed: option ``index`` of node ``node``, under the note it was shown for (if any).

    The service fills in which questions that note has answered (``answered``), as for a ``Pick``.
    """

    node: str
    index: int
    note: str = ""
    answered: tuple[str, ...] = ()
    preview: str = ""  # the start of the note's text, so its questions can say which note they are for


@dataclass(frozen=True)
class Command:
    """A command such as /menu, with whatever was typed after it."""

    name: str
    argument: str = ""
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Goto:
    """A "Did you mean" or "Go on to" button: go to a screen that typed text can lead to."""

    node: str


OLDER, NEWER = "older", "newer"  # the items of a Pick that page through a list


@dataclass(frozen=True)
class Pick:
    """An item chosen from a list shown at ``node``, such as one note of the log.

    The service fills in what the engine needs to know about the item (``answered``); an item it could not
    find arrives empty.
    """

    node: str
    item: str
    answered: tuple[str, ...] = ()
    preview: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file the person sent (photo, video, voice note, document), described but not yet downloaded."""

    kind: str
    ref: str
    size: int | None
    mime: str
    name: str = ""
    caption: str = ""
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Edited:
    """A message the person changed after sending it; the service fills in the note it started, if any."""

    text: str
    origin: str
    note: str = ""
    answered: tuple[str, ...] = ()
    preview: str = ""


@dataclass(frozen=True)
class Resume:
    """The person came back (for example after a restart): show where they are."""


@dataclass(frozen=True)
class Unsupported:
    """Something the bot cannot read here, such as a sticker, a location or a poll."""

    kind: str


Event = Text | Choose | Command | Goto | Pick | Attachment | Edited | Resume | Unsupported


def parse_text(text: str, sent_at: datetime | None = None) -> Text | Command:
    """Turn typed text into a command when it starts with '/', else keep it as text."""
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
        head, _, rest = stripped[1:].partition(" ")
        name = head.split("@", 1)[0].casefold()
        return Command(name, rest.strip(), sent_at)
    return Text(text, sent_at)


STALE = Choose("", -1)  # a button from an older message, or forged: the engine says so
