"""Time from process start to ready (flows loaded and validated, store open), and idle memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from bot.settings import PROJECT_ROOT

RUNS = 5


def once(data_dir: str) -> tuple[float, float]:
    """Start a process that opens the bot as it starts; return (seconds to ready, idle RSS in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.ready"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "BOT_DATA_DIR": data_dir, "TELEGRAM_BOT_TOKEN": "123:bench"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdin.write("\n")
    process.stdin.flush()
    process.wait(timeout=30)
    return elapsed, float(line.split()[1])


def main() -> None:
    """Print start-up time and idle RSS (medians)."""
    with tempfile.TemporaryDirectory() as directory:
        once(directory)  # the first start creates the keys and the database
        once(directory)  # the second learns the understanding and caches it (the first had no key to sign with)
        results = [once(directory) for _ in range(RUNS)]
    seconds = statistics.median(r[0] for r in results)
    memory = statistics.median(r[1] for r in results)
    print(f"start-up: {seconds:.2f} s to ready (median of {RUNS}); idle RSS {memory:.1f} MB")


if __name__ == "__main__":
    main()
