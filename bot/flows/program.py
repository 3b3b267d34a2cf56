"""Flows and content loaded and checked into the program the engine runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.engine.diagnostics import Diagnostic, InvalidFlows
from bot.engine.platform import Capabilities
from bot.engine.program import Program
from bot.engine.understanding import Understanding
from bot.flows.content import load_content
from bot.flows.learned_cache import LearnedCache, learn_apart
from bot.flows.lexicon_checks import check_lexicon
from bot.flows.loader import load_flows
from bot.flows.provenance_checks import check_sources
from bot.flows.screen_checks import check_screens
from bot.flows.validator import slot_names, validate


def check(
    flows_dir: Path,
    content_dir: Path,
    held_out: bool = True,
    platforms: Sequence[Capabilities] = (),
    cache: LearnedCache | None = None,
    apart: bool = False,
) -> tuple[Program, list[Diagnostic]]:
    """Load and validate flows and content; return the program and every problem found.

    ``held_out``: also check the held-out messages (not used to run the bot, so not read when it starts).
    ``platforms``: also check that every screen and each platform's own templates suit these platforms.
    ``cache``: take the understanding from it when it holds one learned from these files; else keep it there.
    ``apart``: learn in a child process, so what learning imports does not stay in this one (the bot's start).
    """
    flows, flow_problems = load_flows(flows_dir)
    lexicon_dir = content_dir / "understanding"
    cached = cache.load(lexicon_dir) if cache is not None else None
    learnt = learn_apart(lexicon_dir) if apart and cached is None else None
    given = cached or (learnt[0] if learnt else None)  # its lexicon is the one it learned from
    content, content_problems = load_content(content_dir, given.lexicon if given else None)
    problems = [*flow_problems, *content_problems, *validate(flows, content, flows_dir, platforms)]
    whole = not problems  # screens are shown only from flows and content that hold together
    understanding = given or Understanding(content.lexicon)
    problems.extend(check_lexicon(content, flows, understanding, held_out, alone=cached is None))
    problems.extend(check_sources(flows, content))
    slots = slot_names(flows) | frozenset(content.lexicon.slots)
    program = Program(flows, content, slots, flows.command_flows(), understanding)
    if whole:
        problems.extend(check_screens(program, platforms))
    if cache is not None and cached is None:
        _keep(cache, lexicon_dir, understanding, problems, learnt[1] if learnt else None)
    return program, sorted(set(problems))


def _keep(
    cache: LearnedCache, directory: Path, understanding: Understanding, problems: list[Diagnostic], seen: bytes | None
) -> None:
    """Cache what was learned unless the lexicon has problems of its own (a cached one is not checked alone)."""
    if not any(Path(p.source.path).is_relative_to(directory) for p in problems):
        cache.save(directory, understanding, seen)


def load_program(
    flows_dir: Path,
    content_dir: Path,
    platforms: Sequence[Capabilities] = (),
    cache: LearnedCache | None = None,
    apart: bool = False,
) -> Program:
    """Load a program for these platforms, raising InvalidFlows with every problem when there is any."""
    program, problems = check(flows_dir, content_dir, held_out=False, platforms=platforms, cache=cache, apart=apart)
    if any(not p.warning for p in problems):
        raise InvalidFlows(problems)
    return program
