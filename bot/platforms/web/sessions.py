"""Web sessions, kept in memory only: who the visitor is to the bot, what is on their screen, their forms' token."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.engine.outputs import Button, Document

MAX_ENTRIES = 60  # of the conversation shown on the page; older ones are dropped from memory


@dataclass(frozen=True)
class Card:
    """A service to contact, with a link that calls it."""

    name: str
    number: str
    dial: str
    for_whom: str
    hours: str | None


@dataclass(frozen=True)
class Entry:
    """One message on the page: said by the bot or by the person, with any cards and files."""

    number: int
    by_person: bool
    text: str
    cards: tuple[Card, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (download token, file name)


@dataclass
class WebSession:
    """One visitor's session: a random person id (pseudonymised like any platform id) and their screen."""

    id: str
    person: str
    csrf: str
    seen: float
    entries: list[Entry] = field(default_factory=list)
    buttons: tuple[Button, ...] = ()
    asking: bool = False
    downloads: dict[str, Document] = field(default_factory=dict)
    kept: bool = False  # has a return code: their notes and plan outlive the session
    shown_code: str = ""  # a new return code, shown once on the next page and then dropped
    code_tries: int = 0
    flash: str = ""  # one line for the next page (a wrong code, a refused file)
    counter: int = 0

    def add(
        self, by_person: bool, text: str, cards: tuple[Card, ...] = (), files: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """Add a message to the conversation on screen."""
        self.counter += 1
        self.entries.append(Entry(self.counter, by_person, text, cards, files))
        del self.entries[:-MAX_ENTRIES]


class Sessions:
    """Sessions by id, dropped after ``idle`` seconds without a request; at most ``limit`` at once."""

    def __init__(self, idle: float = 30 * 60, limit: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.limit = limit
        self.clock = clock
        self._by_id: dict[str, WebSession] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def new(self, person: str | None = None) -> WebSession:
        """Start a session for a new visitor (or for the person a return code names)."""
        session = WebSession(
            secrets.token_urlsafe(32), person or secrets.token_urlsafe(32), secrets.token_urlsafe(32), self.clock()
        )
        self._by_id[session.id] = session
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        """Return a live session and mark it used, or None."""
        session = self._by_id.get(session_id or "")
        if session is None or self.clock() - session.seen > self.idle:
            return None
        session.seen = self.clock()
        return session

    def renew(self, session: WebSession, person: str) -> WebSession:
        """Give a session a new id and token (after a return code), for the person the code names."""
        self.end(session)
        renewed = self.new(person)
        renewed.kept = True
        return renewed

    def end(self, session: WebSession) -> None:
        """Forget a session now."""
        self._by_id.pop(session.id, None)

    def expired(self) -> list[WebSession]:
        """Remove and return the sessions idle too long, and the oldest when over the limit."""
        now = self.clock()
        gone = [s for s in self._by_id.values() if now - s.seen > self.idle]
        live = sorted((s for s in self._by_id.values() if now - s.seen <= self.idle), key=lambda s: s.seen)
        gone += live[: max(0, len(live) - self.limit)]
        for session in gone:
            self.end(session)
        return gone

    def full(self) -> bool:
        """Tell whether no new session can start until old ones go."""
        return len(self._by_id) >= self.limit
