"""Command line: run the bot, check the flows, draw them, or explain how a message is understood."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from bot.diagnostics import InvalidFlows
from bot.graph import write_diagrams
from bot.logs import setup_logging
from bot.program import Program, check, load_program
from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings, SettingsError
from bot.terminal import run_terminal


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in argv and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "check", "graph", "explain"],
        help="run the bot (the default), check the flows and content, draw the flows into docs/flows/, "
        'or explain how a typed message is understood: explain "TEXT"',
    )
    parser.add_argument("text", nargs="*", help="with explain: the message")
    args = parser.parse_args(argv)
    os.umask(0o077)  # the database, its WAL and the keys are for this user only
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration problem: {error}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, [settings.telegram_token or "", settings.webhook_secret or ""])
    if args.command == "check":
        return check_command(settings)
    if args.command == "graph":
        return graph_command(settings)
    if args.command == "explain":
        return explain_command(settings, " ".join(args.text))
    return run_command(settings)


def check_command(settings: Settings) -> int:
    """Print every problem in the flows and content; exit 1 when there is any."""
    program, problems = check(settings.flows_dir, settings.content_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    nodes = len(program.flows.nodes)
    print(
        f"OK: {len(program.flows.flows)} flows, {nodes} nodes, "
        f"{len(program.content.helplines)} helplines, {len(program.content.templates.sources)} templates."
    )
    return 0


def graph_command(settings: Settings) -> int:
    """Write a Mermaid diagram of each flow into docs/flows/."""
    program, problems = check(settings.flows_dir, settings.content_dir)
    if problems:
        return check_command(settings)
    for path in write_diagrams(program, PROJECT_ROOT / "docs" / "flows"):
        print(path)
    return 0


def explain_command(settings: Settings, text: str) -> int:
    """Print how a typed message is understood: the decision, then what matched and where it is written."""
    program, problems = check(settings.flows_dir, settings.content_dir)
    if problems:
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


def run_command(settings: Settings) -> int:
    """Start the bot (Telegram with a token, else the terminal); refuse to start on invalid flows, saying why."""
    try:
        program = load_program(settings.flows_dir, settings.content_dir)
        if settings.telegram_token:
            return asyncio.run(_run_telegram(settings, program))
        return asyncio.run(_run_terminal(settings, program))
    except InvalidFlows as error:
        print("The bot will not start: the flows have problems.", file=sys.stderr)
        for problem in error.diagnostics:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _run_terminal(settings: Settings, program: Program) -> int:
    service = await ChatService.open(settings, program)
    try:
        await run_terminal(service)
    finally:
        await service.close()
    return 0


async def _run_telegram(settings: Settings, program: Program) -> int:
    from bot.tg.app import TelegramBot  # only load python-telegram-bot when it is used
    from bot.tg.runner import serve

    mode = "webhook" if settings.webhook_url else "long polling"
    logging.getLogger(__name__).info("starting on Telegram (%s)", mode)
    await serve(TelegramBot(settings, program).build(), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
