"""Button payloads for chat platforms: small, versioned, and checked when they come back."""

from __future__ import annotations

import hashlib

from bot.engine.events import STALE, Choose, Command, Goto, Pick
from bot.engine.model import Node
from bot.engine.program import Program

VERSION = "1"
BUTTON_COMMANDS = frozenset({"menu", "danger", "back", "clear", "exit"})
HEX = frozenset("0123456789abcdef")
ITEM_CHARS = HEX | frozenset("olderwn")  # note ids are hex; or "older", "newer"
MAX_ITEM = 32
NOTE_ID_CHARS = 32  # the note a button belongs to travels with it: "1:o:" + 12 + ":NN:" + 32 <= 64 bytes


def node_signature(node: Node) -> str:
    """Return a short hash of a node and its options: it changes whenever the buttons would."""
    options = "|".join(f"{o.label}>{o.go}" for o in node.options)
    return hashlib.sha256(f"{node.id}|{options}".encode()).hexdigest()[:12]


class CallbackCodec:
    """Encode button events into at most 64 bytes, and decode them, refusing anything forged or stale."""

    def __init__(self, program: Program) -> None:
        self._nodes = {node_signature(node): node for node in program.flows.nodes.values()}
        self._signatures = {node.id: signature for signature, node in self._nodes.items()}

    def encode(self, event: Choose | Command | Goto | Pick) -> str:
        """Return the payload for a button."""
        if isinstance(event, Command):
            return f"{VERSION}:k:{event.name}"
        if isinstance(event, Goto):
            return f"{VERSION}:g:{self._signatures[event.node]}"
        if isinstance(event, Pick):
            return f"{VERSION}:p:{self._signatures[event.node]}:{event.item}"
        note = f":{event.note}" if event.note else ""
        return f"{VERSION}:o:{self._signatures[event.node]}:{event.index}{note}"

    def decode(self, data: str | None) -> Choose | Command | Goto | Pick:
        """Return the event a payload stands for, or STALE when it is old, forged or malformed."""
        parts = (data or "").split(":")
        if len(parts) == 3 and parts[:2] == [VERSION, "k"] and parts[2] in BUTTON_COMMANDS:
            return Command(parts[2])
        if len(parts) == 3 and parts[:2] == [VERSION, "g"] and parts[2] in self._nodes:
            return Goto(self._nodes[parts[2]].id)  # the engine checks it is a screen typed text can lead to
        if len(parts) in (4, 5) and parts[:2] == [VERSION, "o"] and parts[3].isdigit():
            node = self._nodes.get(parts[2])
            index, note = int(parts[3]), parts[4] if len(parts) == 5 else ""
            if node is not None and index < len(node.options) and (not note or _is_note(note)):
                return Choose(node.id, index, note)
        if len(parts) == 4 and parts[:2] == [VERSION, "p"] and _is_item(parts[3]):
            node = self._nodes.get(parts[2])
            if node is not None and node.pick is not None:
                return Pick(node.id, parts[3])
        return STALE


def _is_note(text: str) -> bool:
    return len(text) == NOTE_ID_CHARS and set(text) <= HEX


def _is_item(text: str) -> bool:
    return 0 < len(text) <= MAX_ITEM and set(text) <= ITEM_CHARS
