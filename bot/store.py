"""SQLite storage through aiosqlite: the only module that speaks SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.state import ConversationState

DATABASE_FILE = "bot.db"

# Each entry moves the schema up one version (PRAGMA user_version). Never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
)


class Store:
    """The bot's database: conversation state keyed by pseudonymous key."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, data_dir: Path) -> Store:
        """Open (creating if needed) the database in the data directory and bring its schema up to date."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / DATABASE_FILE
        path.touch(mode=0o600, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        store = cls(connection, path)
        try:
            await store._configure()
            await store._migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def _configure(self) -> None:
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=FULL")
        await self._db.execute("PRAGMA busy_timeout=5000")
        await self._db.execute("PRAGMA foreign_keys=ON")

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise RuntimeError(f"{self.path} has schema {version}, newer than this code ({len(MIGRATIONS)})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, script.split(";")):
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version={number}")
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def schema_version(self) -> int:
        """Return the schema version (PRAGMA user_version)."""
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()

    async def load_state(self, key: str) -> ConversationState | None:
        """Return a person's saved state, or None when they have none."""
        async with self._db.execute("SELECT state FROM conversations WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return ConversationState.from_json(row[0]) if row else None

    async def save_state(self, key: str, state: ConversationState) -> None:
        """Save a person's state, committed before this returns."""
        now = datetime.now(UTC).isoformat()
        await self._db.execute(
            "INSERT INTO conversations (key, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (key, state.to_json(), now),
        )
