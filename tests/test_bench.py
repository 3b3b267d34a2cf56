"""The benchmarks still run (on tiny inputs here; the figures come from ``python -m bench``)."""

from __future__ import annotations

import tempfile

from bench import engine, memory, startup, store_scale
from bench.export import measure
from bot.program import Program


async def test_the_export_benchmark_runs() -> None:
    result = await measure(count=3, runs=1)
    assert result["pdf_bytes"] > 1000 and result["csv_bytes"] > 100 and result["seconds"] > 0


def test_the_engine_benchmark_runs(program: Program) -> None:
    assert engine.walk(program, 50) > 0 and engine.render_cost(program, 5) > 0


async def test_the_memory_benchmark_runs() -> None:
    before, after = await memory.growth(people=5)
    assert before > 10 and after > 10


def test_the_start_up_benchmark_runs() -> None:
    with tempfile.TemporaryDirectory() as directory:
        seconds, rss = startup.once(directory)
    assert seconds > 0 and rss > 10


async def test_the_store_scale_benchmark_runs() -> None:
    empty, full = await store_scale.measure(people=20, notes=50, turns=5)
    assert empty > 0 and full > 0
