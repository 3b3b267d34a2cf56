from bot.engine.state import MAX_HISTORY, ConversationState


def test_state_round_trips_through_json() -> None:
    state = ConversationState(node="menu.main", history=("start.welcome",), turns=3).with_slots({"who": "ex"})
    assert ConversationState.from_json(state.to_json()) == state


def test_unreadable_stored_state_starts_afresh() -> None:
    assert ConversationState.from_json("not json") == ConversationState()
    assert ConversationState.from_json('{"node": 5, "slots": []}').node is None


def test_history_is_bounded_and_skips_staying_put() -> None:
    state = ConversationState(node="a.a")
    for i in range(MAX_HISTORY + 5):
        state = state.moved_to(f"n.{i}", remember=state.node)
    assert len(state.history) == MAX_HISTORY
    assert state.moved_to(state.node or "", remember=state.node).history == state.history
