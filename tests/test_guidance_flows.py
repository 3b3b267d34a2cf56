"""Walk every node of the shipped flows: safety properties that must hold on every screen."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.engine.events import Choose, Command, Resume
from bot.engine.outputs import Buttons, HelplineCard, Message, Output
from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.engine.step import step
from bot.platforms.plain_text import body_text
from bot.settings import PROJECT_ROOT

GUIDANCE = PROJECT_ROOT.parent / "shared" / "guidance"
# The same shape of number as ../shared/tools/check_numbers.py, plus the short police numbers.
PHONE = re.compile(r"(?<![\d\w])(0\d{2,4}(?:[ -]?\d{3,4}){1,2}|116[ -]?\d{3}|999|101)(?![\d\w])")
MAX_REPLY_CHARS = 1500  # one reply, message and helpline cards together: about two phone screens


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def waiting_nodes(program: Program) -> Iterator[str]:
    yield from (node.id for node in program.flows.nodes.values() if node.waits or node.ask)


def arrive(program: Program, node_id: str) -> list[Output]:
    """Return what a person sees at a node, having come from the menu (the resume greeting dropped)."""
    state = ConversationState(node=node_id, history=("menu.main",))
    _, outputs = step(program, state, Resume())
    assert isinstance(outputs[-1], Buttons), node_id
    return [o for o in outputs if not (isinstance(o, Message) and o.template == "system.resume")]


def edges(program: Program, node_id: str) -> set[str]:
    """Return where a person can go from a node by its own options, moves and the menu on endings."""
    node = program.flows.nodes[node_id]
    targets = {t for t, _ in node.targets()}
    if node.end:
        targets.add(program.flows.flows["menu"].start_node)
    return targets


def reachable(program: Program, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(edges(program, current))
    return seen


def test_every_flow_the_issue_asks_for_exists(program: Program) -> None:
    expected = {"start", "menu", "danger", "stalking", "routing", "online", "reporting", "safety", "wellbeing"}
    assert expected <= set(program.flows.flows)


def test_emergency_help_is_one_step_away_from_every_screen(program: Program) -> None:
    danger = program.flows.flows["danger"].start_node
    for node_id in waiting_nodes(program):
        buttons = [b for o in arrive(program, node_id) if isinstance(o, Buttons) for b in o.buttons]
        events = [b.event for b in buttons]
        via_option = any(
            isinstance(e, Choose) and program.flows.nodes[e.node].options[e.index].go == danger for e in events
        )
        in_danger = program.flows.nodes[node_id].flow == "danger"
        assert Command("danger") in events or via_option or in_danger, node_id


def test_every_screen_can_reach_a_helpline_and_the_menu(program: Program) -> None:
    menu = program.flows.flows["menu"].start_node
    for node_id in program.flows.nodes:
        seen = reachable(program, node_id)
        assert menu in seen, node_id
        assert any(program.flows.nodes[n].helplines for n in seen), node_id


def test_no_reply_is_longer_than_the_limit(program: Program) -> None:
    for node_id in waiting_nodes(program):
        text = body_text(arrive(program, node_id))
        assert len(text) <= MAX_REPLY_CHARS, (node_id, len(text))


def test_every_number_the_bot_says_is_a_directory_number(program: Program) -> None:
    directory = {digits(h.number) for h in program.content.helplines.values()}
    for node_id in waiting_nodes(program):
        for output in arrive(program, node_id):
            text = output.text if isinstance(output, Message) else ""
            if isinstance(output, HelplineCard):
                text = output.number
            for found in PHONE.findall(text):
                assert digits(found) in directory, (node_id, found)


def test_no_number_is_written_by_hand_in_flows_or_templates() -> None:
    for path in [*(PROJECT_ROOT / "flows").glob("*.yaml"), *(PROJECT_ROOT / "content" / "templates").glob("*.yaml")]:
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("quote:"):
                continue  # a source quoted word for word, never said
            assert not PHONE.search(line), f"{path}:{line_number}: write numbers as {{{{ number('id') }}}}"


def test_each_directory_number_appears_once_with_its_source(program: Program) -> None:
    numbers = [digits(h.number) for h in program.content.helplines.values()]
    assert len(numbers) == len(set(numbers))
    for helpline in program.content.helplines.values():
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", helpline.document), helpline.id


@pytest.mark.skipif(not GUIDANCE.is_dir(), reason="../shared/guidance is not beside this checkout")
def test_each_directory_number_is_in_the_guidance_document_it_cites(program: Program) -> None:
    for helpline in program.content.helplines.values():
        document = (GUIDANCE / helpline.document).read_text(encoding="utf-8")
        assert helpline.number in document, (helpline.id, helpline.document)


@pytest.mark.skipif(
    not (PROJECT_ROOT.parent / "shared" / "tools" / "check_numbers.py").exists(),
    reason="../shared/tools is not beside this checkout",
)
def test_the_shared_number_check_is_silent() -> None:
    tool = PROJECT_ROOT.parent / "shared" / "tools" / "check_numbers.py"
    result = subprocess.run([sys.executable, str(tool), str(PROJECT_ROOT)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_first_line_of_every_message_is_neutral(program: Program) -> None:
    sensitive = re.compile(
        r"stalk|harass|police|999|danger|abuse|crime|report|evidence|hurt|injur|ex-partner", re.IGNORECASE
    )
    for node in program.flows.nodes.values():
        if node.say is not None:
            first = program.content.templates.sources[node.say].text.strip().splitlines()[0]
            assert not sensitive.search(first), (node.id, first)
