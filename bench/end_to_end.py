"""End to end: the bot's real Application against a Bot API server on loopback, beside a bare echo bot.

Each bot runs in its own process, polling the same kind of server (bench.bot_api) that runs here with the
simulated people, so both are driven by the same load and timed by one clock: from the moment an update is
offered to the moment the reply's last message reaches the server. Our bot's reply to a turn can be several
messages; the turn counts as answered when the message carrying its buttons arrives.

Closed loop: each person sends their next message as soon as the reply comes (throughput). Open loop: 1,000
people together offer messages at random moments, 50 a second on average, whatever the replies (latency).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bot_api import TOKEN, LoadServer
from bench.people import JOURNEYS, ROUTING, Person, Step
from bot.settings import PROJECT_ROOT

BOTS = ("ours", "echo")
PEERS = ("ptb_peer", "aiogram_peer")  # walk only the routing journey: bench.peer_flow
REPLY_TIMEOUT = 30.0
FIRST_USER = 6_000_000_000


@dataclass(frozen=True)
class Result:
    """What one bot did under one load."""

    bot: str
    load: str
    people: int
    answered: int
    seconds: float
    latencies: tuple[float, ...]
    lost: int
    bot_cpu: float  # seconds of CPU the bot's process used while recording
    load_cpu: float  # and the process running the Bot API server and the people
    skipped: int = 0  # open loop: arrivals dropped because everyone was waiting for a reply

    @property
    def cpu_ms_per_reply(self) -> float:
        return self.bot_cpu / self.answered * 1000 if self.answered else 0.0

    @property
    def load_cpu_ms_per_reply(self) -> float:
        return self.load_cpu / self.answered * 1000 if self.answered else 0.0

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Return a latency percentile in milliseconds (0 when nothing was answered)."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=1000, method="inclusive")[int(share * 1000) - 1] * 1000


class Crowd:
    """The people talking to one bot, and the latencies of the replies they got while recording."""

    def __init__(self, count: int, buttons: bool, journeys: tuple[tuple[Step, ...], ...] = JOURNEYS) -> None:
        self.people = {FIRST_USER + i: Person(FIRST_USER + i, buttons, journeys) for i in range(count)}
        self.server = LoadServer(self._on_message)
        self.latencies: list[float] = []
        self.recording = False
        self.lost = 0
        self.skipped = 0  # open loop: moments when everyone was still waiting for a reply
        self.bot_pid = 0
        self.bot_cpu = 0.0
        self.load_cpu = 0.0
        self._started = 0.0

    def begin(self) -> None:
        """Start recording replies, and the bot's CPU time."""
        self.recording = True
        self.bot_cpu = -cpu_seconds(self.bot_pid)
        self.load_cpu = -time.process_time()
        self._started = time.perf_counter()

    def end(self) -> float:
        """Stop recording; return the seconds recorded."""
        self.recording = False
        self.bot_cpu += cpu_seconds(self.bot_pid)
        self.load_cpu += time.process_time()
        return time.perf_counter() - self._started

    def _on_message(self, chat_id: int, params: dict[str, Any]) -> None:
        person = self.people.get(chat_id)
        latency = person.receive(params) if person is not None else None
        if latency is not None and self.recording:
            self.latencies.append(latency)

    async def answered(self, person: Person) -> None:
        """Wait for the reply to the person's last message; a reply that never comes is counted as lost."""
        try:
            await asyncio.wait_for(person.replied.wait(), REPLY_TIMEOUT)
        except TimeoutError:
            self.lost += 1
            person.offered_at = 0.0


async def closed_loop(crowd: Crowd, warm_up: float, seconds: float) -> float:
    """Everyone sends their next message as soon as the reply comes; return the seconds recorded."""
    stopping = asyncio.Event()

    async def walk(person: Person) -> None:
        while not stopping.is_set():
            person.send_next(crowd.server)
            await crowd.answered(person)

    walkers = [asyncio.create_task(walk(p)) for p in crowd.people.values()]
    await _watch(walkers, warm_up)
    crowd.begin()
    await _watch(walkers, seconds)
    elapsed = crowd.end()
    stopping.set()
    await asyncio.gather(*walkers)
    return elapsed


async def open_loop(crowd: Crowd, rate: float, seconds: float, seed: int = 7) -> float:
    """Offer messages from idle people at random moments, ``rate`` a second; wait for the replies."""
    chance = random.Random(seed)
    people = list(crowd.people.values())
    waits: list[asyncio.Task[None]] = []
    crowd.begin()
    started = due = time.perf_counter()
    while due < started + seconds:
        due += chance.expovariate(rate)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        person = chance.choice(people)
        if person.waiting:  # a person waits for the reply before writing again: someone else writes
            idle = [p for p in people if not p.waiting]
            if not idle:
                crowd.skipped += 1
                continue
            person = chance.choice(idle)
        person.send_next(crowd.server)
        waits.append(asyncio.create_task(crowd.answered(person)))
    await asyncio.gather(*waits)
    return crowd.end()


async def every_journey_once(crowd: Crowd) -> float:
    """Walk each person through their first journey, one message at a time (checks the journeys still fit)."""
    crowd.begin()

    async def walk(person: Person) -> None:
        for _ in range(person.first_journey_steps):
            person.send_next(crowd.server)
            await crowd.answered(person)

    await asyncio.gather(*(walk(p) for p in crowd.people.values()))
    return crowd.end()


