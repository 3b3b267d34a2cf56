"""One test per diagnostic code, each from small inline YAML, checking file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.platform import Capabilities
from bot.flows.program import check
from bot.platforms import declared
from tests.conftest import ProjectMaker


def problems(flows_dir: Path, content_dir: Path) -> list[str]:
    _, found = check(flows_dir, content_dir)
    return [str(p) for p in found]


def located(found: list[str], path: Path, line: int, code: str) -> bool:
    return any(p.startswith(f"{path}:{line}: {code} ") for p in found)


def test_minimal_project_is_clean(make_project: ProjectMaker) -> None:
    assert problems(*make_project()) == []


def test_shipped_flows_are_clean() -> None:
    from tests.conftest import CONTENT, FLOWS

    assert [p for p in problems(FLOWS, CONTENT) if "(warning)" not in p] == []


def test_syntax_error_names_file_and_line(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project({"extra.yaml": "flow: extra\nstart: a\nnodes:\n  a: [unclosed\n"})
    found = problems(flows_dir, content_dir)
    assert any(p.startswith(f"{flows_dir / 'extra.yaml'}:") and " SYNTAX " in p for p in found), found


def test_wrong_type_is_a_schema_problem(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            options: not-a-list
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 6, "SCHEMA")


def test_unknown_key_is_a_schema_problem(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            sya: t.help
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 5, "SCHEMA")


def test_unknown_target(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "menu.yaml": """
        flow: menu
        start: main
        nodes:
          main:
            say: t.menu
            options:
              - label: t.go_help
                go: help.nowhere
              - label: t.go_help
                go: help.about
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "menu.yaml", 7, "UNKNOWN_TARGET")


def test_unreachable_node(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            end: true
          orphan:
            say: t.help
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 7, "UNREACHABLE")


def test_dead_end(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 4, "DEAD_END")


def test_duplicate_node_name(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            end: true
          about:
            say: t.help
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 7, "DUPLICATE_ID")


def test_duplicate_flow_id(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project({"zz_copy.yaml": "flow: help\nstart: a\nnodes:\n  a:\n    end: true\n"})
    assert located(problems(flows_dir, content_dir), flows_dir / "zz_copy.yaml", 1, "DUPLICATE_ID")


def test_unknown_template(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.missing
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 5, "UNKNOWN_TEMPLATE")


def test_unknown_helpline_in_node(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            helplines: [made_up_line]
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 6, "UNKNOWN_HELPLINE")


def test_unknown_helpline_in_template(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": "Call {{ number('made_up_line') }}."})
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 5, "UNKNOWN_HELPLINE")


def test_branch_without_else(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "menu.yaml": """
        flow: menu
        start: main
        nodes:
          main:
            say: t.menu
            options:
              - label: t.go_help
                go: route
                set: {who: ex}
          route:
            branch:
              - if: {who: ex}
                go: help.about
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "menu.yaml", 11, "BRANCH_NO_ELSE")


def test_template_that_does_not_render(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": "Hello {{ name_nobody_passes }}."})
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 5, "TEMPLATE_ERROR")


def test_template_syntax_error_points_into_content(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(templates={"t.bad": "|\n  line one\n  {% if %}"})
    path = content_dir / "templates" / "t.yaml"
    lines = path.read_text().splitlines()
    line = lines.index("  {% if %}") + 1
    assert located(problems(flows_dir, content_dir), path, line, "TEMPLATE_ERROR")


def test_intent_that_shadows_emergency_words(make_project: ProjectMaker) -> None:
    intents = "help:\n  go: help.about\n  label: t.go_help\n  phrases:\n    - i think he is here\n    - not here\n"
    flows_dir, content_dir = make_project(intents=intents)
    found = problems(flows_dir, content_dir)
    assert located(found, content_dir / "understanding" / "intents.yaml", 5, "INTENT_SHADOWS_EMERGENCY")
    assert not located(found, content_dir / "understanding" / "intents.yaml", 6, "INTENT_SHADOWS_EMERGENCY")


def test_intents_in_a_flow_file_point_to_content(make_project: ProjectMaker) -> None:
    flow = "flow: help\nstart: about\nintents: [help me]\nnodes:\n  about:\n    say: t.help\n    end: true\n"
    flows_dir, content_dir = make_project({"help.yaml": flow})
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 3, "SCHEMA")


def test_understanding_content_problems_have_file_and_line(make_project: ProjectMaker) -> None:
    intents = "about:\n  go: help.nowhere\n  label: t.missing\n  phrases: ['(unclosed', '=']\n"
    flows_dir, content_dir = make_project(intents=intents)
    (content_dir / "understanding" / "examples").mkdir()
    examples = content_dir / "understanding" / "examples"
    (examples / "a.yaml").write_text("- {text: 'hi', intent: nonsense}\n- {text: 'x'}\n- {text: 'y', danger: sleepy}\n")
    (examples / "b.yaml").write_text("- {text: 'fine', intent: about}\n- [not, closed\n")
    found = problems(flows_dir, content_dir)
    where = content_dir / "understanding" / "intents.yaml"
    assert located(found, where, 1, "UNKNOWN_TARGET") and located(found, where, 1, "UNKNOWN_TEMPLATE")
    assert sum(f"{where}:4: SCHEMA" in p for p in found) == 2, found
    assert located(found, examples / "a.yaml", 1, "UNKNOWN_INTENT") and located(found, examples / "a.yaml", 2, "SCHEMA")
    assert located(found, examples / "a.yaml", 3, "UNKNOWN_INTENT")
    assert any(p.startswith(f"{examples / 'b.yaml'}:") and " SYNTAX " in p for p in found), found


def test_missing_required_flow(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(drop=("help.yaml",))
    found = problems(flows_dir, content_dir)
    assert any(" MISSING_FLOW " in p and "'help'" in p for p in found), found


def test_automatic_loop(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.help
            next: again
          again:
            say: t.help
            next: about
        """
        }
    )
    found = problems(flows_dir, content_dir)
    assert any(" AUTO_LOOP " in p for p in found), found


