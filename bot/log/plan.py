"""My plan: the parts a person writes, ticks or chooses, sealed with their own data key; one current version each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.flows.plan_parts import ITEMS, SECTIONS, TICKS
from bot.log.notebook import Notebook
from bot.store.crypto import seal, unseal
from bot.store.plan import PlanRow, PlanStore

TICKED, UNTICKED = "yes", "no"  # a point's value: "yes:<change id>" or "no:<change id>"


@dataclass(frozen=True)
class PlanItem:
    """One part of a plan as it is now, with when it was last written."""

    item: str
    saved_at: datetime
    text: str


Plan = Mapping[str, PlanItem]


class PlanBook:
    """Keep each person's plan sealed with the data key that seals their notes."""

    def __init__(self, notebook: Notebook, store: PlanStore) -> None:
        self.notebook = notebook
        self.store = store

    async def plan(self, key: str) -> dict[str, PlanItem]:
        """Return a person's plan, decrypted, by part."""
        data_key = await self.notebook.data_key(key, create=False)
        if data_key is None:
            return {}
        found = {}
        for row in await self.store.rows(key):
            text = unseal(data_key, row.value, _place(key, row.item, row.saved_at)).decode()
            found[row.item] = PlanItem(row.item, datetime.fromisoformat(row.saved_at), text)
        return found

    async def put(self, key: str, item: str, text: str, now: datetime | None = None) -> None:
        """Keep a part of the plan in place of what it said before; committed when this returns."""
        if item not in ITEMS:
            raise ValueError(f"unknown part of the plan {item!r}")
        data_key = await self.notebook.data_key(key, create=True)
        assert data_key is not None
        saved_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        await self.store.put(key, PlanRow(item, saved_at, seal(data_key, text.encode(), _place(key, item, saved_at))))

    async def tick(self, key: str, item: str, change: str) -> bool:
        """Tick a point of the plan, or untick it if it was ticked; return whether it is ticked now.

        ``change`` names the press (derived from the update): a press delivered twice turns it over once.
        """
        if item not in TICKS:
            raise ValueError(f"{item!r} is not a point to tick")
        plan = await self.plan(key)
        ticked = is_ticked(plan, item)
        if plan.get(item) and plan[item].text.endswith(f":{change}"):
            return ticked
        await self.put(key, item, f"{UNTICKED if ticked else TICKED}:{change}")
        return not ticked

    async def clear(self, key: str, section: str) -> None:
        """Clear one section of the plan: every part of it is deleted."""
        await self.store.remove(key, SECTIONS[section])


def is_ticked(plan: Plan, item: str) -> bool:
    """Tell whether a point of the plan is ticked."""
    found = plan.get(item)
    return found is not None and found.text.startswith(f"{TICKED}:")


def _place(key: str, item: str, saved_at: str) -> str:
    return f"plan_items:{key}:{item}:{saved_at}"