async def _watch(tasks: list[asyncio.Task[None]], seconds: float) -> None:
    """Sleep, but stop at once if a walker failed (a broken journey, say)."""
    done, _ = await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        task.result()


async def run(
    bot: str,
    people: int,
    load: Callable[[Crowd], Awaitable[float]],
    name: str,
    journeys: tuple[tuple[Step, ...], ...] = JOURNEYS,
) -> Result:
    """Start a server and the bot's process, run the load, and stop both."""
    crowd = Crowd(people, buttons=bot != "echo", journeys=journeys)
    await crowd.server.start()
    with tempfile.TemporaryDirectory() as directory:
        process = await _start_bot(bot, crowd.server, Path(directory))
        crowd.bot_pid = process.pid
        try:
            await _ready(crowd.server, process, Path(directory))
            seconds = await load(crowd)
        finally:
            crowd.server.release()
            await _stop_bot(process)
            await crowd.server.stop()
    latencies = tuple(crowd.latencies)
    return Result(
        bot, name, people, len(latencies), seconds, latencies, crowd.lost, crowd.bot_cpu, crowd.load_cpu, crowd.skipped
    )


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user and system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _start_bot(bot: str, server: LoadServer, directory: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_DATA_DIR": str(directory / "data"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "BOT_LOG_LEVEL": "WARNING",
    }
    log = (directory / "bot.log").open("w")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"bench.serve_{bot}",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=log if bot != "timed" else None,
    )


async def _ready(server: LoadServer, process: asyncio.subprocess.Process, directory: Path) -> None:
    """Wait for the bot's first getUpdates; fail with its log if it stops first."""
    exited = asyncio.create_task(process.wait())
    polled = asyncio.create_task(server.polled.wait())
    await asyncio.wait([exited, polled], timeout=60, return_when=asyncio.FIRST_COMPLETED)
    polled.cancel()
    exited.cancel()
    if not server.polled.is_set():
        raise RuntimeError(f"the bot did not start:\n{(directory / 'bot.log').read_text()[-3000:]}")


async def _stop_bot(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def measure(
    bots: tuple[str, ...] = BOTS,
    sizes: tuple[int, ...] = (1, 100, 1000),
    seconds: float = 10.0,
    warm_up: float = 2.0,
    open_people: int = 1000,
    rate: float = 50.0,
    open_seconds: float = 30.0,
    journeys: tuple[tuple[Step, ...], ...] = JOURNEYS,
) -> list[Result]:
    """Run each bot under each closed-loop size, then under the open loop."""
    results = []
    for people in sizes:
        for bot in bots:
            closed = await run(bot, people, lambda crowd: closed_loop(crowd, warm_up, seconds), "closed", journeys)
            results.append(closed)
    for bot in bots if open_seconds > 0 else ():
        results.append(
            await run(bot, open_people, lambda crowd: open_loop(crowd, rate, open_seconds), "open", journeys)
        )
    return results


def report(results: list[Result]) -> list[str]:
    """Return the table's lines: each load and size, each bot, and ours against each other bot."""
    lines = ["load        people  bot           replies/s   p50 ms   p99 ms  lost  CPU ms/reply: bot  load  ours/this"]
    by_key = {(r.load, r.people, r.bot): r for r in results}
    for result in results:
        ours = by_key.get((result.load, result.people, "ours"))
        ratio = ""
        if result.bot != "ours" and ours is not None and result.per_second:
            ratio = f"{ours.per_second / result.per_second:.2f}"
        lines.append(
            f"{result.load:<10} {result.people:>7}  {result.bot:<12} {result.per_second:>10.1f} "
            f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f} {result.lost:>5} "
            f"{result.cpu_ms_per_reply:>18.2f} {result.load_cpu_ms_per_reply:>5.2f}  {ratio}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Print the end-to-end table."""
    parser = argparse.ArgumentParser(prog="python -m bench.end_to_end", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="recorded seconds of each closed-loop run")
    parser.add_argument(
        "--open-seconds", type=float, default=30.0, help="seconds of offering in the open loop (0: skip it)"
    )
    parser.add_argument("--people", default="1,100,1000", help="closed-loop sizes, comma-separated")
    parser.add_argument(
        "--bots", default=",".join(BOTS), help=f"which bots to run, of {', '.join(BOTS + PEERS)} (peers: --routing)"
    )
    parser.add_argument("--routing", action="store_true", help="everyone walks only the routing journey")
    args = parser.parse_args(argv)
    sizes = tuple(int(size) for size in args.people.split(","))
    known = BOTS + PEERS if args.routing else BOTS
    bots = tuple(bot for bot in args.bots.split(",") if bot in known)
    journeys = ROUTING if args.routing else JOURNEYS
    results = asyncio.run(measure(bots, sizes, args.seconds, open_seconds=args.open_seconds, journeys=journeys))
    print("end to end (replies a second; latency from update offered to reply received):")
    for line in report(results):
        print("  " + line)
    for result in results:
        if result.skipped:
            print(f"  ({result.bot}, {result.load}: {result.skipped} arrivals skipped, everyone was waiting)")


if __name__ == "__main__":
    main()
