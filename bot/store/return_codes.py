"""SQL for web return codes: a code's slow hash names a row holding the person's id, sealed by the code."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store.sqlite import Store


class ReturnCodeStore:
    """The return codes' table, on the bot's one database connection; at most one code a person."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def keep(self, key: str, digest: bytes, sealed: bytes) -> None:
        """Keep a code's hash and the sealed id it reopens, in place of the person's earlier code."""
        async with self.store.transaction() as db:
            await db.execute("DELETE FROM return_codes WHERE key = ?", (key,))
            await db.execute(
                "INSERT INTO return_codes (digest, key, person, made_at) VALUES (?, ?, ?, ?)",
                (digest, key, sealed, datetime.now(UTC).isoformat()),
            )

    async def sealed(self, digest: bytes) -> bytes | None:
        """Return the sealed id a code's hash names, or None."""
        async with self.store.reading() as db:
            rows = list(await db.execute_fetchall("SELECT person FROM return_codes WHERE digest = ?", (digest,)))
        return bytes(rows[0][0]) if rows else None
