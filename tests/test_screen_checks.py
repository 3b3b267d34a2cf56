"""Screen checks: length with cards (warn at 600, fail at 700), 🆘 or 999, a way on, previews, platform words."""

from __future__ import annotations

from bot.engine.program import Program
from bot.engine.step import screen
from bot.flows.program import check, load_program
from bot.flows.screen_checks import buttons_of, screen_text
from bot.flows.template_files import PLATFORMS
from bot.platforms import declared
from bot.platforms.plain_text import body_text
from bot.platforms.plain_text import buttons_of as plain_buttons
from tests.conftest import ProjectMaker

NEUTRAL = "Here is some information for you, to read when you are ready."


def found(make_project: ProjectMaker, **templates: str) -> list[str]:
    _, problems = check(*make_project(templates=templates))
    return [str(p) for p in problems]


def source_none(text: str) -> str:
    return '{text: "' + text + '", source: none, why: a test}'


def test_a_screen_over_700_characters_with_its_cards_fails_and_over_600_warns(make_project: ProjectMaker) -> None:
    long = found(make_project, **{"t.help": source_none(NEUTRAL + " word" * 130)})
    assert any("help.yaml:5: SCREEN_TOO_LONG on terminal, 'help.about' is" in p for p in long), long
    warned = found(make_project, **{"t.help": source_none(NEUTRAL + " word" * 110)})
    assert any("SCREEN_LONG (warning) on telegram, 'help.about'" in p for p in warned), warned
    flows_dir, content_dir = make_project(templates={"t.help": source_none(NEUTRAL + " word" * 110)})
    load_program(flows_dir, content_dir)  # a warning does not stop the bot


def test_a_danger_screen_needs_999_or_the_button(make_project: ProjectMaker) -> None:
    problems = found(make_project, **{"t.danger": source_none(NEUTRAL)})
    # the card says 999, so the screen still has it; without a card it would not
    assert not any("NO_EMERGENCY" in p for p in problems)
    flows = {"danger.yaml": "flow: danger\nstart: now\nnodes:\n  now:\n    say: t.danger\n    end: true\n"}
    _, bare = check(*make_project(flows=flows, templates={"t.danger": source_none(NEUTRAL)}))
    assert any(p.code == "NO_EMERGENCY" and "'danger.now'" in p.message for p in bare), bare


def test_a_revealing_preview_is_reported_per_platform(make_project: ProjectMaker) -> None:
    problems = found(make_project, **{"t.help": source_none("Here is the stalking helpline for you.")})
    for platform in ("terminal", "telegram"):
        assert any(f"PREVIEW_REVEALS on {platform}, 'help.about'" in p and "'stalk'" in p for p in problems)


def test_the_terminal_has_its_own_words(make_project: ProjectMaker) -> None:
    telegram_only = f'{{text: "{NEUTRAL} Tap a button.", terminal: "{NEUTRAL} Type a number.", source: none, why: t}}'
    assert not any("PLATFORM_WORDS" in p for p in found(make_project, **{"t.help": telegram_only}))
    problems = found(make_project, **{"t.help": source_none(NEUTRAL + " Tap a button.")})
    assert any("PLATFORM_WORDS on terminal, 'help.about': the terminal chat has no 'button'" in p for p in problems)
    program = load_program(*make_project(templates={"t.help": telegram_only}))
    assert program.for_platform("terminal").content.templates.render("t.help", {}).endswith("Type a number.")
    assert program.for_platform("telegram").content.templates.render("t.help", {}).endswith("Tap a button.")


def test_screens_are_measured_as_the_platforms_write_them(program: Program) -> None:
    outputs = screen(program, "routing.either_both", {"who": "family", "line": "both"}, "menu.main")
    assert screen_text(outputs) == body_text(outputs)
    assert buttons_of(outputs) == plain_buttons(outputs)


def test_every_declared_platform_can_have_its_own_words() -> None:
    assert {p.name for p in declared()} <= set(PLATFORMS)
