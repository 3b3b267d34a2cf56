"""The pure conversation engine: (program, state, event) -> (new state, outputs). No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine import files, typed
from bot.engine.events import (
    NEWER,
    OLDER,
    Attachment,
    Choose,
    Command,
    Edited,
    Event,
    Goto,
    Pick,
    Resume,
    Text,
    Unsupported,
)
from bot.engine.model import ANSWER_ACTIONS, EDITED_NODE, PLATFORM_COMMANDS, Node
from bot.engine.outputs import AskText, Button, Buttons, Effect, Output, PlatformAction
from bot.engine.program import Program
from bot.engine.screen import FILE_KEPT_SLOT, NEW_NOTE, NOTE_SLOT, PREVIEW_SLOT, Screen, number_in
from bot.engine.state import ConversationState
from bot.engine.understanding import Reading
from bot.engine.when import london_time, parse_when

MAX_ANSWER_CHARS = 4000  # kept in the conversation state
MAX_NOTE_CHARS = 65_536  # handed to the log: evidence is kept whole (a Telegram message is at most 4,096)
EDITED_SLOT = "edited"  # the new words of a changed message, until the person says whether to add them
PREVIEW_WORDS = 40  # characters of it


def step(program: Program, state: ConversationState, event: Event) -> tuple[ConversationState, list[Output]]:
    """Apply one event to one person's state; return their new state and what to say."""
    turn = _Turn(program, replace(state, turns=state.turns + 1))
    if state.node is not None and state.node not in program.flows.nodes:
        turn.state = replace(turn.state, node=None, history=())  # flows changed under them
    turn.handle(event)
    return turn.state, turn.outputs


def screen(
    program: Program, node_id: str, slots: Mapping[str, str] | None = None, came_from: str | None = None
) -> list[Output]:
    """Return what a person sees on arriving at a node (from ``came_from``): for review and checks, not for chat."""
    state = ConversationState(node=came_from, slots=dict(slots or {}))
    turn = _Turn(program, state)
    turn.go(node_id)
    return turn.outputs


def failed(program: Program, state: ConversationState, template: str) -> tuple[ConversationState, list[Output]]:
    """Say that something could not be done, and offer again what the person was offered."""
    turn = _Turn(program, state)
    turn.say(template, files.limits())
    turn.reprompt()
    return turn.state, turn.outputs


