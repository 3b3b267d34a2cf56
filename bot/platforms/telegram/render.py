"""Outputs as Telegram messages: plain text (no markup to inject), inline buttons, protected when sensitive."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.outputs import HelplineCard, Message, Output
from bot.platforms.callback_data import CallbackCodec
from bot.platforms.plain_text import body_text, buttons_of

Keyboard = dict[str, list[list[dict[str, str]]]]  # an InlineKeyboardMarkup as JSON
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one message
SENSITIVE_TEMPLATE_PREFIXES = ("note.", "log.", "plan.")


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split text into messages Telegram accepts, at paragraph or line breaks where possible."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return [c for c in chunks if c.strip()]


def keyboard(outputs: Sequence[Output], codec: CallbackCodec) -> Keyboard | None:
    """Return the reply's buttons, one per row, as the Bot API's JSON, or None when there are none.

    Plain JSON rather than python-telegram-bot's objects: building and serialising those took about a
    tenth of a reply's CPU, and a keyboard is sent with nearly every reply.
    """
    buttons = buttons_of(outputs)
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "callback_data": codec.encode(b.event)}] for b in buttons]}


def is_sensitive(outputs: Sequence[Output]) -> bool:
    """Tell whether a reply holds helpline details or anything about notes, so it should be protected."""
    return any(isinstance(o, HelplineCard) for o in outputs) or any(
        isinstance(o, Message) and o.template.startswith(SENSITIVE_TEMPLATE_PREFIXES) for o in outputs
    )


def reply_texts(outputs: Sequence[Output], before: str = "") -> list[str]:
    """Return the reply's text as one or more messages, with optional text put first.

    A message meant to stand alone (a part of the plan) is sent on its own; the rest run together.
    """
    groups: list[list[Output]] = [[]]
    for output in outputs:
        if isinstance(output, Message) and output.alone:
            groups += [[output], []]
        else:
            groups[-1].append(output)
    texts = [body_text(group) for group in groups]
    texts[0] = "\n\n".join(part for part in (before, texts[0]) if part)
    return [chunk for text in texts if text for chunk in split_text(text)]
