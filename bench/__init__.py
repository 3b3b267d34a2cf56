"""Benchmarks: run them all with ``python -m bench``; each module measures one thing."""
