"""SQLite storage through aiosqlite: the only module that speaks SQL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.engine.state import ConversationState
from bot.store.crypto import DecryptionError, RowSealer
from bot.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

UPDATE_MEMORY = timedelta(days=7)  # far longer than any platform redelivers an update

DATABASE_FILE = "bot.db"
Rewrap = Callable[[str, bytes], bytes]  # (pseudonymous key, sealed under the old key) -> sealed under the new

SAVE_STATE = (
    "INSERT INTO conversations (key, state, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)
TRACK_MESSAGE = "INSERT OR IGNORE INTO chat_messages (key, message_id, sent_at) VALUES (?, ?, ?)"


class StorageError(Exception):
    """Raised when the database cannot read or write (locked, full, read-only, damaged); the cause says which."""


@contextmanager
def storage_errors() -> Iterator[None]:
    """Raise any SQLite error inside as a StorageError, so no layer above needs to know it is SQLite."""
    try:
        yield
    except sqlite3.Error as error:
        raise StorageError(type(error).__name__) from error


class Store:
    """The bot's database: conversation state keyed by pseudonymous key."""

    def __init__(self, connection: aiosqlite.Connection, path: Path, sealer: RowSealer | None = None) -> None:
        self._db = connection
        self.path = path
        self.sealer = sealer
        self._lock = asyncio.Lock()  # one connection: transactions must not interleave

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Hold the connection for reads that must not see another task's open transaction."""
        async with self._lock:
            with storage_errors():
                yield self._db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run statements in one IMMEDIATE transaction: committed together or not at all."""
        async with self._lock:
            with storage_errors():
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    if self._db.in_transaction:  # SQLite already rolled back after some errors (disk full)
                        await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")

    @classmethod
    async def open(cls, data_dir: Path, sealer: RowSealer | None = None) -> Store:
        """Open (creating if needed) the database in the data directory and bring its schema up to date.

        With a sealer, conversation states are stored encrypted.
        """
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / DATABASE_FILE
        path.touch(mode=0o600, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        store = cls(connection, path, sealer)
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
        await self._db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not just unlinked

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

    # Keys ------------------------------------------------------------------------

    async def holds_data(self) -> bool:
        """Tell whether anyone's place, notes' keys or chat's message ids are stored."""
        async with self.reading():
            rows = await self._db.execute_fetchall(
                "SELECT EXISTS (SELECT 1 FROM conversations) OR EXISTS (SELECT 1 FROM data_keys) "
                "OR EXISTS (SELECT 1 FROM chat_messages)"
            )
        return bool(next(iter(rows))[0])

    async def key_check(self) -> tuple[bytes, str] | None:
        """Return what the master key sealed and the identity key signed when first used, or None."""
        async with self.reading():
            rows = list(await self._db.execute_fetchall("SELECT master, identity FROM key_check"))
        return (bytes(rows[0][0]), str(rows[0][1])) if rows else None

    async def save_key_check(self, master: bytes, identity: str) -> None:
        """Record the key check (once: a second call changes nothing)."""
        async with self.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO key_check (id, master, identity) VALUES (1, ?, ?)", (master, identity)
            )

    async def wrapped_keys(self) -> list[tuple[str, bytes]]:
        """Return every person's wrapped data key with their pseudonymous key."""
        async with self.reading():
            rows = await self._db.execute_fetchall("SELECT key, wrapped FROM data_keys")
        return [(str(row[0]), bytes(row[1])) for row in rows]

    async def rewrap(self, rewrap_key: Rewrap, reseal_state: Rewrap, master_check: bytes) -> tuple[int, int]:
        """Re-wrap every data key and re-seal every state, with the new key check, in one transaction.

        Any error rolls everything back, so the old master key keeps working. Return the counts changed.
        """
        async with self.transaction():
            keys = list(await self._db.execute_fetchall("SELECT key, wrapped FROM data_keys"))
            for owner, wrapped in keys:
                new = rewrap_key(str(owner), bytes(wrapped))
                await self._db.execute("UPDATE data_keys SET wrapped = ? WHERE key = ?", (new, owner))
            states = list(await self._db.execute_fetchall("SELECT key, state FROM conversations"))
            sealed = [(str(k), bytes(v)) for k, v in states if isinstance(v, bytes)]  # text: from before sealing
            for owner, state in sealed:
                await self._db.execute(
                    "UPDATE conversations SET state = ? WHERE key = ?", (reseal_state(owner, state), owner)
                )
            await self._db.execute("UPDATE key_check SET master = ? WHERE id = 1", (master_check,))
        return len(keys), len(sealed)

    async def load_state(self, key: str) -> ConversationState | None:
        """Return a person's saved state, or None when they have none."""
        async with self.reading():
            rows = await self._db.execute_fetchall("SELECT state FROM conversations WHERE key = ?", (key,))
        row = next(iter(rows), None)
        return None if row is None else self._opened(key, row[0])

    async def load_turn(self, key: str, update_ref: str | None) -> tuple[bool, ConversationState | None]:
        """Return whether an update was handled before, and the person's saved state: one round trip."""
        async with self.reading():
            rows = await self._db.execute_fetchall(
                "SELECT EXISTS (SELECT 1 FROM handled_updates WHERE update_ref = ?), "
                "(SELECT state FROM conversations WHERE key = ?)",
                (update_ref, key),
            )
        handled, sealed = next(iter(rows))
        return bool(handled), None if sealed is None else self._opened(key, sealed)

    def _opened(self, key: str, stored: str | bytes) -> ConversationState:
        if isinstance(stored, str):
            return ConversationState.from_json(stored)  # stored before states were sealed
        try:
            if self.sealer is None:
                raise DecryptionError("no key to open sealed states with")
            return ConversationState.from_json(self.sealer.unseal(bytes(stored), f"conversations:{key}").decode())
        except DecryptionError:
            log.warning("a conversation state could not be opened; starting it afresh")
            return ConversationState()

    async def save_state(self, key: str, state: ConversationState) -> None:
        """Save a person's state, committed before this returns."""
        async with self.transaction():
            await self._save_state(key, state)

    async def _save_state(self, key: str, state: ConversationState) -> None:
        await self._db.execute(SAVE_STATE, (key, self._dump_state(key, state), _now()))

    def _dump_state(self, key: str, state: ConversationState) -> str | bytes:
        text = state.to_json()
        return self.sealer.seal(text.encode(), f"conversations:{key}") if self.sealer else text

    async def commit_turn(
        self,
        key: str,
        update_ref: str | None,
        state: ConversationState | None,
        messages: Iterable[tuple[int, datetime]] = (),
    ) -> bool:
        """Save a person's new state (None: keep no place for them) and record the update, in one transaction.

        An update delivered twice takes effect once: the second time nothing is saved and False comes back.
        ``messages`` are chat message ids to track for clearing, kept in the same commit.
        """
        sealed = self._dump_state(key, state) if state is not None else None
        rows = _message_rows(key, messages)
        async with self.transaction():
            if update_ref is not None:
                cursor = await self._db.execute(
                    "INSERT OR IGNORE INTO handled_updates (update_ref, handled_at) VALUES (?, ?)", (update_ref, _now())
                )
                if cursor.rowcount == 0:
                    return False
            if sealed is None:
                await self._db.execute("DELETE FROM conversations WHERE key = ?", (key,))
            else:
                await self._db.execute(SAVE_STATE, (key, sealed, _now()))
            if rows:
                await self._db.executemany(TRACK_MESSAGE, rows)
        return True

    async def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, so deleted data leaves the -wal file too."""
        async with self.reading():
            await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def was_handled(self, update_ref: str) -> bool:
        """Tell whether an update has already taken effect."""
        async with self.reading():
            return bool(
                await self._db.execute_fetchall("SELECT 1 FROM handled_updates WHERE update_ref = ?", (update_ref,))
            )

    async def forget_old_updates(self, now: datetime | None = None) -> int:
        """Drop update references older than any redelivery; return how many went."""
        cutoff = ((now or datetime.now(UTC)) - UPDATE_MEMORY).isoformat()
        async with self.transaction():
            cursor = await self._db.execute("DELETE FROM handled_updates WHERE handled_at < ?", (cutoff,))
            return cursor.rowcount

    async def track_messages(self, key: str, messages: Iterable[tuple[int, datetime]]) -> None:
        """Remember the ids of messages in a person's chat, so they can be cleared later."""
        rows = _message_rows(key, messages)
        if len(rows) == 1:
            async with self.reading():
                await self._db.execute(TRACK_MESSAGE, rows[0])  # one statement is its own transaction
        elif rows:
            async with self.transaction():
                await self._db.executemany(TRACK_MESSAGE, rows)

    async def tracked_messages(self, key: str) -> list[tuple[int, datetime]]:
        """Return the tracked message ids of a person's chat with when each was sent, oldest first."""
        async with self.reading():
            rows = await self._db.execute_fetchall(
                "SELECT message_id, sent_at FROM chat_messages WHERE key = ? ORDER BY message_id", (key,)
            )
        return [(int(row[0]), datetime.fromisoformat(row[1])) for row in rows]

    async def untrack_messages(self, key: str, message_ids: Iterable[int]) -> None:
        """Forget message ids that were deleted or can no longer be."""
        rows = [(key, message_id) for message_id in message_ids]
        async with self.transaction():
            await self._db.executemany("DELETE FROM chat_messages WHERE key = ? AND message_id = ?", rows)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _message_rows(key: str, messages: Iterable[tuple[int, datetime]]) -> list[tuple[str, int, str]]:
    return [(key, message_id, sent_at.astimezone(UTC).isoformat()) for message_id, sent_at in messages]
