"""Command line: chat in the terminal or on Telegram, check, draw or explain the flows, check health, rotate keys."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path

from bot import health
from bot.engine.diagnostics import InvalidFlows
from bot.engine.program import Program
from bot.fatal import Exit, classify
from bot.flows.graph import write_diagrams
from bot.flows.program import check, load_program
from bot.logs import redact, setup_logging
from bot.platforms import declared
from bot.platforms.terminal.chat import run_terminal
from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings, SettingsError
from bot.store.keys import learned_cache, rotate
from bot.store.sqlite import Store

log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in argv and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="terminal",
        choices=[*PLATFORMS, "check", "graph", "review", "explain", "keys", "health"],
        help="chat in the terminal (the default), run the bot on Telegram (needs TELEGRAM_BOT_TOKEN), "
        "serve the web chat (web), "
        "check the flows and content, draw the flows into docs/flows/, "
        "write the review book (every screen with its sources) as HTML and PDF: review [FOLDER], "
        'explain how a typed message is understood: explain "TEXT", '
        "'keys rotate': re-wrap every data key under a new master key (stop the bot first), "
        "or health: exit 0 only if the running bot polled recently (or its webhook server answers)",
    )
    parser.add_argument(
        "words", nargs="*", help="with explain: the message; with keys: rotate; with review: the folder (build/review)"
    )
    args = parser.parse_args(argv)
    os.umask(0o077)  # the database, its WAL and the keys are for this user only
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: configuration: {error}", file=sys.stderr)
        return Exit.CONFIG
    setup_logging(settings.log_level, secrets_of(settings))
    if args.command == "check":
        return check_command(settings)
    if args.command == "graph":
        return graph_command(settings)
    if args.command == "review":
        return review_command(settings, args.words)
    if args.command == "explain":
        return explain_command(settings, " ".join(args.words))
    if args.command == "health":
        working, line = health.check(settings)
        print(line, file=sys.stdout if working else sys.stderr)
        return Exit.OK if working else Exit.UNHEALTHY
    if args.command == "keys":
        if args.words != ["rotate"]:
            parser.error("keys needs an action: python -m bot keys rotate")
        return keys_command(settings)
    return run_command(settings, args.command)


def check_command(settings: Settings) -> int:
    """Print every problem in the flows and content; exit 1 when there is any."""
    program, problems = check(settings.flows_dir, settings.content_dir, platforms=declared())
    for problem in problems:
        print(problem)
    errors = [p for p in problems if not p.warning]
    if errors:
        print(f"{len(errors)} problem(s) found.", file=sys.stderr)
        return 1
    nodes = len(program.flows.nodes)
    print(
        f"OK: {len(program.flows.flows)} flows, {nodes} nodes, "
        f"{len(program.content.helplines)} helplines, {len(program.content.templates.sources)} templates."
    )
    return 0


def graph_command(settings: Settings) -> int:
    """Write a Mermaid diagram of each flow into docs/flows/."""
    program, problems = check(settings.flows_dir, settings.content_dir, platforms=declared())
    if any(not p.warning for p in problems):
        return check_command(settings)
    for path in write_diagrams(program, PROJECT_ROOT / "docs" / "flows"):
        print(path)
    return 0


def review_command(settings: Settings, words: Sequence[str]) -> int:
    """Write the review book for safeguarding staff: one HTML file and a PDF."""
    program, problems = check(settings.flows_dir, settings.content_dir, platforms=declared())
    if any(not p.warning for p in problems):
        return check_command(settings)
    from bot.review.book import write_book  # fpdf2 and the book's writers, only for this command

    for path in write_book(program, Path(words[0]) if words else PROJECT_ROOT / "build" / "review"):
        print(path)
    return 0


def keys_command(settings: Settings) -> int:
    """Rotate the master key in one transaction, saying what was done, or why not."""

    async def rotate_keys() -> str:
        store = await Store.open(settings.data_dir)
        try:
            return await rotate(settings, store)
        finally:
            await store.close()

    try:
        print(asyncio.run(rotate_keys()))
    except Exception as error:
        return fail(error, settings)
    return Exit.OK


def explain_command(settings: Settings, text: str) -> int:
    """Print how a typed message is understood: the decision, then what matched and where it is written."""
    program, problems = check(settings.flows_dir, settings.content_dir, platforms=declared())
    if any(not p.warning for p in problems):
        return check_command(settings)
    reading = program.understanding.read(text)
    if reading.danger:
        decision = f"danger now ({reading.danger}) -> {reading.danger_go or program.flows.flows['danger'].start_node}"
    elif reading.go:
        decision = f"intent {reading.intent} -> {reading.go}"
    elif reading.guesses:
        decision = f"unsure: Did you mean {', '.join(reading.guesses)}"
    else:
        decision = "not understood: the screen's options are offered again"
    print(decision)
    for line in reading.because:
        print(f"  {line}")
    return 0


def run_command(settings: Settings, platform: str) -> int:
    """Start the bot on one platform; refuse to start without what it needs, or on invalid flows, saying why."""
    if platform == "telegram" and not settings.telegram_token:
        print("error: configuration: TELEGRAM_BOT_TOKEN is not set (python -m bot telegram needs it)", file=sys.stderr)
        return Exit.CONFIG
    try:
        program = load_program(
            settings.flows_dir, settings.content_dir, declared(), learned_cache(settings), apart=True
        )
        return asyncio.run(PLATFORMS[platform](settings, program))
    except InvalidFlows as error:
        print("The bot will not start: the flows have problems.", file=sys.stderr)
        for problem in error.diagnostics:
            print(problem, file=sys.stderr)
        return Exit.FLOWS
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except Exception as error:
        return fail(error, settings)


def fail(error: BaseException, settings: Settings) -> int:
    """Print one line saying why the process cannot work (the traceback only at DEBUG); return its status."""
    fatal = classify(error)
    log.debug("the traceback of the error below", exc_info=error)
    print(f"error: {redact(fatal.reason, secrets_of(settings))}", file=sys.stderr)
    return int(fatal.code)


def secrets_of(settings: Settings) -> list[str]:
    """Return the settings that must never appear in output."""
    values = (settings.telegram_token, settings.webhook_secret, settings.master_key, settings.new_master_key)
    return [s for s in values if s]


async def _run_terminal(settings: Settings, program: Program) -> int:
    service = await ChatService.open(settings, program)
    try:
        await run_terminal(service)
    finally:
        await service.close()
    return 0


async def _run_telegram(settings: Settings, program: Program) -> int:
    from bot.platforms.telegram.app import TelegramBot  # only load python-telegram-bot when it is used
    from bot.platforms.telegram.runner import serve

    mode = "webhook" if settings.webhook_url else "long polling"
    log.info("starting on Telegram (%s)", mode)
    await serve(TelegramBot(settings, program).build(), settings)
    return 0


async def _run_web(settings: Settings, program: Program) -> int:
    from bot.platforms.web.server import serve_web  # only load the web chat when it is used

    await serve_web(settings, program)
    return 0


PLATFORMS: dict[str, Callable[[Settings, Program], Coroutine[None, None, int]]] = {
    "terminal": _run_terminal,
    "telegram": _run_telegram,
    "web": _run_web,
}

if __name__ == "__main__":
    sys.exit(main())
