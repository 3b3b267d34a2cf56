"""The stalking log on Telegram: files kept as evidence, the list and one note, export as documents, /forget."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from bot.engine.files import MAX_BYTES
from bot.platforms.telegram.app import PLATFORM
from bot.store.sqlite import DATABASE_FILE
from tests.telegram_harness import ALICE, Running, press, say

PHOTO_CANARY = b"photo-canary-51c2"


def jpeg() -> bytes:
    """Return a small real JPEG whose bytes end with a canary (JPEG readers ignore what follows the image)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue() + PHOTO_CANARY


def photo_message(running: Running, file_id: str, size: int, caption: str | None = None) -> dict[str, object]:
    sizes = [{"file_id": file_id, "file_unique_id": file_id, "width": 64, "height": 48, "file_size": size}]
    extra: dict[str, object] = {"photo": sizes}
    if caption is not None:
        extra["caption"] = caption
    return running.fake.message(ALICE, **extra)


async def send(running: Running, update: dict[str, object]) -> str:
    before = len(running.fake.sent(ALICE))
    await running.fake.push(update)
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) > before)
    return str(running.fake.sent(ALICE)[-1].params["text"])


def database_bytes(running: Running) -> bytes:
    return b"".join(p.read_bytes() for p in running.settings.data_dir.glob(f"{DATABASE_FILE}*"))


async def test_a_photo_is_kept_encrypted_listed_and_exported(running: Running) -> None:
    fake, service = running.fake, running.bot.service
    await say(running, ALICE, "/note canary-heron he left flowers on my car")
    data = jpeg()
    reply = await send(running, photo_message(running, fake.upload(data, "ph1"), len(data)))
    assert reply.startswith("Kept with your note, encrypted.")
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    [kept] = await service.notebook.evidence(key, with_data=True)
    assert (kept.kind, kept.mime, kept.data) == ("photo", "image/jpeg", data)
    await service.store.checkpoint()
    assert PHOTO_CANARY not in database_bytes(running)

    listing = await say(running, ALICE, "/log")
    assert listing.startswith("Your notes: 1, latest first.")
    labels = [label for label, _ in fake.buttons(fake.sent(ALICE)[-1])]
    view = await press(running, ALICE, labels[0])
    assert "canary-heron he left flowers on my car" in view and "• Photo, " in view
    await press(running, ALICE, "Back to my notes")
    await press(running, ALICE, "Export (PDF and CSV)")
    await fake.wait_for(lambda: len(fake.documents(ALICE)) == 3)
    pdf, table, pack = fake.documents(ALICE)
    assert pack["filename"].endswith("-files.zip")
    with zipfile.ZipFile(io.BytesIO(pack["data"])) as opened:
        names = opened.namelist()
        assert names[:3] == [pdf["filename"], table["filename"], "manifest.csv"]
        assert opened.read(names[3]) == data  # the photo exactly as it came
        [listed] = list(csv.reader(io.StringIO(opened.read("manifest.csv").decode("utf-8-sig"))))[1:]
    assert listed[:6] == [names[3], "1", "image/jpeg", str(len(data)), hashlib.sha256(data).hexdigest(), "1"]
    assert "Also a ZIP file with the PDF, the CSV" in fake.texts(ALICE)[-1]
    assert (pdf["filename"].endswith(".pdf"), table["filename"].endswith(".csv")) == (True, True)
    assert "note" in pdf["filename"] and "stalk" not in pdf["filename"] + table["filename"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf["data"])).pages)
    assert "canary-heron he left flowers on my car" in text and "Photo, " in text
    rows = list(csv.reader(io.StringIO(table["data"].decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][3] == "canary-heron he left flowers on my car"
    assert all(c.params.get("protect_content") in (None, False) for c in fake.calls if c.method == "sendDocument")


async def test_a_photo_with_a_caption_starts_a_note(running: Running) -> None:
    data = jpeg()
    await say(running, ALICE, "/note")
    reply = await send(running, photo_message(running, running.fake.upload(data), len(data), "his car outside"))
    assert reply.startswith("Saved.") and "Kept with your note, encrypted." in reply
    service = running.bot.service
    [note] = await service.notebook.notes(service.pseudonymiser.key(PLATFORM, ALICE))
    assert note.text == "his car outside" and len(note.evidence) == 1


async def test_files_over_the_limit_or_outside_a_note_are_refused_clearly(running: Running) -> None:
    fake = running.fake
    await say(running, ALICE, "/start")
    reply = await send(running, photo_message(running, fake.upload(b"x"), 1))
    assert reply.startswith("To keep a photo or file, first write down what happened")
    await say(running, ALICE, "/note he followed me to the shop")
    reply = await send(running, photo_message(running, fake.upload(b"y", "big"), MAX_BYTES + 1))
    assert reply.startswith("Sorry, that file is too big to keep here (the limit is 20 MB). Nothing was saved.")
    assert not any(c.method in ("getFile", "download") for c in fake.calls)  # refused by its declared size
    fake.upload(b"MZ\x90\x00 a program", "exe")
    program = {"file_id": "exe", "file_unique_id": "exe", "file_name": "tool.exe", "mime_type": "application/x-msdos"}
    reply = await send(running, fake.message(ALICE, document=program))
    assert reply.startswith("Kept with your note, encrypted.")  # kept as it came, and never opened
    service = running.bot.service
    [kept] = await service.notebook.evidence(service.pseudonymiser.key(PLATFORM, ALICE))
    assert kept.detected == "application/octet-stream"


async def test_a_file_that_cannot_be_downloaded_is_not_confirmed(running: Running) -> None:
    await say(running, ALICE, "/note he sent a voice message")
    voice = {"file_id": "gone", "file_unique_id": "gone", "duration": 3, "mime_type": "audio/ogg", "file_size": 10}
    reply = await send(running, running.fake.message(ALICE, voice=voice))
    assert reply.startswith("Sorry, that file could not be fetched just now, so nothing was saved.")
    service = running.bot.service
    assert await service.notebook.evidence(service.pseudonymiser.key(PLATFORM, ALICE)) == []


async def test_delete_one_note_then_forget_everything(running: Running, tmp_path: Path) -> None:
    fake, service = running.fake, running.bot.service
    await say(running, ALICE, "/note first canary-lynx")
    await say(running, ALICE, "/note second canary-lynx")
    await say(running, ALICE, "/log")
    newest = next(label for label, _ in fake.buttons(fake.sent(ALICE)[-1]))
    await press(running, ALICE, newest)
    assert (await press(running, ALICE, "Delete this note")).startswith("Delete this note, with its answers")
    reply = await press(running, ALICE, "Yes, delete this note")
    assert reply.startswith("Deleted.") and "Your notes: 1, latest first." in reply
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    assert [n.text for n in await service.notebook.notes(key)] == ["first canary-lynx"]

    assert (await say(running, ALICE, "/forget")).startswith("Delete everything?")
    assert (await press(running, ALICE, "No, keep my notes")).startswith("What would you like to do?")
    await say(running, ALICE, "/forget")
    reply = await press(running, ALICE, "Yes, delete everything")
    assert reply.startswith("Done. Everything kept for you has been deleted:")
    assert await service.notebook.notes(key) == []
    assert b"canary-lynx" not in database_bytes(running)
    cleared = await press(running, ALICE, "Clear this chat")
    assert "deleted" in cleared.lower() or "removed" in cleared.lower()
