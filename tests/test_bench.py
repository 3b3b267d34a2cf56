"""The benchmarks still run (on tiny inputs here; the figures come from ``python -m bench``)."""

from __future__ import annotations

import tempfile

import pytest

from bench import end_to_end, engine, memory, startup, store_scale
from bench.export import measure
from bench.people import JOURNEYS, ROUTING
from bot.engine.program import Program


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


async def test_every_journey_still_fits_the_flows() -> None:
    result = await end_to_end.run("ours", len(JOURNEYS), end_to_end.every_journey_once, "journeys")
    steps = sum(1 + len(journey) for journey in JOURNEYS)
    assert (result.answered, result.lost) == (steps, 0)


async def test_the_end_to_end_benchmark_runs_both_bots() -> None:
    results = await end_to_end.measure(sizes=(2,), seconds=0.5, warm_up=0.2, open_people=5, rate=10, open_seconds=0.5)
    assert [(r.load, r.bot) for r in results] == [
        ("closed", "ours"),
        ("closed", "echo"),
        ("open", "ours"),
        ("open", "echo"),
    ]
    assert all(r.answered > 0 and r.lost == 0 and r.percentile(0.99) >= r.percentile(0.5) > 0 for r in results)
    table = end_to_end.report(results)
    assert len(table) == 5 and table[2].split()[-1] == f"{results[0].per_second / results[1].per_second:.2f}"


@pytest.mark.parametrize("peer", end_to_end.PEERS)
async def test_the_peer_bots_walk_the_routing_journey(peer: str) -> None:
    result = await end_to_end.run(peer, 2, end_to_end.every_journey_once, "journeys", ROUTING)
    assert (result.answered, result.lost) == (2 * (1 + len(ROUTING[0])), 0)


async def test_the_isolation_benchmark_runs() -> None:
    from bench import isolation

    figures = await isolation.latency(exporters=1, notes=2, baseline_turns=4)
    assert figures["alone_p99"] > 0 and figures["during_p99"] > 0 and figures["export_seconds"] > 0


def test_the_export_memory_benchmark_runs() -> None:
    from bench import isolation

    seconds, own, worker = isolation.memory(notes=3, pictures=1)
    assert seconds > 0 and own > 10 and worker > 10


def test_the_understanding_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import understanding

    understanding.main(["--limit", "40"])
    out = capsys.readouterr().out
    assert "danger recall: " in out and "| both, as shipped |" in out
