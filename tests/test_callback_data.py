from bot.callback_data import STALE, CallbackCodec
from bot.events import Choose, Command
from bot.program import Program


def test_button_events_round_trip_within_64_bytes(program: Program) -> None:
    codec = CallbackCodec(program)
    for node in program.flows.nodes.values():
        for index in range(len(node.options)):
            data = codec.encode(Choose(node.id, index))
            assert len(data.encode()) <= 64
            assert codec.decode(data) == Choose(node.id, index)
    assert codec.decode(codec.encode(Command("danger"))) == Command("danger")


def test_forged_old_or_malformed_payloads_are_stale(program: Program) -> None:
    codec = CallbackCodec(program)
    good = codec.encode(Choose("menu.main", 0))
    for data in [
        None,
        "",
        "garbage",
        "2" + good[1:],
        good + ":1",
        good[:-1] + "99",
        "1:k:start",
        "1:k:",
        "1:o:000000000000:0",
        "1:o::0",
        "1:o:" + good.split(":")[2] + ":-1",
    ]:
        assert codec.decode(data) == STALE, data
