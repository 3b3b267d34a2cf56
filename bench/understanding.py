"""Understanding typed text on the held-out messages: danger recall and false alarms, intent accuracy per
intent, the confusions, what it costs, and how the techniques compare. ``python -m bench.understanding``."""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections import Counter
from dataclasses import replace

from bot.engine.diagnostics import Diagnostic
from bot.engine.lexicon import Example, Lexicon
from bot.engine.understanding import Understanding
from bot.flows.lexicon_files import load_examples, load_lexicon
from bot.settings import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content" / "understanding"


def held_out(understanding: Understanding, limit: int | None = None) -> list[Example]:
    """Return the held-out messages not written exactly as a training example (those are looked up)."""
    problems: list[Diagnostic] = []
    learned = {understanding.normalise(e.text) for e in understanding.lexicon.examples}
    found = [e for e in load_examples(CONTENT / "heldout", problems) if understanding.normalise(e.text) not in learned]
    return found[:limit]


def figures(understanding: Understanding, examples: list[Example]) -> dict[str, float]:
    """Return danger recall, false alarms and intent accuracy on labelled messages."""
    readings = [(e, understanding.read(e.text)) for e in examples]
    danger = [r.danger is not None for e, r in readings if e.danger]
    alarms = [r.danger is not None for e, r in readings if not e.danger]
    intents = [r.intent == e.intent for e, r in readings if e.intent and not e.danger]
    return {
        "danger recall": sum(danger) / max(len(danger), 1),
        "false alarms": sum(alarms) / max(len(alarms), 1),
        "intent accuracy": sum(intents) / max(len(intents), 1),
    }


def per_intent(understanding: Understanding, examples: list[Example]) -> tuple[list[str], Counter[tuple[str, str]]]:
    """Print precision and recall per intent; return the table's rows and the confusions (true, read)."""
    pairs = [(e.intent, understanding.read(e.text).intent or "(unsure)") for e in examples if e.intent and not e.danger]
    confusions: Counter[tuple[str, str]] = Counter((t, p) for t, p in pairs if t != p)
    rows = ["| intent | messages | precision | recall |", "| --- | --- | --- | --- |"]
    for name in sorted({t for t, _ in pairs}):
        said = [p for t, p in pairs if t == name]
        read = [t for t, p in pairs if p == name]
        precision = read.count(name) / len(read) if read else 0.0
        rows.append(f"| {name} | {len(said)} | {precision:.2f} | {said.count(name) / len(said):.2f} |")
    return rows, confusions


def per_kind(understanding: Understanding, examples: list[Example]) -> list[str]:
    """Return a table of danger recall per kind: reaching any emergency screen counts, as in the figures."""
    pairs = [(e.danger, understanding.read(e.text).danger) for e in examples if e.danger]
    rows = ["| danger kind | messages | recall | read as this kind |", "| --- | --- | --- | --- |"]
    for name in sorted({t for t, _ in pairs}):
        read = [p for t, p in pairs if t == name]
        reached = sum(p is not None for p in read) / len(read)
        rows.append(f"| {name} | {len(read)} | {reached:.2f} | {read.count(name) / len(read):.2f} |")
    return rows


def cost(understanding: Understanding, examples: list[Example]) -> dict[str, float]:
    """Return the time (s) and memory (MB, tracemalloc) to load the lexicon and restore what was learned,
    as a start from the cache does, and CPU time per message (ms, median of five passes)."""
    tables = understanding.tables()
    tracemalloc.start()
    started = time.perf_counter()
    lexicon, _ = load_lexicon(CONTENT)
    restored = Understanding(lexicon, tables)
    built = time.perf_counter() - started
    grown = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    texts = [e.text for e in examples]
    passes = []
    for round_ in range(5):
        began = time.process_time()
        for text in texts:
            restored.read(f"{text} {round_}")  # a new text each pass: nothing cached
        passes.append((time.process_time() - began) / len(texts) * 1000)
    return {"load and restore (s)": built, "memory (MB)": grown, "ms a message": statistics.median(passes)}


def techniques(lexicon: Lexicon, examples: list[Example]) -> list[str]:
    """Compare phrases alone, the learned models alone, learning without development/, and both as shipped."""
    no_phrases = {name: replace(topic, phrases=()) for name, topic in lexicon.intents.items()}
    setups = {
        "phrases and rules only (no examples)": replace(lexicon, examples=(), development=()),
        "learned models only (no intent phrases)": replace(lexicon, intents=no_phrases),
        "both, the linear models learning from examples/ only": replace(lexicon, development=()),
        "both, as shipped": lexicon,
    }
    rows = ["| technique | danger recall | false alarms | intent accuracy |", "| --- | --- | --- | --- |"]
    for name, setup in setups.items():
        found = figures(Understanding(setup), examples)
        rows.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in found.values()) + " |")
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print every figure as Markdown, ready for BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.understanding")
    parser.add_argument("--limit", type=int, default=None, help="only the first N held-out messages (for a smoke test)")
    args = parser.parse_args(argv)
    lexicon, _ = load_lexicon(CONTENT)
    understanding = Understanding(lexicon)
    examples = held_out(understanding, args.limit)
    print(f"held-out messages (not identical to a training example): {len(examples)}")
    for name, value in figures(understanding, examples).items():
        print(f"{name}: {value:.3f}")
    for name, value in cost(understanding, examples).items():
        print(f"{name}: {value:.3f}")
    problems: list[Diagnostic] = []
    development = load_examples(CONTENT / "development", problems)[: args.limit]
    print(f"\ndevelopment set (read, and learned by the linear models: not a fair measure): {len(development)}")
    for name, value in figures(understanding, development).items():
        print(f"{name}: {value:.3f}")
    print("\n".join(["", *per_kind(understanding, examples)]))
    rows, confusions = per_intent(understanding, examples)
    print("\n".join(["", *rows, "", "Confusions (intended -> read as: messages):"]))
    print("; ".join(f"{t} -> {p}: {n}" for (t, p), n in confusions.most_common()))
    print("\n".join(["", *techniques(lexicon, examples)]))


if __name__ == "__main__":
    main()
