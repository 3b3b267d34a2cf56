"""Whether the bot is working: a heartbeat file written after every successful poll, and the check of it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from bot.settings import Settings

HEARTBEAT_FILE = "heartbeat"


class Heartbeat:
    """A file whose modification time says when polling last succeeded; removed when polling stops."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / HEARTBEAT_FILE

    def beat(self) -> None:
        """Record that polling just succeeded."""
        self.path.touch(mode=0o600)

    def stop(self) -> None:
        """Remove the heartbeat: a bot that stopped is not working."""
        self.path.unlink(missing_ok=True)


def check(settings: Settings) -> tuple[bool, str]:
    """Return whether the bot is working, and a line saying why or why not."""
    if not settings.telegram_token:
        return True, "ok: terminal mode, nothing to watch"
    if settings.webhook_url:
        return asyncio.run(_webhook_answers(settings))
    try:
        age = time.time() - (settings.data_dir / HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return False, "unhealthy: no heartbeat (not started, stopped, or never polled successfully)"
    if age > settings.health_max_age:
        return False, f"unhealthy: polling last succeeded {age:.0f} s ago (limit {settings.health_max_age:.0f} s)"
    return True, f"ok: polling succeeded {age:.0f} s ago"


async def _webhook_answers(settings: Settings) -> tuple[bool, str]:
    host = "127.0.0.1" if settings.webhook_listen in ("0.0.0.0", "::", "") else settings.webhook_listen
    url = f"http://{host}:{settings.webhook_port}/healthz"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session, session.get(url) as answer:
            if answer.status == 200:
                return True, "ok: the webhook server answers"
            return False, f"unhealthy: the webhook server answered {answer.status}"
    except (aiohttp.ClientError, TimeoutError) as error:
        return False, f"unhealthy: the webhook server does not answer ({type(error).__name__})"
