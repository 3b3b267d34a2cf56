"""The log's views: what an empty log offers."""

from __future__ import annotations

from bot.engine.events import Choose, Command
from bot.engine.outputs import Button, Buttons, Message, Output
from bot.engine.program import Program
from bot.log.views import without_empty_options


def test_an_empty_log_offers_neither_the_pattern_nor_an_export(program: Program) -> None:
    nodes = program.flows.nodes

    def target(go: str) -> str | None:
        return nodes[go].show or nodes[go].do if go in nodes else None

    [menu] = [n for n in nodes.values() if {"pattern", "export"} <= {target(o.go) for o in n.options}]
    offered = tuple(Button(o.label, Choose(menu.id, i)) for i, o in enumerate(menu.options))
    menu_button = Button("Main menu", Command("menu"))
    outputs: list[Output] = [Message("log.list", "Your log is empty."), Buttons((*offered, menu_button))]
    kept = without_empty_options(outputs, nodes)
    assert kept[0] == outputs[0] and isinstance(kept[1], Buttons)
    gone = [o for o in menu.options if o.label not in {b.label for b in kept[1].buttons}]
    assert sorted(str(target(o.go)) for o in gone) == ["export", "pattern"]
    assert menu_button in kept[1].buttons and len(kept[1].buttons) == len(offered) - 1
