"""The evidence pack: a ZIP of the PDF, the CSV, every file exactly as it came, and a manifest of them with
their SHA-256, split into parts that a Telegram bot can send (50 MB a file).

Everything here but ``documents`` runs in an export's worker process (export_worker), which reads the files
from the database itself, one at a time. Parts are made when the adapter sends or writes them, each by a
fresh worker, so at most one is in memory; the bot process only receives each part's bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from bot.engine.outputs import Document
from bot.engine.when import london_time
from bot.log.evidence import OPAQUE, identify
from bot.log.notebook import Evidence

PART_BYTES = 45 * 1024 * 1024  # under Telegram's 50 MB for a bot's file, with room for the ZIP's own records
FOLDER = "files"
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    OPAQUE: "bin",  # never the sender's own name or extension: it could say anything
}
ReadFile = Callable[[Evidence], bytes]
Look = Callable[[Evidence, bytes, str], None]
MakePart = Callable[[Sequence["Packed"], dict[str, bytes]], Awaitable[bytes]]


@dataclass(frozen=True)
class Packed:
    """One kept file as the pack holds it: its name there, its part, and what its bytes are."""

    item: Evidence
    name: str
    part: int
    detected: str
    size: int
    sha256: str


def describe(
    files: Sequence[Evidence], numbers: dict[str, int], read: ReadFile, look: Look | None = None
) -> list[Packed]:
    """Read each file once (one at a time), hash it and tell its type; assign it a name and a part.

    ``look`` is shown each file's bytes as they pass (the export makes thumbnails of pictures with it).
    """
    packed, part, used = [], 1, 0
    for index, item in enumerate(sorted(files, key=lambda f: f.sent_at or f.saved_at), start=1):
        data = read(item)
        detected = identify(data)
        if look is not None:
            look(item, data, detected)
        if used and used + len(data) > PART_BYTES:
            part, used = part + 1, 0
        used += len(data)
        name = f"{FOLDER}/{index:04d}-incident-{numbers.get(item.note_id, 0)}.{EXTENSIONS[detected]}"
        packed.append(Packed(item, name, part, detected, len(data), hashlib.sha256(data).hexdigest()))
    return packed


def manifest(packed: Sequence[Packed], numbers: dict[str, int], header: Sequence[str]) -> bytes:
    """Return the manifest as CSV: each file's name, part, type, size, SHA-256, incident and when it came."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for p in packed:
        came = london_time(p.item.sent_at or p.item.saved_at)
        sent_as = "'" + p.item.name if p.item.name.startswith(("=", "+", "-", "@")) else p.item.name
        writer.writerow([p.name, p.part, p.detected, p.size, p.sha256, numbers.get(p.item.note_id, ""), came, sent_as])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_part(out: BinaryIO, first: dict[str, bytes], packed: Sequence[Packed], read: ReadFile) -> None:
    """Write one part as a ZIP: the ``first`` files compressed, then each file as it came, read one at a time."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as pack:
        for name, data in first.items():
            pack.writestr(name, data, zipfile.ZIP_DEFLATED)
        for p in packed:
            data = read(p.item)
            if hashlib.sha256(data).hexdigest() != p.sha256:  # the pack holds exactly what the manifest says
                raise ValueError("a file changed after the manifest was made")
            pack.writestr(p.name, data)  # as it came: photos barely compress


def documents(stem: str, first: dict[str, bytes], packed: Sequence[Packed], make: MakePart) -> list[Document]:
    """Return the pack's parts as documents whose bytes are made (by ``make``) each time they are sent."""
    parts = max((p.part for p in packed), default=1)

    def part(number: int) -> Callable[[], Awaitable[bytes]]:
        async def made() -> bytes:
            return await make([p for p in packed if p.part == number], first if number == 1 else {})

        return made

    name = f"{stem}-files" if parts == 1 else f"{stem}-files-part{{n}}-of-{parts}"
    return [Document(f"{name.format(n=n)}.zip", "application/zip", b"", part(n)) for n in range(1, parts + 1)]
