from bot.engine.events import NEWER, OLDER, STALE, Choose, Command, Pick
from bot.engine.program import Program
from bot.platforms.callback_data import CallbackCodec


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


def test_picks_from_a_list_round_trip_and_forged_ones_are_stale(program: Program) -> None:
    codec = CallbackCodec(program)
    note_id = "0123456789abcdef0123456789abcdef"
    for item in (note_id, OLDER, NEWER):
        data = codec.encode(Pick("log.list", item))
        assert len(data.encode()) <= 64 and codec.decode(data) == Pick("log.list", item)
    signature = codec.encode(Pick("log.list", note_id)).split(":")[2]
    menu = codec.encode(Choose("menu.main", 0)).split(":")[2]
    for data in (f"1:p:{signature}:", f"1:p:{signature}:{'a' * 33}", f"1:p:{signature}:DROP TABLE", f"1:p:{menu}:ab"):
        assert codec.decode(data) == STALE, data
