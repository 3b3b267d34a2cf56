"""What a platform can show and do, declared by the platform so that flows and the validator adapt to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Capabilities:
    """What one platform can show and do; each platform package declares one as CAPABILITIES."""

    name: str  # the platform in pseudonymous keys and in its templates' ids: "telegram" owns "telegram.*"
    choices: Literal["buttons", "numbers"]  # buttons to tap, or numbered lines the person types a number for
    max_buttons: int  # on one screen, counting those the engine adds (In danger now, Menu, Back)
    max_label_chars: int  # a longer button label is cut off
    clears_chat: bool  # it can delete the messages it sent when the person asks to clear the chat
    # The templates the platform says things with, each with the variables it is rendered with.
    templates: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