class _Turn(Screen):
    """The working state of one step; lives only inside ``step``."""

    def handle(self, event: Event) -> None:
        if isinstance(event, Command):
            self.sent_at = event.sent_at
            self.command(event)
        elif isinstance(event, Choose):
            self.choose(event)
        elif isinstance(event, Text):
            self.sent_at = event.sent_at
            self.text(event.text)
        elif isinstance(event, Goto):
            self.goto(event.node)
        elif isinstance(event, Pick):
            self.pick(event)
        elif isinstance(event, Attachment):
            self.sent_at = event.sent_at
            self.attachment(event)
        elif isinstance(event, Edited):
            self.edited(event)
        elif isinstance(event, Resume):
            self.resume()
        elif isinstance(event, Unsupported):
            self.say("system.unsupported")
            self.reprompt()

    def command(self, event: Command) -> None:
        name = event.name
        if name == "start":
            self.state = ConversationState(turns=self.state.turns)
            self.enter(self.start_of("start"))
        elif name in ("menu", "help", "danger"):
            self.go(self.start_of(name))
        elif name == "back":
            self.back()
        elif name in PLATFORM_COMMANDS:
            self.outputs.append(PlatformAction(name))
            self.reprompt()
        elif name in self.program.commands:
            target = self.program.flows.nodes[self.start_of(self.program.commands[name])]
            if event.argument and target.ask:
                # "/note he was outside": the text answers the first question without asking it.
                self.state = self.state.moved_to(target.id, remember=self.place())
                self.answer(target, event.argument)
            else:
                self.go(target.id)
        else:
            self.say("system.unknown_command")
            self.reprompt()

    def choose(self, event: Choose) -> None:
        node = self.program.flows.nodes.get(event.node)
        if node is None or not 0 <= event.index < len(node.options):
            self.say("system.stale_button")
            self.reprompt()
            return
        option, here = node.options[event.index], self.place()  # before the button's note is in hand
        if event.note and event.note != self.state.slots.get(NOTE_SLOT):
            # The button was shown under another note: it acts on that one, never on the note in hand.
            slots = {NOTE_SLOT: event.note, "answered": ",".join(event.answered), PREVIEW_SLOT: _preview(event.preview)}
            self.state = self.state.with_slots(slots)
        self.state = self.state.with_slots(option.sets)
        if option.go.startswith("/"):
            self.command(Command(option.go[1:]))
        else:
            self.go(option.go, came_from=here)

    def pick(self, event: Pick) -> None:
        node = self.program.flows.nodes.get(event.node)
        if node is None or node.pick is None or not event.item:
            self.say("system.stale_button")
            self.reprompt()
        elif event.item in (OLDER, NEWER):
            page = number_in(self.state.slots.get("log_page", "0")) + (1 if event.item == OLDER else -1)
            self.state = replace(self.state.with_slots({"log_page": str(max(page, 0))}), node=node.id)
            self.enter(node.id)
        else:
            here, answered = self.place(), ",".join(event.answered)
            slots = {NOTE_SLOT: event.item, "answered": answered, PREVIEW_SLOT: _preview(event.preview)}
            self.state = self.state.with_slots(slots)
            self.go(node.pick, came_from=here)

    def attachment(self, event: Attachment) -> None:
        """Keep a file as evidence for the note in hand, where the flow allows it."""
        current = self.current
        in_a_note = current is not None and current.attach and bool(self.state.slots.get(NOTE_SLOT))
        if event.caption.strip() and not in_a_note and (start := self.note_start()) is not None:
            # A photo with a caption, from any screen but a note's own, starts a note with the caption as its text.
            self.state = self.state.moved_to(start.id, remember=self.place())
            self.answer(start, event.caption)
            self.outputs = [o for o in self.outputs if not isinstance(o, Buttons | AskText)]  # offered once, below
            current = self.current
        if current is None or not current.attach or not self.state.slots.get(NOTE_SLOT):
            self.say("system.evidence_where")
        elif files.too_big(event.size):  # as declared; the download counts again as it goes
            self.say("system.evidence_too_big", files.limits())
        else:
            variables = {"kind": event.kind, "mime": event.mime, "name": event.name, "caption": event.caption}
            self.outputs.append(Effect("save_evidence", event.ref, variables, self.sent_at))
            self.state = self.state.with_slots({FILE_KEPT_SLOT: "yes"})  # "Skip" becomes "Next" on this question
            self.say("system.evidence_saved")
        self.reprompt()

    def edited(self, event: Edited) -> None:
        """Offer to add a changed note message as a correction of that note; the original stays as it was."""
        offer = self.program.flows.nodes.get(EDITED_NODE)
        if not event.note or not event.text.strip() or offer is None:
            self.say("system.edited")
            self.reprompt()
            return
        here = self.place()
        slots = {
            NOTE_SLOT: event.note,
            "answered": ",".join(event.answered),
            EDITED_SLOT: event.text.strip(),
            PREVIEW_SLOT: _preview(event.preview),
        }
        self.state = self.state.with_slots({k: v[:MAX_ANSWER_CHARS] for k, v in slots.items()})
        self.go(offer.id, came_from=here)

    def text(self, text: str) -> None:
        """Press a button whose label was typed; else understand the text: danger first, then the question."""
        current = self.current
        if current is not None:
            labels = (self.render(o.label) for o in current.options)
            index = typed.label_index(self.program.understanding, labels, text, free_text=bool(current.ask))
            if index is not None:
                self.choose(Choose(current.id, index))
                return
        noting = current is not None and current.do in ANSWER_ACTIONS
        reading = self.program.understanding.read(text, noting)
        if reading.danger is not None:
            answering = current is not None and current.ask and current.next and text.strip()
            if current is not None and current.next and answering:
                # Keep what they typed; after emergency help, /back carries on from the next step.
                self.keep_answer(current, text)
                self.state = replace(self.state, node=current.next)
            self.go(reading.danger_go or self.start_of("danger"))
            if not answering:
                self.offer_too(reading)
        elif current is not None and current.ask:
            self.answer(current, text)
        elif reading.go is not None:
            self.state = self.state.with_slots(typed.heard(self.program, reading))
            self.goto(reading.go)
        elif current is None:
            self.enter(self.start_of("start"))
        else:
            self.did_you_mean(reading)

    def goto(self, target: str) -> None:
        """Follow a typed intent, or a button that offers one."""
        if target.startswith("/"):
            self.command(Command(target[1:]))
        elif target in self.program.flows.nodes and self.program.can_go_to(target):
            self.go(target)
        else:
            self.say("system.stale_button")
            self.reprompt()

    def offer_too(self, reading: Reading) -> None:
        """On the emergency screen, offer what else the message asked, so an over-cautious match costs one tap."""
        button = typed.go_on_button(self.program, reading, self.render)
        if button is None:
            return
        for i, output in enumerate(self.outputs):
            if isinstance(output, Buttons):
                self.outputs[i] = Buttons((button, *output.buttons))
        self.state = self.state.with_slots(typed.heard(self.program, reading))

    def did_you_mean(self, reading: Reading) -> None:
        """Offer the best guesses as buttons with the menu; with none, say so and offer the screen again."""
        found = typed.guess_buttons(self.program, reading, self.render)
        if not found:
            self.say("understand.not_understood")
            self.reprompt()
            return
        self.say("understand.did_you_mean")
        for button in (
            Button(self.render("system.button_menu"), Command("menu")),
            Button(self.render("system.button_danger"), Command("danger")),
        ):
            if all(b.label != button.label for b in found):  # a guess of "the menu" is the menu button already
                found.append(button)
        self.outputs.append(Buttons(tuple(found)))

    def resume(self) -> None:
        if self.current is None:
            self.enter(self.start_of("start"))
            return
        self.say("system.resume")
        self.enter(self.current.id, again=True)

    def answer(self, node: Node, text: str) -> None:
        if not text.strip():
            self.say("system.empty_answer")
            self.reprompt()
            return
        if node.variables.get("field") == "when":
            moment = parse_when(text, self.sent_at) if self.sent_at else None
            if moment is None:
                self.say("system.when_unreadable")
                self.reprompt()
                return
            text = f"{moment.isoformat()} ({text.strip()})"
            self.keep_answer(node, text)
            self.say("system.when_noted", {"moment": london_time(moment)})  # so a misreading is seen at once
        else:
            self.keep_answer(node, text)
        self.go(node.next or self.start_of("menu"))

    def keep_answer(self, node: Node, text: str) -> None:
        """Hand the answer to the node's action (it is then not kept in the state), or keep it in its slot."""
        if node.do:
            self.outputs.append(Effect(node.do, text.strip()[:MAX_NOTE_CHARS], node.variables, self.sent_at))
            if node.do == "save_note":
                self.state = self.state.with_slots({"answered": "", NOTE_SLOT: NEW_NOTE, PREVIEW_SLOT: _preview(text)})
            elif node.do in ("save_answer", "correct_answer"):
                answered = {*self.state.slots.get("answered", "").split(","), node.variables["field"]} - {""}
                self.state = self.state.with_slots({"answered": ",".join(sorted(answered))})
        elif node.ask:
            self.state = self.state.with_slots({node.ask: text.strip()[:MAX_ANSWER_CHARS]})


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_WORDS else flat[: PREVIEW_WORDS - 1].rstrip() + "…"
