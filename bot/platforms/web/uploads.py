"""Read an uploaded file as it streams, stopping once it passes the size limit, and hand it to the service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import BodyPartReader

from bot.engine.files import MAX_BYTES, EvidenceUnavailable

CHUNK = 64 * 1024


async def read_capped(part: BodyPartReader, limit: int) -> bytes:
    """Read a file part until it ends or passes ``limit`` (a file past it is then refused)."""
    chunks, size = [], 0
    while size < limit and (chunk := await part.read_chunk(CHUNK)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def fetcher(data: bytes) -> Callable[[str], Awaitable[bytes]]:
    """Return the service's fetch for a file already read: it refuses one over the size limit."""

    async def fetch(ref: str) -> bytes:
        if len(data) > MAX_BYTES:
            raise EvidenceUnavailable("too_big")
        return data

    return fetch
