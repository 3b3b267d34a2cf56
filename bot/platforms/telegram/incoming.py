"""A Telegram message as an engine event: text and commands, a file to keep, or something unsupported."""

from __future__ import annotations

from telegram import Message

from bot.engine.events import Attachment, Event, Unsupported, parse_text

FILE_KINDS = ("document", "video", "voice", "audio", "video_note")  # photos are handled first: they come in sizes
DEFAULT_TYPES = {"voice": "audio/ogg", "video_note": "video/mp4", "video": "video/mp4", "audio": "audio/mpeg"}


def event_for(message: Message) -> Event:
    """Turn a message into an engine event, by what it holds (a file is identified by content later)."""
    if message.text is not None:
        return parse_text(message.text, message.date)
    caption = message.caption or ""
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return Attachment("photo", photo.file_id, photo.file_size, "image/jpeg", "", caption, message.date)
    for kind in FILE_KINDS:
        media = getattr(message, kind, None)
        if media is not None:
            mime = getattr(media, "mime_type", None) or DEFAULT_TYPES.get(kind, "application/octet-stream")
            name = getattr(media, "file_name", None) or ""
            return Attachment(kind, media.file_id, media.file_size, mime, name, caption, message.date)
    attachment = message.effective_attachment
    kind = type(attachment).__name__.lower() if attachment is not None else "other"
    return Unsupported(kind)
