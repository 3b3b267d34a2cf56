"""The pure engine on the shipped flows and on small inline ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.engine.events import Attachment, Choose, Command, Event, Resume, Text
from bot.engine.files import MAX_BYTES
from bot.engine.outputs import AskText, Buttons, Effect, HelplineCard, Message, Output
from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.engine.step import step
from bot.flows.program import check, load_program
from tests.conftest import ProjectMaker


def run(
    program: Program, events: Sequence[Event], state: ConversationState | None = None
) -> tuple[ConversationState, list[Output]]:
    state = state or ConversationState()
    outputs: list[Output] = []
    for event in events:
        state, outputs = step(program, state, event)
    return state, outputs


def templates(outputs: Sequence[Output]) -> list[str]:
    return [o.template for o in outputs if isinstance(o, Message)]


def labels(outputs: Sequence[Output]) -> list[str]:
    return [b.label for o in outputs if isinstance(o, Buttons) for b in o.buttons]


def test_start_welcomes_then_shows_the_menu(program: Program) -> None:
    state, outputs = run(program, [Command("start")])
    assert templates(outputs) == ["start.welcome", "menu.main"]
    assert state.node == "menu.main"
    assert isinstance(outputs[-1], Buttons)


def test_first_free_text_without_a_match_gets_the_welcome(program: Program) -> None:
    _, outputs = run(program, [Text("hello there")])
    assert templates(outputs)[0] == "start.welcome"


def test_emergency_words_jump_to_danger_from_anywhere(program: Program) -> None:
    for words in ["he's here", "Hes here!", "hes outside my flat", "he has a knife", "999", "sos"]:
        state, outputs = run(program, [Command("start"), Command("help"), Text(words)])
        assert state.node == "danger.now", words
        assert any(isinstance(o, HelplineCard) and o.number == "999" for o in outputs)
    kinds = [("someone is following me", "danger.followed_on_foot"), ("cant talk hes here", "danger.silent")]
    for words, node in kinds:
        state, _ = run(program, [Command("start"), Text(words)])
        assert state.node == node, words


def test_the_bare_word_help_and_denials_are_not_danger(program: Program) -> None:
    for words in ["help", "who can help me", "this isn't an emergency but is it stalking", "I'm not in danger"]:
        state, _ = run(program, [Command("start"), Text(words)])
        assert state.node is not None and not state.node.startswith("danger.now"), words


def test_danger_button_is_on_every_screen_outside_danger(program: Program) -> None:
    _, outputs = run(program, [Command("start"), Command("help")])
    buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
    assert Command("danger") in [b.event for b in buttons]


def test_back_returns_to_the_previous_node(program: Program) -> None:
    state, _ = run(program, [Command("start"), Command("help"), Command("back")])
    assert state.node == "menu.main"
    state, _ = run(program, [Command("back")], state)
    assert state.node == "menu.main"  # nothing left to go back to: the menu


def test_unknown_command_says_so_and_keeps_the_place(program: Program) -> None:
    state, outputs = run(program, [Command("start"), Command("frobnicate")])
    assert templates(outputs) == ["system.unknown_command"]
    assert state.node == "menu.main"
    assert labels(outputs)


def test_text_not_understood_says_so_and_offers_the_screen_again(program: Program) -> None:
    state, outputs = run(program, [Command("start"), Text("zzzz qqq")])
    assert templates(outputs) == ["understand.not_understood"]
    assert labels(outputs)[:2] == ["🆘 I'm in danger now", "Is this stalking?"]
    assert state.node == "menu.main"


def test_typing_a_label_picks_that_option(program: Program) -> None:
    state, _ = run(program, [Command("start"), Text("About this guide")])
    assert state.node == "help.about"


def test_stale_or_forged_button_gets_a_graceful_answer(program: Program) -> None:
    for event in [Choose("menu.main", 99), Choose("gone.node", 0), Choose("menu.main", -1)]:
        state, outputs = run(program, [Command("start"), event])
        assert templates(outputs)[0] == "system.stale_button"
        assert state.node == "menu.main"


def test_resume_shows_where_the_person_was(program: Program) -> None:
    state, _ = run(program, [Command("start"), Command("help")])
    state, outputs = run(program, [Resume()], state)
    assert templates(outputs) == ["system.resume", "help.about"]
    assert state.node == "help.about"


def test_state_on_a_node_that_no_longer_exists_starts_afresh(program: Program) -> None:
    _, outputs = run(program, [Resume()], ConversationState(node="removed.node"))
    assert templates(outputs)[0] == "start.welcome"


def test_turns_are_counted(program: Program) -> None:
    state, _ = run(program, [Command("start"), Text("x"), Text("y")])
    assert state.turns == 3


ASKING_FLOW = {
    "menu.yaml": """
        flow: menu
        start: main
        nodes:
          main:
            say: t.menu
            options:
              - label: t.go_help
                go: help.about
              - label: t.go_ask
                go: ask.name
                set: {route: asking}
        """,
    "ask.yaml": """
        flow: ask
        start: name
        commands: [ask]
        nodes:
          name:
            say: t.ask
            ask: name
            next: route
            options:
              - label: t.skip
                go: route
          route:
            branch:
              - if: {name: [Sam, Alex]}
                go: known
              - else: thanks
          known:
            say: t.known
            end: true
          thanks:
            say: t.thanks
            end: true
        """,
}
ASKING_TEMPLATES = {
    "t.go_ask": "Ask",
    "command.ask": "Ask for a name",
    "t.ask": "Your name?",
    "t.skip": "Skip",
    "t.known": "Hello again {{ slots.name }} ({{ slots.route }}).",
    "t.thanks": "Thanks {{ slots.name }}.",
}


ASKING_INTENTS = """
menu:
  go: menu.main
  label: t.go_help
  phrases: [show me the menu]