def test_branch_on_a_slot_nothing_sets(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            branch:
              - if: {nobody_sets_this: x}
                go: done
              - else: done
          done:
            say: t.help
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 6, "UNKNOWN_SLOT")


def test_message_too_long(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": "word " * 400})
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 5, "TOO_LONG")


def test_command_taken_twice(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        commands: [menu]
        nodes:
          about:
            say: t.help
            end: true
        """
        }
    )
    assert located(problems(flows_dir, content_dir), flows_dir / "help.yaml", 1, "DUPLICATE_ID")


def test_every_problem_is_collected_not_just_the_first(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project(
        {
            "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            say: t.missing
            helplines: [made_up_line]
            options:
              - label: t.go_help
                go: nowhere
        """
        }
    )
    codes = {p.split(" ")[1] for p in problems(flows_dir, content_dir)}
    assert {"UNKNOWN_TEMPLATE", "UNKNOWN_HELPLINE", "UNKNOWN_TARGET"} <= codes


@pytest.mark.parametrize("text", ["", "just a string\n", "- a\n- list\n", "flow: 3\nstart: []\nnodes: 5\n"])
def test_malformed_files_give_diagnostics_not_exceptions(make_project: ProjectMaker, text: str) -> None:
    flows_dir, content_dir = make_project({"bad.yaml": text})
    found = problems(flows_dir, content_dir)
    assert any(p.startswith(f"{flows_dir / 'bad.yaml'}:") for p in found), found


LOG_FLOW = """
    flow: log
    start: list
    commands: [log]
    nodes:
      list:
        show: {show}
        {pick}
        options:
          - label: t.go_help
            go: help.about
      note:
        say: t.help
        ask: correction
        do: {action}
        next: list
"""


def test_actions_and_views_must_fit_their_node(make_project: ProjectMaker) -> None:
    flow = LOG_FLOW.format(show="calendar", pick="", action="delete_note")
    flows_dir, content_dir = make_project({"log.yaml": flow}, {"command.log": "Log"})
    found = problems(flows_dir, content_dir)
    path = flows_dir / "log.yaml"
    assert located(found, path, 6, "SCHEMA") and any("'calendar' is not a view" in p for p in found)
    assert located(found, path, 14, "SCHEMA") and any("'delete_note' takes no answer" in p for p in found)
    list_without_pick = LOG_FLOW.format(show="list", pick="", action="amend_note")
    found = problems(*make_project({"log.yaml": list_without_pick}, {"command.log": "Log"}))
    assert any("a list (show: list) needs 'pick'" in p for p in found), found


def test_a_view_needs_the_log_templates(make_project: ProjectMaker) -> None:
    flow = LOG_FLOW.format(show="list", pick="pick: note", action="amend_note")
    flows_dir, content_dir = make_project({"log.yaml": flow}, {"command.log": "Log"})
    found = problems(flows_dir, content_dir)
    assert located(found, flows_dir / "log.yaml", 6, "UNKNOWN_TEMPLATE")
    assert any("needs template 'log.list'" in p for p in found) and any("'log.pdf_title'" in p for p in found)


def test_screens_and_templates_are_checked_against_each_platform(make_project: ProjectMaker) -> None:
    small = Capabilities(
        "small", "buttons", max_buttons=1, max_label_chars=3, clears_chat=False, templates={"small.bye": {}}
    )
    flows_dir, content_dir = make_project()
    _, found = check(flows_dir, content_dir, platforms=[small])
    codes = {(p.code, p.message) for p in found}
    assert ("UNKNOWN_TEMPLATE", "platform 'small' needs template 'small.bye'") in codes
    assert any(code == "TOO_MANY_BUTTONS" and "small shows at most 1" in message for code, message in codes), codes
    assert any(code == "TOO_LONG" and "keep it under 3" in message for code, message in codes), codes
    assert check(flows_dir, content_dir)[1] == []


def test_shipped_flows_suit_every_declared_platform() -> None:
    from tests.conftest import CONTENT, FLOWS

    assert [str(p) for p in check(FLOWS, CONTENT, platforms=declared())[1] if not p.warning] == []
