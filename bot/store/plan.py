"""SQL for the plan: one sealed value per part of a person's plan. Values arrive here already sealed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.sqlite import Store


@dataclass(frozen=True)
class PlanRow:
    """A stored part of a plan: which part, when it was last written, and its value, sealed."""

    item: str
    saved_at: str
    value: bytes


class PlanStore:
    """The plan's table, on the bot's one database connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def rows(self, key: str) -> list[PlanRow]:
        """Return every part of a person's plan."""
        async with self.store.reading() as db:
            found = await db.execute_fetchall(
                "SELECT item, saved_at, value FROM plan_items WHERE key = ? ORDER BY item", (key,)
            )
        return [PlanRow(str(r[0]), str(r[1]), bytes(r[2])) for r in found]

    async def put(self, key: str, row: PlanRow) -> None:
        """Store a part, in place of the one before (only the current version is kept); committed on return."""
        async with self.store.transaction() as db:
            await db.execute(
                "INSERT INTO plan_items (key, item, saved_at, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key, item) DO UPDATE SET saved_at = excluded.saved_at, value = excluded.value",
                (key, row.item, row.saved_at, row.value),
            )

    async def remove(self, key: str, items: Iterable[str]) -> None:
        """Delete some parts of a person's plan, and flush them out of the WAL."""
        async with self.store.transaction() as db:
            await db.executemany("DELETE FROM plan_items WHERE key = ? AND item = ?", [(key, i) for i in items])
        await self.store.checkpoint()
