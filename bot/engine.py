"""The pure conversation engine: (program, state, event) -> (new state, outputs). No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from difflib import SequenceMatcher

from bot import evidence
from bot.events import (
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
from bot.flow_model import ANSWER_ACTIONS, EDITED_NODE, PLATFORM_COMMANDS, Node
from bot.outputs import AskText, Button, Buttons, Effect, HelplineCard, LogView, Message, Output, PlatformAction
from bot.program import Program
from bot.state import ConversationState
from bot.understanding import Reading
from bot.when import london_time, parse_when

MAX_STEPS = 25  # automatic moves in one turn before the engine gives up on a loop
MAX_ANSWER_CHARS = 4000  # kept in the conversation state
MAX_NOTE_CHARS = 65_536  # handed to the log: evidence is kept whole (a Telegram message is at most 4,096)
LABEL_LIKENESS = 0.85  # how alike typed text and a button's label must be to press it ("Skpi" -> "Skip")
NOTE_SLOT = "note_id"  # the note in hand: follow-up answers, corrections and files go to it
EDITED_SLOT = "edited"  # the new words of a changed message, until the person says whether to add them
FILE_KEPT_SLOT = "file_kept"  # set while the question on screen has had a file sent to it
PREVIEW_SLOT = "note_preview"  # the start of the note in hand, quoted by its questions
PREVIEW_WORDS = 40  # characters of it
NEW_NOTE = "new"  # the note this turn saves; the service puts its id in its place once it is stored
NOTE_ACTIONS = frozenset({"save_answer", "correct_answer", "amend_note", "amend_edited", "delete_note"})


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
    turn.say(template, evidence.limits())
    turn.reprompt()
    return turn.state, turn.outputs


class _Turn:
    """The working state of one step; lives only inside ``step``."""

    def __init__(self, program: Program, state: ConversationState) -> None:
        self.program = program
        self.state = state
        self.outputs: list[Output] = []
        self.sent_at: datetime | None = None

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

    # Events ---------------------------------------------------------------

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
                self.state = self.state.moved_to(target.id, remember=self.state.node)
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
        option = node.options[event.index]
        if event.note and event.note != self.state.slots.get(NOTE_SLOT):
            # The button was shown under another note: it acts on that one, never on the note in hand.
            slots = {NOTE_SLOT: event.note, "answered": ",".join(event.answered), PREVIEW_SLOT: _preview(event.preview)}
            self.state = self.state.with_slots(slots)
        self.state = self.state.with_slots(option.sets)
        if option.go.startswith("/"):
            self.command(Command(option.go[1:]))
        else:
            self.go(option.go)

    def pick(self, event: Pick) -> None:
        node = self.program.flows.nodes.get(event.node)
        if node is None or node.pick is None or not event.item:
            self.say("system.stale_button")
            self.reprompt()
        elif event.item in (OLDER, NEWER):
            page = _number(self.state.slots.get("log_page", "0")) + (1 if event.item == OLDER else -1)
            self.state = replace(self.state.with_slots({"log_page": str(max(page, 0))}), node=node.id)
            self.enter(node.id)
        else:
            answered = ",".join(event.answered)
            slots = {NOTE_SLOT: event.item, "answered": answered, PREVIEW_SLOT: _preview(event.preview)}
            self.state = self.state.with_slots(slots)
            self.go(node.pick)

    def attachment(self, event: Attachment) -> None:
        """Keep a file as evidence for the note in hand, where the flow allows it."""
        current = self.current
        in_a_note = current is not None and current.attach and bool(self.state.slots.get(NOTE_SLOT))
        if event.caption.strip() and not in_a_note and (start := self.note_start()) is not None:
            # A photo with a caption, from any screen but a note's own, starts a note with the caption as its text.
            self.state = self.state.moved_to(start.id, remember=self.state.node)
            self.answer(start, event.caption)
            self.outputs = [o for o in self.outputs if not isinstance(o, Buttons | AskText)]  # offered once, below
            current = self.current
        if current is None or not current.attach or not self.state.slots.get(NOTE_SLOT):
            self.say("system.evidence_where")
        elif evidence.too_big(event.size):  # as declared; the download counts again as it goes
            self.say("system.evidence_too_big", evidence.limits())
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
        slots = {
            NOTE_SLOT: event.note,
            "answered": ",".join(event.answered),
            EDITED_SLOT: event.text.strip(),
            PREVIEW_SLOT: _preview(event.preview),
        }
        self.state = self.state.with_slots({k: v[:MAX_ANSWER_CHARS] for k, v in slots.items()})
        self.go(offer.id)

    def text(self, text: str) -> None:
        """Press a button whose label was typed; else understand the text: danger first, then the question."""
        current = self.current
        if current is not None and (index := self.label_index(current, text)) is not None:
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
            self.state = self.state.with_slots(self.heard(reading))
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

    def heard(self, reading: Reading) -> dict[str, str]:
        """Return the slots a message told (who is doing it), marked as heard so the flow can confirm them."""
        slots = {k: v for k, v in reading.slots.items() if k in self.program.slots}
        return {**slots, **{f"{k}_heard": "yes" for k in slots if f"{k}_heard" in self.program.slots}}

    def offer_too(self, reading: Reading) -> None:
        """On the emergency screen, offer what else the message asked, so an over-cautious match costs one tap."""
        intent = self.program.content.lexicon.intents.get(reading.intent or "") if reading.by_phrase else None
        if intent is None or intent.go is None or intent.go.startswith("danger."):
            return
        label = self.render("understand.go_on_to", {"label": self.render(intent.label)})
        for i, output in enumerate(self.outputs):
            if isinstance(output, Buttons):
                self.outputs[i] = Buttons((Button(label, _goto_event(intent.go)), *output.buttons))
        self.state = self.state.with_slots(self.heard(reading))

    def did_you_mean(self, reading: Reading) -> None:
        """Offer the best guesses as buttons with the menu; with none, say so and offer the screen again."""
        intents = self.program.content.lexicon.intents
        guesses = [intents[name] for name in reading.guesses if intents[name].go]
        if not guesses:
            self.say("understand.not_understood")
            self.reprompt()
            return
        self.say("understand.did_you_mean")
        found = [Button(self.render(i.label), _goto_event(i.go or "")) for i in guesses]
        found.append(Button(self.render("system.button_menu"), Command("menu")))
        found.append(Button(self.render("system.button_danger"), Command("danger")))
        self.outputs.append(Buttons(tuple(found)))

    def resume(self) -> None:
        if self.current is None:
            self.enter(self.start_of("start"))
            return
        self.say("system.resume")
        self.enter(self.current.id, again=True)

    # Moves ------------------------------------------------------------------

    def go(self, target: str) -> None:
        """Move to a node, remembering where the person was for /back."""
        self.state = self.state.moved_to(target, remember=self.state.node)
        if self.state.slots.get(FILE_KEPT_SLOT):
            self.state = self.state.with_slots({FILE_KEPT_SLOT: ""})
        if self.program.flows.nodes[target].show == "list":
            self.state = self.state.with_slots({"log_page": "0"})
        self.enter(target)

    def back(self) -> None:
        if not self.state.history:
            self.enter(self.start_of("menu"))
            return
        previous = self.state.history[-1]
        self.state = replace(self.state, history=self.state.history[:-1])
        self.enter(previous if previous in self.program.flows.nodes else self.start_of("menu"), again=True)

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

    # Output -----------------------------------------------------------------

    def show(self, node: Node, act: bool = True) -> None:
        if node.say is not None:
            self.say(node.say, node.variables)
        for helpline_id in node.helplines:
            line = self.program.content.helplines[helpline_id]
            self.outputs.append(HelplineCard(line.id, line.name, line.number, line.for_whom, line.hours))
        if node.show is not None:
            page = _number(self.state.slots.get("log_page", "0"))
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

    # Lookups ----------------------------------------------------------------

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

    def label_index(self, node: Node, text: str) -> int | None:
        """Return the option whose label was typed: exactly, or (where no free text is awaited) misspelt."""
        understanding = self.program.understanding
        said = understanding.normalise(text)
        if not said:
            return None
        typed = " ".join(said)
        labels = [" ".join(understanding.normalise_label(self.render(o.label))) for o in node.options]
        for index, label in enumerate(labels):
            if label == typed:
                return index
        if node.ask:
            return None
        matcher = SequenceMatcher(b=typed)
        scored = []
        for index, label in enumerate(labels):
            matcher.set_seq1(label)
            # The cheap upper bounds first, as difflib.get_close_matches does: most labels fail them.
            if matcher.real_quick_ratio() >= LABEL_LIKENESS and matcher.quick_ratio() >= LABEL_LIKENESS:
                scored.append((matcher.ratio(), index))
        best = max(scored, default=(0.0, -1))
        return best[1] if best[0] >= LABEL_LIKENESS else None


def _goto_event(target: str) -> Goto | Command:
    return Command(target[1:]) if target.startswith("/") else Goto(target)


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_WORDS else flat[: PREVIEW_WORDS - 1].rstrip() + "…"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0
