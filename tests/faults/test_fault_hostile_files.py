"""Hostile files: told by their bytes, never rendered unless re-encoded, never fetched past their size, never
read through a link. Each goes through the real Telegram adapter (fake Bot API) or the terminal chat."""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from pypdf import PdfReader

from bot.engine.files import MAX_BYTES
from bot.log.effects import export
from bot.log.evidence import OPAQUE
from bot.log.pictures import thumbnail
from bot.platforms.telegram.app import PLATFORM
from bot.service import ChatService
from tests.telegram_harness import ALICE, Running, say
from tests.transcript import replay

SECRET = "canary-secret-in-a-server-file"


@pytest.fixture
async def beacon() -> AsyncIterator[tuple[str, list[str]]]:
    """A web server on loopback that records every request: a stalker's web beacon."""
    hits: list[str] = []

    async def record(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")

    app = web.Application()
    app.router.add_get("/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", hits
    await runner.cleanup()


def svg(server_file: Path, beacon_url: str) -> bytes:
    return (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="400" height="400">'
        f'<image href="{server_file.as_uri()}" width="200" height="200"/>'
        f'<image xlink:href="{beacon_url}/beacon.png" width="100" height="100"/>'
        '<image href="file:///dev/zero" width="10" height="10"/></svg>'
    ).encode()


def pixel_bomb(side: int = 13_000) -> bytes:
    """Return a small PNG that claims side x side pixels (its rows are never all there: it need not decode)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side * 3 + 1) * 8)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


async def send_document(running: Running, data: bytes, name: str, mime: str, declared: int | None = None) -> str:
    fake = running.fake
    file_id = fake.upload(data)
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "mime_type": mime}
    document["file_size"] = len(data) if declared is None else declared  # type: ignore[assignment]
    before = len(fake.sent(ALICE))
    await fake.push(fake.message(ALICE, document=document))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) > before, timeout=60)
    return str(fake.sent(ALICE)[-1].params["text"])


async def exported_pdf(running: Running) -> bytes:
    service = running.bot.service
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    from datetime import UTC, datetime

    pdf = (await export(service.notebook, key, service.program.content.templates, datetime.now(UTC)))[0]
    assert pdf.filename.endswith(".pdf")
    return pdf.data


async def test_svg_and_html_named_as_pictures_are_kept_opaque_and_never_rendered(
    running: Running, tmp_path: Path, beacon: tuple[str, list[str]]
) -> None:
    url, hits = beacon
    server_file = tmp_path / "server-secret.png"
    server_file.write_text(SECRET)
    await say(running, ALICE, "/note he sent me pictures")
    assert (await send_document(running, svg(server_file, url), "x.png", "image/png")).startswith("Kept")
    html = f'<html><body><img src="{url}/html-beacon.png"><iframe src="{server_file.as_uri()}"></iframe></body></html>'
    assert (await send_document(running, html.encode(), "y.png", "image/png")).startswith("Kept")
    service = running.bot.service
    kept = await service.notebook.evidence(service.pseudonymiser.key(PLATFORM, ALICE))
    assert [k.detected for k in kept] == [OPAQUE, OPAQUE]
    data = await exported_pdf(running)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert b"/Subtype /Image" not in data and SECRET not in text and SECRET.encode() not in data
    assert text.count(OPAQUE) == 2 and hits == []  # nothing was fetched: no beacon, no server file


def test_a_pixel_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = pixel_bomb()
    assert len(bomb) < 1_000_000 and thumbnail(bomb) is None


async def test_a_pixel_bomb_exports_as_a_line_without_a_picture(running: Running) -> None:
    await say(running, ALICE, "/note a strange picture")
    assert (await send_document(running, pixel_bomb(), "big.png", "image/png")).startswith("Kept")
    data = await exported_pdf(running)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "could not be shown here" in text and b"/Subtype /Image" not in data


async def test_a_file_over_the_limit_that_declares_100_bytes_is_cut_off_while_streaming(running: Running) -> None:
    fake = running.fake
    await say(running, ALICE, "/note he sent a big file")
    big = b"\xff\xd8\xff" + os.urandom(64) * (25 * 1024 * 1024 // 64)  # 25 MB
    file_id = fake.upload(big, "liar")
    fake.sizeless.add(file_id)  # Telegram's getFile says nothing of its size either
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": "a.jpg", "file_size": 100}
    before = len(fake.sent(ALICE))
    await fake.push(fake.message(ALICE, document=document))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) > before, timeout=60)
    reply = str(fake.sent(ALICE)[-1].params["text"])
    assert reply.startswith("Sorry, that file is too big to keep here (the limit is 20 MB). Nothing was saved.")
    service = running.bot.service
    assert await service.notebook.evidence(service.pseudonymiser.key(PLATFORM, ALICE)) == []
    assert len(big) > MAX_BYTES


async def test_a_file_whose_size_telegram_declares_too_big_is_not_downloaded(running: Running) -> None:
    fake = running.fake
    await say(running, ALICE, "/note another big file")
    file_id = fake.upload(b"\x00" * (MAX_BYTES + 1), "declared")
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": "b.bin", "file_size": 100}
    before = len(fake.sent(ALICE))
    await fake.push(fake.message(ALICE, document=document))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) > before, timeout=60)
    assert str(fake.sent(ALICE)[-1].params["text"]).startswith("Sorry, that file is too big")
    assert not fake.calls_of("download")


@pytest.mark.parametrize("target", ["link", "folder_link", "fifo", "device", "proc"])
async def test_terminal_attach_refuses_links_devices_pipes_and_system_files(
    service: ChatService, tmp_path: Path, target: str
) -> None:
    paths = {
        "link": tmp_path / "environ.png",
        "folder_link": tmp_path / "self" / "environ",
        "fifo": tmp_path / "pipe.png",
        "device": Path("/dev/zero"),
        "proc": Path("/proc/self/environ"),
    }
    if target == "link":
        paths["link"].symlink_to("/proc/self/environ")
    elif target == "folder_link":
        (tmp_path / "self").symlink_to("/proc/self")
    elif target == "fifo":
        os.mkfifo(paths["fifo"])
    replies = await replay(service, ["/note he was at the door", f"/attach {paths[target]}"])
    assert replies[-1].startswith("That is not an ordinary file")
    assert await service.notebook.evidence(service.pseudonymiser.key("terminal", "local")) == []
