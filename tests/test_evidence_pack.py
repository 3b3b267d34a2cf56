"""The evidence pack: every original as it came, a manifest with SHA-256, parts under 50 MB, made by a worker."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile

import pytest
from pypdf import PdfReader

from bot.engine.events import Command
from bot.engine.outputs import Buttons, Document, Message
from bot.log.export_worker import ExportFailed
from bot.service import ChatService
from tests.transcript import replay

TELEGRAM_LIMIT = 50 * 1000 * 1000


async def test_three_18_mb_photos_make_a_small_pdf_and_a_pack_in_two_parts(service: ChatService) -> None:
    book, key = service.notebook, service.pseudonymiser.key("terminal", "ann")
    await service.handle("terminal", "ann", Command("note", "he photographed my house"))
    [note] = await book.notes(key)
    photos = [b"\xff\xd8\xff\xe0" + os.urandom(18 * 1024 * 1024) for _ in range(3)]
    for number, data in enumerate(photos):
        await book.add_evidence(key, note.id, data, {"kind": "photo", "mime": "image/jpeg", "name": f"=x{number}.jpg"})
    outputs = await service.handle("terminal", "ann", Command("log")) or ()
    export = next(b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons if b.label.startswith("Export"))
    reply = await service.handle("terminal", "ann", export) or ()
    documents = [o for o in reply if isinstance(o, Document)]
    assert [d.filename[-21:] for d in documents[2:]] == ["-files-part1-of-2.zip", "-files-part2-of-2.zip"]
    said = "\n".join(o.text for o in reply if isinstance(o, Message))
    assert "It comes in 2 parts, because a file sent here can be at most 50 MB" in said
    pdf, table = documents[0].data, documents[1].data
    assert len(pdf) < 1_000_000 and "could not be shown here" in PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    found: dict[str, bytes] = {}
    for document in documents[2:]:
        data = await document.content()
        assert len(data) < TELEGRAM_LIMIT
        with zipfile.ZipFile(io.BytesIO(data)) as part:
            found.update({name: part.read(name) for name in part.namelist()})
    rows = list(csv.reader(io.StringIO(found.pop("manifest.csv").decode("utf-8-sig"))))[1:]
    assert found.pop(documents[0].filename) == pdf and found.pop(documents[1].filename) == table
    assert sorted(found.values()) == sorted(photos)  # every original, exactly as it came, once
    assert [(r[1], r[2], r[3], r[5], r[7][:2]) for r in rows] == [
        ("1", "image/jpeg", str(len(photos[0])), "1", "'="),
        ("1", "image/jpeg", str(len(photos[1])), "1", "'="),
        ("2", "image/jpeg", str(len(photos[2])), "1", "'="),
    ]
    assert [hashlib.sha256(found[r[0]]).hexdigest() for r in rows] == [r[4] for r in rows]


async def test_a_log_without_files_has_no_pack(service: ChatService) -> None:
    await service.handle("terminal", "ann", Command("note", "he called twice"))
    outputs = await service.handle("terminal", "ann", Command("log")) or ()
    export = next(b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons if b.label.startswith("Export"))
    reply = await service.handle("terminal", "ann", export) or ()
    assert [d.filename[-4:] for d in reply if isinstance(d, Document)] == [".pdf", ".csv"]


async def test_a_part_is_read_by_the_worker_when_sent_and_not_after_delete_everything(service: ChatService) -> None:
    book, key = service.notebook, service.pseudonymiser.key("terminal", "local")
    await service.handle("terminal", "local", Command("note", "he left a note on my car"))
    [note] = await book.notes(key)
    photo = b"\xff\xd8\xff\xe0" + os.urandom(1024)
    await book.add_evidence(key, note.id, photo, {"kind": "photo", "mime": "image/jpeg", "name": "car.jpg"})
    outputs = await service.handle("terminal", "local", Command("log")) or ()
    export = next(b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons if b.label.startswith("Export"))
    [pack] = [o for o in await service.handle("terminal", "local", export) or () if isinstance(o, Document)][2:]
    assert pack.data == b"" and pack.make is not None  # nothing of the pack is held until it is sent
    for _ in range(2):  # made again each time (the web chat keeps it to download): the same files each time
        with zipfile.ZipFile(io.BytesIO(await pack.content())) as part:
            assert [part.read(n) for n in part.namelist() if n.startswith("files/")] == [photo]
    await replay(service, ["/forget", "Yes, delete everything"])
    assert await book.notes(key) == []
    with pytest.raises(ExportFailed):
        await pack.content()
