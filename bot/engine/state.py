"""One person's place in the conversation, and its stored form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

MAX_HISTORY = 20


@dataclass(frozen=True)
class ConversationState:
    """Where a person is, what they have chosen, and where they came from."""

    node: str | None = None
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    history: tuple[str, ...] = ()
    turns: int = 0

    def moved_to(self, node: str, remember: str | None) -> ConversationState:
        """Return the state at ``node``, remembering ``remember`` for /back."""
        history = self.history
        if remember is not None and remember != node:
            history = (*history, remember)[-MAX_HISTORY:]
        return replace(self, node=node, history=history)

    def with_slots(self, updates: Mapping[str, str]) -> ConversationState:
        """Return the state with some slots set."""
        return replace(self, slots=MappingProxyType({**self.slots, **updates}))

    def to_json(self) -> str:
        """Serialise for storage."""
        return json.dumps(
            {"node": self.node, "slots": dict(self.slots), "history": list(self.history), "turns": self.turns},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        """Read a stored state; anything unreadable starts afresh rather than failing."""
        try:
            data = json.loads(text)
            slots = {str(k): str(v) for k, v in dict(data.get("slots", {})).items()}
            return cls(
                node=data.get("node") if isinstance(data.get("node"), str) else None,
                slots=MappingProxyType(slots),
                history=tuple(str(h) for h in data.get("history", []))[-MAX_HISTORY:],
                turns=int(data.get("turns", 0)),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()
