from bot.engine.events import Command
from bot.engine.outputs import Button, Buttons, HelplineCard, Message
from bot.engine.program import Program
from bot.platforms.callback_data import CallbackCodec
from bot.platforms.telegram.render import MAX_MESSAGE_CHARS, is_sensitive, keyboard, reply_texts, split_text


def test_long_text_is_split_at_line_breaks_under_the_limit() -> None:
    text = "\n\n".join(f"paragraph {i} " + "x" * 300 for i in range(40))
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(c) <= MAX_MESSAGE_CHARS for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_text_without_breaks_is_cut_hard() -> None:
    chunks = split_text("y" * 9000)
    assert [len(c) for c in chunks] == [4096, 4096, 808]


def test_helplines_make_a_reply_sensitive() -> None:
    assert is_sensitive([HelplineCard("x", "X", "101", "y", None)])
    assert is_sensitive([Message("note.saved", "Saved.")])
    assert not is_sensitive([Message("menu.main", "Menu")])


def test_keyboard_has_one_button_per_row(program: Program) -> None:
    markup = keyboard([Buttons((Button("A", Command("menu")), Button("B", Command("danger"))))], CallbackCodec(program))
    assert markup is not None
    assert markup is not None
    assert [[b["text"] for b in row] for row in markup["inline_keyboard"]] == [["A"], ["B"]]
    assert keyboard([Message("t", "x")], CallbackCodec(program)) is None


def test_reply_text_puts_the_adapter_text_first() -> None:
    assert reply_texts([Message("t", "Body.")], before="Done.") == ["Done.\n\nBody."]
