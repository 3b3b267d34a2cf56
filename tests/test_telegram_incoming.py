"""A Telegram message as an event: text, the largest photo, a file's type, or unsupported."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import Message

from bot.engine.events import Attachment, Command, Text, Unsupported
from bot.platforms.telegram.incoming import event_for

SENT = 1_790_000_000


def message(**fields: Any) -> Message:
    data = {"message_id": 7, "date": SENT, "chat": {"id": 42, "type": "private"}, **fields}
    return Message.de_json(data, None)


def test_text_and_commands_keep_when_they_were_sent() -> None:
    sent_at = datetime.fromtimestamp(SENT, UTC)
    assert event_for(message(text="he is outside")) == Text("he is outside", sent_at)
    assert event_for(message(text="/note he called")) == Command("note", "he called", sent_at)


def test_a_photo_is_its_largest_size() -> None:
    sizes = [
        {"file_id": f"p{w}", "file_unique_id": f"u{w}", "width": w, "height": w, "file_size": w * 10}
        for w in (90, 320, 1280)
    ]
    event = event_for(message(photo=sizes, caption="his car"))
    assert isinstance(event, Attachment)
    assert (event.kind, event.ref, event.size, event.mime, event.caption) == (
        "photo",
        "p1280",
        12800,
        "image/jpeg",
        "his car",
    )


def test_a_file_keeps_its_name_and_declared_type_and_a_voice_note_gets_one() -> None:
    document = {"file_id": "d", "file_unique_id": "d", "file_name": "texts.pdf", "mime_type": "application/pdf"}
    voice = {"file_id": "v", "file_unique_id": "v", "duration": 3}
    note = {"file_id": "n", "file_unique_id": "n", "length": 240, "duration": 4}
    got = [
        event_for(message(**{kind: media}))
        for kind, media in (("document", document), ("voice", voice), ("video_note", note))
    ]
    assert [(e.kind, e.mime, e.name) for e in got if isinstance(e, Attachment)] == [
        ("document", "application/pdf", "texts.pdf"),
        ("voice", "audio/ogg", ""),
        ("video_note", "video/mp4", ""),
    ]


def test_what_cannot_be_kept_is_named_unsupported() -> None:
    sticker = {
        "file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "type": "regular",
    }  # fmt: skip
    assert event_for(message(sticker=sticker)) == Unsupported("sticker")
    assert event_for(message(location={"latitude": 52.95, "longitude": -1.15})) == Unsupported("location")
    assert event_for(message()) == Unsupported("other")
