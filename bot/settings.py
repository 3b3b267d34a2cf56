"""Configuration from the environment, in one frozen object that tests build from a dict."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Raised when the environment holds a setting that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    data_dir: Path
    flows_dir: Path
    content_dir: Path
    telegram_token: str | None
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from an environment mapping (``os.environ`` by default)."""
        env = os.environ if env is None else env
        level = env.get("BOT_LOG_LEVEL", "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        return cls(
            data_dir=Path(env.get("BOT_DATA_DIR") or "data"),
            flows_dir=Path(env.get("BOT_FLOWS_DIR") or PROJECT_ROOT / "flows"),
            content_dir=Path(env.get("BOT_CONTENT_DIR") or PROJECT_ROOT / "content"),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            log_level=level,
        )
