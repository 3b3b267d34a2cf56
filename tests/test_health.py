"""`python -m bot health` says whether the running bot works: from its heartbeat, or its webhook server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from bot.fatal import Exit
from bot.health import HEARTBEAT_FILE
from bot.platforms.telegram.runner import stop
from bot.settings import PROJECT_ROOT
from tests.telegram_harness import Running


def health(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def env_of(running: Running) -> dict[str, str]:
    return {
        "BOT_DATA_DIR": str(running.settings.data_dir),
        "TELEGRAM_BOT_TOKEN": running.fake.token,
        "TELEGRAM_API_BASE_URL": running.fake.base_url,
    }


async def test_healthy_while_polling_then_not_when_stale_or_stopped(running: Running) -> None:
    heartbeat = running.settings.data_dir / HEARTBEAT_FILE
    await running.fake.wait_for(heartbeat.exists)
    result = await asyncio.to_thread(health, env_of(running))
    assert result.returncode == Exit.OK and result.stdout.startswith("ok: polling succeeded"), result.stderr
    running.fake.fail_next("getUpdates", times=10**6, status=502, retry_after=None)
    calls = len(running.fake.calls_of("getUpdates"))
    await running.fake.wait_for(lambda: len(running.fake.calls_of("getUpdates")) > calls + 1)
    past = time.time() - 600  # as if polling had failed for ten minutes
    os.utime(heartbeat, (past, past))
    result = await asyncio.to_thread(health, env_of(running))
    assert result.returncode == Exit.UNHEALTHY
    assert result.stderr.startswith("unhealthy: polling last succeeded 6")  # 600 s and the time to start
    running.fake.faults.clear()
    await running.fake.wait_for(lambda: heartbeat.stat().st_mtime > past)  # it recovers, and says so
    await stop(running.app)
    assert not heartbeat.exists()
    result = await asyncio.to_thread(health, env_of(running))
    assert result.returncode == Exit.UNHEALTHY and result.stderr.startswith("unhealthy: no heartbeat")
