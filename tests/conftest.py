"""Shared fixtures: the shipped program, a temporary data directory, and small inline projects."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.engine.program import Program
from bot.flows.program import load_program
from bot.platforms.telegram.app import TelegramBot
from bot.platforms.telegram.runner import start, stop
from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import Running, make_settings

FLOWS = PROJECT_ROOT / "flows"
CONTENT = PROJECT_ROOT / "content"

MINIMAL_FLOWS = {
    "start.yaml": """
        flow: start
        start: welcome
        nodes:
          welcome:
            say: t.welcome
            next: menu.main
        """,
    "menu.yaml": """
        flow: menu
        start: main
        nodes:
          main:
            say: t.menu
            options:
              - label: t.go_help
                go: help.about
        """,
    "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            end: true
        """,
    "danger.yaml": """
        flow: danger
        start: now
        nodes:
          now:
            say: t.danger
            helplines: [police_emergency]
            end: true
        """,
}

# A small danger lexicon for inline projects: their flows have only the danger flow's first screen.
MINIMAL_DANGER = """
kinds:
  nearby:
    phrases: [he is here, outside my door]
  attack:
    phrases: [help me now, danger, "999"]
not_now:
  negations: [not, no]
  past: [yesterday, last week]
  hypothetical: [what if]
  present: [now]
"""

NO_SOURCE = ", source: none, why: a test}"
MINIMAL_TEMPLATES = {
    "t.welcome": '{text: "Hello."' + NO_SOURCE,
    "t.menu": "Menu.",
    "t.go_help": "Help",
    "t.help": '{text: "Help text."' + NO_SOURCE,
    "t.danger": '{text: "Here is what to do now, one step at a time, when you are ready. '
    + "Call {{ number('police_emergency') }}.\""
    + NO_SOURCE,
}


@pytest.fixture(scope="session")
def program() -> Program:
    """Return the shipped flows and content, validated."""
    return load_program(FLOWS, CONTENT)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings for the shipped flows with a fresh data directory."""
    return Settings.from_env({"BOT_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
async def service(settings: Settings, program: Program) -> AsyncIterator[ChatService]:
    """Open a chat service for the shipped flows on real SQLite files in a temporary directory."""
    opened = await ChatService.open(settings, program)
    yield opened
    await opened.close()


ProjectMaker = Callable[..., tuple[Path, Path]]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectMaker:
    """Write a small flows and content project; extra flows and templates are merged in."""

    def make(
        flows: dict[str, str] | None = None,
        templates: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
        intents: str = "{}",
    ) -> tuple[Path, Path]:
        flows_dir, content_dir = tmp_path / "flows", tmp_path / "content"
        flows_dir.mkdir(exist_ok=True)
        (content_dir / "templates").mkdir(parents=True, exist_ok=True)
        (content_dir / "understanding").mkdir(exist_ok=True)
        shutil.copy(CONTENT / "understanding" / "words.yaml", content_dir / "understanding" / "words.yaml")
        (content_dir / "understanding" / "danger.yaml").write_text(MINIMAL_DANGER, encoding="utf-8")
        (content_dir / "understanding" / "intents.yaml").write_text(textwrap.dedent(intents), encoding="utf-8")
        for name, text in {**MINIMAL_FLOWS, **(flows or {})}.items():
            if name not in drop:
                (flows_dir / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        shutil.copy(CONTENT / "helplines.yaml", content_dir / "helplines.yaml")
        shutil.copy(CONTENT / "screens.yaml", content_dir / "screens.yaml")
        for shared in ("system.yaml", "telegram.yaml", "terminal.yaml", "understand.yaml"):
            shutil.copy(CONTENT / "templates" / shared, content_dir / "templates" / shared)
        merged = {**MINIMAL_TEMPLATES, **(templates or {})}
        body = "".join(f"{key}: {value}\n" for key, value in merged.items())
        (content_dir / "templates" / "t.yaml").write_text(body, encoding="utf-8")
        return flows_dir, content_dir

    return make


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def running(fake: FakeTelegram, program: Program, tmp_path: Path) -> AsyncIterator[Running]:
    settings = make_settings(tmp_path, fake)
    bot = TelegramBot(settings, program, retry_delay=0.01)
    app = bot.build()
    await start(app, settings, poll_timeout=1, first_backoff=0.01)
    yield Running(fake, bot, app, settings)
    await stop(app)
