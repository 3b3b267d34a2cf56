"""The web chat over loopback HTTP: button presses a second and their latency, memory a session, a return code.

``python -m bench.web [--people N] [--turns N]``
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.platforms.web import codes
from bot.platforms.web.app import COOKIE, WebChat
from bot.service import ChatService
from bot.settings import Settings

BUTTON = re.compile(r'name="b" value="(\d+)">([^<]+)<')
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
SCREEN = re.compile(r'name="screen" value="(\d+)"')
JOURNEY = ("Who can help me", "Yes, Nottinghamshire", "A stranger", "Women&#39;s helpline", "Main menu")


async def visitor(base: str, turns: int, latencies: list[float]) -> None:
    """Press through the routing journey again and again, as a browser without JavaScript would."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        response = await http.get(f"{base}/?fresh")  # as a browser arrives after its one step through the site
        cookie, page = response.cookies[COOKIE].value, await response.text()
        for turn in range(turns):
            buttons = dict((label, index) for index, label in BUTTON.findall(page))
            label = JOURNEY[turn % len(JOURNEY)]
            form = {"csrf": TOKEN.findall(page)[0], "screen": SCREEN.findall(page)[0], "b": buttons.get(label, "0")}
            started = time.perf_counter()
            async with http.post(f"{base}/choose", data=form, headers={"Cookie": f"{COOKIE}={cookie}"}) as posted:
                page = await posted.text()
            latencies.append(time.perf_counter() - started)


async def measure(people: int, turns: int) -> dict[str, float]:
    """Serve the chat on loopback and return presses a second, latency percentiles and memory a session."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"BOT_DATA_DIR": str(Path(folder) / "data")})
        service = await ChatService.open(settings)
        chat = WebChat(settings, service)
        runner = web.AppRunner(chat.build(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        latencies: list[float] = []
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        await asyncio.gather(*(visitor(base, turns, latencies) for _ in range(people)))
        elapsed = time.perf_counter() - started
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        await runner.cleanup()
        await service.close()
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "presses_per_second": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "kb_per_session": grown / people,  # the peak grew by this much (client included): an upper bound
    }


def code_seconds(tries: int = 5) -> float:
    """Return the seconds one return-code try costs the server (scrypt)."""
    started = time.perf_counter()
    for _ in range(tries):
        asyncio.run(codes.stretch("acid acorn acre also amuse", b"p" * 32))
    return (time.perf_counter() - started) / tries


def main(argv: list[str] | None = None) -> None:
    """Print the web chat's figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.people, args.turns))
    print(
        f"web chat: {args.people} people pressing buttons without JavaScript: "
        f"{figures['presses_per_second']:,.0f} presses/s (each a POST and the page it redirects to), "
        f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms; "
        f"peak memory grew {figures['kb_per_session']:,.0f} KB a session; "
        f"a return-code try {code_seconds() * 1000:.0f} ms of scrypt"
    )


if __name__ == "__main__":
    main()
