"""Random event sequences never raise and always get a reply."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.events import NEWER, OLDER, Attachment, Choose, Command, Event, Pick, Resume, Text, parse_text
from bot.engine.files import MAX_BYTES
from bot.engine.outputs import Buttons
from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.engine.step import step
from tests.conftest import CONTENT, FLOWS

PROGRAM: Program | None = None


def program() -> Program:
    global PROGRAM
    if PROGRAM is None:
        from bot.flows.program import load_program

        PROGRAM = load_program(FLOWS, CONTENT)
    return PROGRAM


NODE_IDS = st.sampled_from([*sorted(program().flows.nodes), "gone.node", ""])
texts = st.one_of(
    st.text(max_size=50),
    st.text(min_size=4000, max_size=6000),
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "999",
            "help",
            "/",
            "/start",
            "/menu",
            "/back",
            "/help",
            "/x y",
            "{{7*7}}",
            "\u202egnikcats",
            "is this stalking",
            "\x00\x1b[31m",
        ]
    ),
    st.integers(-5, 100).map(str),
)
events: st.SearchStrategy[Event] = st.one_of(
    texts.map(parse_text),
    texts.map(Text),
    st.builds(Choose, NODE_IDS, st.integers(-3, 12)),
    st.builds(
        Command,
        st.sampled_from(["start", "menu", "back", "help", "danger", "note", "log", "forget", "nope", ""]),
        st.text(max_size=20),
    ),
    st.builds(Pick, NODE_IDS, st.one_of(st.sampled_from([OLDER, NEWER, ""]), st.text(max_size=40))),
    st.builds(
        Attachment,
        st.sampled_from(["photo", "document", "voice", "sticker", ""]),
        st.text(max_size=10),
        st.one_of(st.none(), st.integers(-1, 2 * MAX_BYTES)),
        st.sampled_from(["image/jpeg", "application/pdf", "application/x-msdownload", ""]),
        st.text(max_size=10),
        texts,
    ),
    st.just(Resume()),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events, min_size=1, max_size=30))
def test_random_events_never_raise_and_always_reply(sequence: list[Event]) -> None:
    state = ConversationState()
    for event in sequence:
        state, outputs = step(program(), state, event)
        assert outputs
        assert isinstance(outputs[-1], Buttons) and outputs[-1].buttons
        assert state.node in program().flows.nodes
        assert ConversationState.from_json(state.to_json()) == state
