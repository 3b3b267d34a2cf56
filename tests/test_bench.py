"""The benchmarks still run (on a tiny log here; the figures come from ``python -m bench``)."""

from __future__ import annotations

from bench.export import measure


async def test_the_export_benchmark_runs() -> None:
    result = await measure(count=3, runs=1)
    assert result["pdf_bytes"] > 1000 and result["csv_bytes"] > 100 and result["seconds"] > 0
