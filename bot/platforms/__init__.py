"""The chat platforms: each package here declares what it can do as CAPABILITIES; shared pieces beside them."""

from __future__ import annotations

import importlib
import pkgutil

from bot.engine.platform import Capabilities


def declared() -> tuple[Capabilities, ...]:
    """Return what each platform package here declares it can do, so a new platform needs no list edited."""
    found: list[Capabilities] = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            capabilities = getattr(importlib.import_module(f"{__name__}.{module.name}"), "CAPABILITIES", None)
            if not isinstance(capabilities, Capabilities):
                raise TypeError(f"platform '{module.name}' declares no CAPABILITIES")
            found.append(capabilities)
    return tuple(sorted(found, key=lambda c: c.name))
