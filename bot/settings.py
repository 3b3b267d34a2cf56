"""Configuration from the environment, in one frozen object that tests build from a dict."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a webhook secret token
WEB_ADDRESS = re.compile(r"https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/?=&%-]*)?")
FRAME_ANCESTORS = re.compile(r"'none'|'self'|(https://[A-Za-z0-9.*-]+(:\d+)?)( https://[A-Za-z0-9.*-]+(:\d+)?)*")


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
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    master_key: str | None = None
    keys_dir: Path = Path("data")
    new_master_key: str | None = None
    conflict_limit: float = 300.0
    health_max_age: float = 60.0
    web_listen: str = "127.0.0.1"
    web_port: int = 8080
    web_exit_url: str = "https://www.bbc.co.uk/weather"
    web_title: str = "Chat"
    web_frame_ancestors: str = "'none'"
    web_idle_minutes: float = 30.0
    http_max_connections: int = 200
    http_idle_seconds: float = 15.0
    http_request_seconds: float = 120.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from an environment mapping (``os.environ`` by default)."""
        env = os.environ if env is None else env
        level = env.get("BOT_LOG_LEVEL", "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL") or None
        webhook_secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
        if webhook_url and not webhook_secret:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is")
        if webhook_secret and not SECRET_TOKEN.fullmatch(webhook_secret):
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        port = env.get("TELEGRAM_WEBHOOK_PORT") or "8443"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(f"TELEGRAM_WEBHOOK_PORT must be a port number, not {port!r}")
        conflict_limit = _seconds(env, "BOT_CONFLICT_EXIT_AFTER", "300")
        web_port = env.get("BOT_WEB_PORT") or "8080"
        if not web_port.isdigit() or not 0 < int(web_port) < 65536:
            raise SettingsError(f"BOT_WEB_PORT must be a port number, not {web_port!r}")
        exit_url = env.get("BOT_WEB_EXIT_URL") or "https://www.bbc.co.uk/weather"
        if not WEB_ADDRESS.fullmatch(exit_url):
            raise SettingsError(f"BOT_WEB_EXIT_URL must be an https:// address, not {exit_url!r}")
        frame_ancestors = env.get("BOT_WEB_FRAME_ANCESTORS") or "'none'"
        if not FRAME_ANCESTORS.fullmatch(frame_ancestors):
            raise SettingsError(
                "BOT_WEB_FRAME_ANCESTORS must be 'none', 'self' or https:// origins separated by spaces"
            )
        max_connections = env.get("BOT_HTTP_MAX_CONNECTIONS") or "200"
        if not max_connections.isdigit() or not 0 < int(max_connections) <= 100_000:
            raise SettingsError(f"BOT_HTTP_MAX_CONNECTIONS must be a number from 1 to 100000, not {max_connections!r}")
        data_dir = Path(env.get("BOT_DATA_DIR") or "data")
        return cls(
            data_dir=data_dir,
            flows_dir=Path(env.get("BOT_FLOWS_DIR") or PROJECT_ROOT / "flows"),
            content_dir=Path(env.get("BOT_CONTENT_DIR") or PROJECT_ROOT / "content"),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            log_level=level,
            telegram_api_base_url=(env.get("TELEGRAM_API_BASE_URL") or "").rstrip("/") or None,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=int(port),
            master_key=env.get("BOT_MASTER_KEY") or None,
            keys_dir=Path(env.get("BOT_KEYS_DIR") or data_dir),
            new_master_key=env.get("BOT_NEW_MASTER_KEY") or None,
            conflict_limit=conflict_limit,
            health_max_age=_seconds(env, "BOT_HEALTH_MAX_AGE", "60"),
            web_listen=env.get("BOT_WEB_LISTEN") or "127.0.0.1",
            web_port=int(web_port),
            web_exit_url=exit_url,
            web_title=(env.get("BOT_WEB_TITLE") or "Chat")[:60],
            web_frame_ancestors=frame_ancestors,
            web_idle_minutes=_seconds(env, "BOT_WEB_IDLE_MINUTES", "30"),
            http_max_connections=int(max_connections),
            http_idle_seconds=_seconds(env, "BOT_HTTP_IDLE_SECONDS", "15"),
            http_request_seconds=_seconds(env, "BOT_HTTP_REQUEST_SECONDS", "120"),
        )


def _seconds(env: Mapping[str, str], name: str, default: str) -> float:
    """Return a duration in seconds from the environment, refusing anything but a positive number."""
    text = env.get(name) or default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise SettingsError(f"{name} must be a number of seconds, not {text!r}")
    return value
