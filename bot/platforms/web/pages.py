"""The chat page, rendered on the server (it works with JavaScript off), and outputs turned into its entries."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from bot.engine.outputs import Document, HelplineCard, Message, Output
from bot.engine.templates import TemplateLibrary
from bot.platforms.web.sessions import Card, WebSession

MAX_TEXT = 4096  # characters of one typed message, as on Telegram
MAX_DOWNLOADS = 12  # files made for one session and kept to download (older links answer 404)
WORDS = (
    "exit", "exit_hint", "emergency", "conversation", "guide_said", "you_said", "choices", "write", "send",
    "upload_label", "upload", "call", "download", "privacy", "later_heading", "later", "make_code",
    "code_kept", "open_label", "open",
)  # fmt: skip

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class PageSettings:
    """What every page shows the same way: its title, the emergency number to dial, the idle time."""

    title: str
    emergency: str
    idle_minutes: int


def dial(number: str) -> str:
    """Return a number as a tel: link needs it: digits (and a leading +) only."""
    return re.sub(r"[^\d+]", "", number)


def card(helpline: HelplineCard) -> Card:
    """Turn a helpline card into one with a number to dial."""
    return Card(helpline.name, helpline.number, dial(helpline.number), helpline.for_whom, helpline.hours)


def add_reply(session: WebSession, outputs: Sequence[Output], texts: Sequence[str] = ()) -> None:
    """Add the bot's reply to the conversation: its messages with their cards, then what the adapter says."""
    parts = [o.text.strip() for o in outputs if isinstance(o, Message) and o.text.strip()]
    cards = tuple(card(o) for o in outputs if isinstance(o, HelplineCard))
    files = []
    for document in (o for o in outputs if isinstance(o, Document)):
        token = secrets.token_urlsafe(16)
        session.downloads[token] = document
        files.append((token, document.filename))
    for old in list(session.downloads)[:-MAX_DOWNLOADS]:  # files are kept in memory: only the latest
        del session.downloads[old]
    parts += [t.strip() for t in texts if t.strip()]
    if parts or cards or files:
        session.add(False, "\n\n".join(parts), cards, tuple(files))


def render(session: WebSession, templates: TemplateLibrary, page: PageSettings, flash: str = "") -> str:
    """Render the whole page for one session."""
    texts = {name: templates.render(f"web.{name}", {"minutes": page.idle_minutes}).strip() for name in WORDS}
    return _ENV.get_template("page.html").render(
        title=page.title,
        t=texts,
        csrf=session.csrf,
        screen=session.counter,
        entries=session.entries,
        buttons=session.buttons,
        flash=flash,
        shown_code=session.shown_code,
        kept=session.kept,
        max_text=MAX_TEXT,
        emergency_dial=page.emergency,
    )
