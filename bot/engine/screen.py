"""Where the person is and what they see: moves through the flow, a node shown with its buttons. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from bot.engine.events import Choose, Command
from bot.engine.model import PLAN_VIEWS, Node
from bot.engine.outputs import (
    AskText,
    Button,
    Buttons,
    Effect,
    HelplineCard,
    LogView,
    Message,
    Output,
    PlanView,
)
from bot.engine.program import Program
from bot.engine.state import ConversationState

MAX_STEPS = 25  # automatic moves in one turn before the engine gives up on a loop
NOTE_SLOT = "note_id"  # the note in hand: follow-up answers, corrections and files go to it
PREVIEW_SLOT = "note_preview"  # the start of the note in hand, quoted by its questions
NEW_NOTE = "new"  # the note this turn saves; the service puts its id in its place once it is stored
NOTE_PLACE = (NOTE_SLOT, "answered", PREVIEW_SLOT)  # what /back restores with a note's screen
PLACE_SEPARATOR = "\x1f"  # never in a preview: it is whitespace, and previews have their whitespace folded
FILE_KEPT_SLOT = "file_kept"  # set while the question on screen has had a file sent to it
NOTE_ACTIONS = frozenset({"save_answer", "correct_answer", "amend_note", "amend_edited", "delete_note"})


class Screen:
    """One turn's place and outputs: moving to a node, showing it, offering it again; events are a subclass's."""

    def __init__(self, program: Program, state: ConversationState) -> None:
        self.program = program
        self.state = state
        self.outputs: list[Output] = []
        self.sent_at: datetime | None = None

    def go(self, target: str, came_from: str | None = None) -> None:
        """Move to a node, remembering where the person was (``came_from``, else here) for /back."""
        self.state = self.state.moved_to(target, remember=came_from or self.place())
        if self.state.slots.get(FILE_KEPT_SLOT):
            self.state = self.state.with_slots({FILE_KEPT_SLOT: ""})
        if self.program.flows.nodes[target].show == "list":
            self.state = self.state.with_slots({"log_page": "0"})
        self.enter(target)

    def back(self) -> None:
        if not self.state.history:
            self.enter(self.start_of("menu"))
            return
        previous, *note = self.state.history[-1].split(PLACE_SEPARATOR)
        self.state = replace(self.state, history=self.state.history[:-1])
        if len(note) == len(NOTE_PLACE):  # a note's screen goes back to that note, whatever was pressed since
            self.state = self.state.with_slots(dict(zip(NOTE_PLACE, note, strict=True)))
        self.enter(previous if previous in self.program.flows.nodes else self.start_of("menu"), again=True)

    def place(self) -> str | None:
        """Return where the person is, for /back: the node, with the note in hand when the node is about one."""
        node = self.current
        note = self.state.slots.get(NOTE_SLOT, "")
        if node is None or not note or note == NEW_NOTE or not self.about_note(node):
            return self.state.node
        return PLACE_SEPARATOR.join((node.id, *(self.state.slots.get(slot, "") for slot in NOTE_PLACE)))

    def enter(self, target: str, again: bool = False) -> None:
        """Show a node and follow automatic moves until one waits for the person.

        ``again``: the person is shown a screen they were already on (back, resume); its action (such as
        export or forget) was done when they first came and is not done twice.
        """
        nodes = self.program.flows.nodes
        for _ in range(MAX_STEPS):
            node = nodes[target]
            if node.next is not None and self.answered(node):
                target = node.next  # corrections to an answer are amendments, made from the log
                continue
            self.show(node, act=not again)
            again = False
            if node.branch is not None:
                target = node.branch.choose(self.state.slots) or self.start_of("menu")
            elif node.next is not None and not node.ask:
                target = node.next
            else:
                self.state = replace(self.state, node=node.id)
                self.reprompt()
                return
        self.say("system.loop")
        self.state = replace(self.state, node=self.start_of("menu"))
        self.reprompt()

    def show(self, node: Node, act: bool = True) -> None:
        if node.say is not None:
            self.say(node.say, node.variables)
        for helpline_id in node.helplines:
            line = self.program.content.helplines[helpline_id]
            self.outputs.append(HelplineCard(line.id, line.name, line.number, line.for_whom, line.hours))
        if node.show is not None and node.show in PLAN_VIEWS:
            self.outputs.append(PlanView(node.show, node.variables.get("section", "")))
        elif node.show is not None:
            page = number_in(self.state.slots.get("log_page", "0"))
            self.outputs.append(LogView(node.show, node.id, self.state.slots.get(NOTE_SLOT, ""), page))
        if node.do is not None and not node.ask and act:
            self.outputs.append(Effect(node.do, "", node.variables, self.sent_at))

    def reprompt(self) -> None:
        """Offer again what the current node waits for."""
        node = self.current
        if node is None:
            self.enter(self.start_of("start"))
            return
        if node.ask:
            self.outputs.append(AskText(node.ask))
        self.outputs.append(Buttons(tuple(self.buttons(node))))

    def buttons(self, node: Node) -> list[Button]:
        note = self.state.slots.get(NOTE_SLOT, "") if self.about_note(node) else ""
        found = [Button(self.render(o.label), Choose(node.id, i, note)) for i, o in enumerate(node.options)]
        if node.flow == "danger" and self.state.history:
            found.append(Button(self.render("system.button_back"), Command("back")))
        if node.end:
            found.append(Button(self.render("system.button_menu"), Command("menu")))
        danger = self.start_of("danger")
        if node.flow != "danger" and all(o.go != danger for o in node.options):
            found.append(Button(self.render("system.button_danger"), Command("danger")))
        return found

    def say(self, template: str, variables: Mapping[str, str] | None = None) -> None:
        self.outputs.append(Message(template, self.render(template, variables)))

    def render(self, template: str, variables: Mapping[str, str] | None = None) -> str:
        slots = {**dict.fromkeys(self.program.slots, ""), **self.state.slots}
        return self.program.content.templates.render(template, {"slots": slots, **(variables or {})})

    @property
    def current(self) -> Node | None:
        return self.program.flows.nodes.get(self.state.node) if self.state.node else None

    def start_of(self, flow_id: str) -> str:
        return self.program.flows.flows[flow_id].start_node

    def answered(self, node: Node) -> bool:
        """Tell whether a question of the note in hand was answered before."""
        field = node.variables.get("field") if node.do == "save_answer" else None
        return field is not None and field in self.state.slots.get("answered", "").split(",")

    def about_note(self, node: Node) -> bool:
        """Tell whether a node's buttons act on the note in hand, so they must carry which note that is."""
        nodes = self.program.flows.nodes
        return (
            node.attach
            or node.show == "note"
            or node.do in NOTE_ACTIONS
            or any(o.go in nodes and nodes[o.go].do in NOTE_ACTIONS for o in node.options)
        )

    def note_start(self) -> Node | None:
        """Return the question that starts a note, if the flows have one."""
        return next((n for n in self.program.flows.nodes.values() if n.do == "save_note"), None)


def number_in(text: str) -> int:
    """Return the whole number a slot holds, or 0."""
    return int(text) if text.isdigit() else 0