ask:
  go: ask.name
  label: t.go_ask
  phrases: [ask * name]
"""


def asking_program(make_project: ProjectMaker) -> Program:
    return load_program(*make_project(ASKING_FLOW, ASKING_TEMPLATES, intents=ASKING_INTENTS))


def test_ask_keeps_the_answer_and_branches_on_it(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    state, outputs = run(program, [Command("start"), Choose("menu.main", 1)])
    assert any(isinstance(o, AskText) and o.slot == "name" for o in outputs)
    state, outputs = run(program, [Text("  Sam ")], state)
    assert state.node == "ask.known"
    assert [o.text for o in outputs if isinstance(o, Message)] == ["Hello again Sam (asking)."]
    state, outputs = run(program, [Command("ask"), Text("Jo")], state)
    assert state.node == "ask.thanks"


def test_an_answer_that_looks_like_a_template_stays_data(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    _, outputs = run(program, [Command("ask"), Text("{{ 7*7 }} {% for x in y %}")])
    assert [o.text for o in outputs if isinstance(o, Message)] == ["Thanks {{ 7*7 }} {% for x in y %}."]


def test_command_argument_answers_the_first_question(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    state, _ = run(program, [Command("ask", "Alex")])
    assert state.node == "ask.known"


def test_empty_answer_is_asked_again(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    state, outputs = run(program, [Command("ask"), Text("   ")])
    assert templates(outputs) == ["system.empty_answer"]
    assert state.node == "ask.name"


def test_emergency_words_in_an_answer_keep_it_and_offer_a_way_back(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    state, outputs = run(program, [Command("ask"), Text("he is here now")])
    assert state.node == "danger.now"
    assert state.slots["name"] == "he is here now"
    assert Command("back") in [b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons]
    state, _ = run(program, [Command("back")], state)
    assert state.node == "ask.thanks"


def test_intents_with_wildcards_start_their_flow(make_project: ProjectMaker) -> None:
    program = asking_program(make_project)
    state, _ = run(program, [Command("start"), Command("help"), Text("can you ask for my name")])
    assert state.node == "ask.name"


def test_step_limit_stops_an_automatic_loop(make_project: ProjectMaker) -> None:
    flows = {
        "help.yaml": """
        flow: help
        start: about
        nodes:
          about:
            next: again
          again:
            next: about
        """
    }
    program, problems = check(*make_project(flows))
    assert any(p.code == "AUTO_LOOP" for p in problems)
    state, outputs = run(program, [Command("start"), Command("help")])
    assert "system.loop" in templates(outputs)
    assert state.node == "menu.main"


def test_a_file_is_kept_only_while_noting_and_within_limits(program: Program) -> None:
    photo = Attachment("photo", "ref", 1000, "image/jpeg")
    _, outputs = run(program, [Command("start"), photo])
    assert templates(outputs) == ["system.evidence_where"] and not effects(outputs)
    noting, _ = run(program, [Command("note", "he was outside")])
    noting = noting.with_slots({"note_id": "n1"})  # as the service records the saved note
    _, outputs = step(program, noting, photo)
    assert templates(outputs) == ["system.evidence_saved"]
    assert [(e.action, e.text, e.variables["kind"]) for e in effects(outputs)] == [("save_evidence", "ref", "photo")]
    _, outputs = step(program, noting, Attachment("photo", "ref", MAX_BYTES + 1, "image/jpeg"))
    assert templates(outputs) == ["system.evidence_too_big"] and not effects(outputs)
    # What a file is, is told from its bytes once it is downloaded: a declared type neither admits nor refuses it.
    _, outputs = step(program, noting, Attachment("document", "ref", 10, "application/x-msdownload"))
    assert templates(outputs) == ["system.evidence_saved"] and len(effects(outputs)) == 1


def test_completing_a_note_passes_over_questions_already_answered(program: Program) -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    state, _ = run(program, [Command("note", "he was outside", now)])
    state = state.with_slots({"note_id": "n1"})
    state, _ = run(program, [Choose("note.saved", 0), Text("yesterday 6pm", now), Text("Home", now)], state)
    assert (state.node, state.slots["answered"]) == ("note.evidence", "when,where")
    state, outputs = run(program, [Command("menu"), Text("complete my last note", now)], state)
    assert state.node == "note.evidence" and templates(outputs) == ["note.evidence"]
    state, _ = run(program, [Command("note", "something else", now)], state)
    assert state.slots["answered"] == ""  # a new note starts with nothing answered


def effects(outputs: Sequence[Output]) -> list[Effect]:
    return [o for o in outputs if isinstance(o, Effect)]


def test_coming_back_to_a_screen_does_not_repeat_its_action(program: Program) -> None:
    state, outputs = run(program, [Command("log"), Choose("log.list", 1)])  # export
    assert [e.action for e in effects(outputs)] == ["export"]
    state, outputs = step(program, state, Command("danger"))
    state, outputs = step(program, state, Command("back"))
    assert state.node == "log.export" and effects(outputs) == []
    state, outputs = step(program, state, Resume())
    assert state.node == "log.export" and effects(outputs) == []
    _, outputs = step(program, state, Choose("log.pattern", 0))  # choosing export again does export again
    assert [e.action for e in effects(outputs)] == ["export"]


def test_a_past_danger_in_a_note_saves_it_without_interrupting(program: Program) -> None:
    state, _ = run(program, [Command("start"), Command("menu")])
    state, outputs = run(program, [Text("Note an incident"), Text("last week he had a knife at my door")], state)
    assert not state.node or not state.node.startswith("danger.")
    assert [o.text for o in outputs if isinstance(o, Effect) and o.action == "save_note"] == [
        "last week he had a knife at my door"
    ]
    assert Command("danger") in [b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons]


def test_a_misspelt_label_presses_its_button_where_no_text_is_awaited(program: Program) -> None:
    for typed, node in [("Onlin safety", "online.start"), ("about this guid", "help.about")]:
        state, _ = run(program, [Command("start"), Text(typed)])
        assert state.node == node, typed


def test_did_you_mean_never_offers_the_same_button_twice(program: Program) -> None:
    reading = program.understanding.read("what?")
    assert "menu" in reading.guesses  # a guess of the menu itself, beside the menu button every guess has
    _, outputs = run(program, [Command("start"), Text("what?")])
    assert templates(outputs)[0] == "understand.did_you_mean"
    assert labels(outputs).count("Main menu") == 1
    assert len(labels(outputs)) == len(set(labels(outputs)))
