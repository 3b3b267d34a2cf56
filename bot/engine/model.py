"""The typed, frozen model of the conversation flows, each element carrying its source location."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Flows the engine relies on: the welcome, the menu, emergency help and the help page.
REQUIRED_FLOWS = ("start", "menu", "danger", "help")
# Commands the engine handles itself, and those it hands to the platform adapter.
BUILTIN_COMMANDS = ("start", "menu", "back", "help", "danger")
PLATFORM_COMMANDS = ("clear", "exit")
# What an asking node can hand its answer to (``do:``), and the variables each needs.
ANSWER_ACTIONS: dict[str, tuple[str, ...]] = {
    "save_note": (),
    "save_answer": ("field",),  # a question asked once: a note that has answered it skips it
    "correct_answer": ("field",),  # asked again on purpose: a second answer is kept as an amendment
    "amend_note": (),
    "save_plan": ("item",),  # a part of the plan in the person's words; a new answer replaces the last
}
# What a node that asks for nothing does as it is shown (``do:``), to the note in hand or the whole log.
ENTRY_ACTIONS: dict[str, tuple[str, ...]] = {
    "delete_note": (),
    "amend_edited": (),
    "forget": (),
    "export": (),
    "plan_tick": ("item",),  # tick a point of the plan, or untick it
    "plan_choose": ("item", "value"),  # keep a fixed choice (a helpline's id) as a part of the plan
    "plan_clear": ("section",),  # clear one section of the plan
    "plan_export": (),  # the plan as a one-page PDF
}
PLAN_ACTIONS = frozenset({"save_plan", "plan_tick", "plan_choose", "plan_clear", "plan_export"})
ACTIONS = {**ANSWER_ACTIONS, **ENTRY_ACTIONS}
EDITED_NODE = "log.edited"  # where the engine offers a changed note message as a correction, when flows have it
# Slots the log fills: the note in hand, which of its questions are answered, and the page of the list.
ACTION_SLOTS = ("note_id", "answered", "log_page", "edited", "file_kept", "note_preview")
# Views of the log a node can show (``show:``); the service fills them in from the store.
PLAN_VIEWS = ("plan", "plan_section")  # the whole plan, or the section named in vars
VIEWS = ("list", "note", "pattern", *PLAN_VIEWS)


@dataclass(frozen=True, order=True)
class Source:
    """Where an element was written: a file and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Option:
    """A button: a label template, the node it goes to, and slots it sets."""

    label: str
    go: str
    sets: Mapping[str, str]
    source: Source


@dataclass(frozen=True)
class Case:
    """One arm of a branch: every named slot must hold one of the listed values ("*": any value at all)."""

    when: Mapping[str, tuple[str, ...]]
    go: str
    source: Source

    def matches(self, slots: Mapping[str, str]) -> bool:
        """Tell whether the slots satisfy this case."""
        return all(
            slots.get(name) in values or ("*" in values and bool(slots.get(name))) for name, values in self.when.items()
        )


@dataclass(frozen=True)
class Branch:
    """Conditional routing on slots, with a required fallback."""

    cases: tuple[Case, ...]
    otherwise: str | None
    source: Source

    def choose(self, slots: Mapping[str, str]) -> str | None:
        """Return the target of the first matching case, else the fallback."""
        for case in self.cases:
            if case.matches(slots):
                return case.go
        return self.otherwise


@dataclass(frozen=True)
class Node:
    """One step of a flow. Its id is qualified: ``flow.node``."""

    id: str
    flow: str
    say: str | None
    variables: Mapping[str, str]
    helplines: tuple[str, ...]
    options: tuple[Option, ...]
    ask: str | None
    do: str | None
    next: str | None
    branch: Branch | None
    end: bool
    source: Source
    lines: Mapping[str, int] = field(default_factory=dict)
    show: str | None = None
    pick: str | None = None
    attach: bool = False

    def where(self, key: str) -> Source:
        """Return where one of the node's keys (say, helplines, ...) was written, else the node."""
        line = self.lines.get(key)
        return Source(self.source.path, line) if line is not None else self.source

    def targets(self) -> Iterator[tuple[str, Source]]:
        """Yield every node this one can lead to, with where the link was written (commands excluded)."""
        for option in self.options:
            if not option.go.startswith("/"):
                yield option.go, option.source
        if self.next is not None:
            yield self.next, self.where("next")
        if self.pick is not None:
            yield self.pick, self.where("pick")
        if self.branch is not None:
            for case in self.branch.cases:
                yield case.go, case.source
            if self.branch.otherwise is not None:
                yield self.branch.otherwise, self.branch.source

    @property
    def waits(self) -> bool:
        """Tell whether the node waits for the person (buttons, free text or an ending)."""
        return self.next is None and self.branch is None


@dataclass(frozen=True)
class Flow:
    """A named set of nodes with a first node and commands that start it."""

    id: str
    start: str
    nodes: Mapping[str, Node]
    commands: tuple[str, ...]
    source: Source

    @property
    def start_node(self) -> str:
        """Return the qualified id of the first node."""
        return f"{self.id}.{self.start}"


@dataclass(frozen=True)
class FlowSet:
    """Every flow, indexed by id, and every node, indexed by qualified id."""

    flows: Mapping[str, Flow]
    nodes: Mapping[str, Node] = field(init=False)

    def __post_init__(self) -> None:
        nodes = {node.id: node for flow in self.flows.values() for node in flow.nodes.values()}
        object.__setattr__(self, "flows", MappingProxyType(dict(self.flows)))
        object.__setattr__(self, "nodes", MappingProxyType(nodes))

    def command_flows(self) -> dict[str, str]:
        """Map each flow-declared command to the flow it starts."""
        return {command: flow.id for flow in self.flows.values() for command in flow.commands}
