"""Problems found in flows or content, reported as ``path:line: CODE message``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.model import Source


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place."""

    source: Source
    code: str
    message: str
    warning: bool = False  # reported, but does not stop the bot or fail the check

    def __str__(self) -> str:
        return f"{self.source}: {self.code}{' (warning)' if self.warning else ''} {self.message}"


class InvalidFlows(Exception):
    """Raised when flows or content have problems; carries every one of them."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(d for d in diagnostics if not d.warning)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
