"""The review book: every screen as the person sees it, flow by flow, with its buttons, cards and sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.outputs import HelplineCard, LogView, Message, Output, PlanView
from bot.engine.program import Program
from bot.engine.provenance import Provenance
from bot.engine.step import screen as show_screen
from bot.flows.screen_checks import buttons_of, slot_variants

# The order of the diagrams in docs/flows/ as the README introduces them; flows not named come after, by name.
FLOW_ORDER = (
    "start",
    "menu",
    "danger",
    "stalking",
    "routing",
    "online",
    "reporting",
    "safety",
    "plan",
    "wellbeing",
    "help",
    "note",
    "complete",
    "log",
    "forget",
)


@dataclass(frozen=True)
class Source:
    """Where one template on a screen comes from: quotes, or why it needs none."""

    template: str
    quotes: tuple[tuple[str, str], ...]
    why: str | None


@dataclass(frozen=True)
class Screen:
    """One screen: its text in parts, the cards, the buttons, and the sources of its templates."""

    node: str
    variant: str
    messages: tuple[str, ...]
    cards: tuple[HelplineCard, ...]
    buttons: tuple[str, ...]
    sources: tuple[Source, ...]
    card_sources: tuple[str, ...]
    terminal: tuple[str, ...] | None  # the terminal's words, where they differ


@dataclass(frozen=True)
class Section:
    """One flow's screens, in the order of its file."""

    flow: str
    diagram: str
    screens: tuple[Screen, ...]


def build_book(program: Program) -> list[Section]:
    """Return every flow's screens as the person sees them on Telegram (and where different, in the terminal)."""
    telegram, terminal = program.for_platform("telegram"), program.for_platform("terminal")
    known = [f for f in FLOW_ORDER if f in program.flows.flows]
    order = known + sorted(f for f in program.flows.flows if f not in FLOW_ORDER)
    sections = []
    for flow in order:
        screens = [
            screen
            for node in program.flows.flows[flow].nodes.values()
            if node.say is not None
            for screen in _screens(telegram, terminal, node.id)
        ]
        sections.append(Section(flow, f"docs/flows/{flow}.md", tuple(screens)))
    return sections


def _screens(telegram: Program, terminal: Program, node_id: str) -> list[Screen]:
    samples = slot_variants(telegram, telegram.flows.nodes[node_id].say or "")
    variants = [(f"who: {s['who']}" if len(samples) > 1 else "", s) for s in samples]
    screens: list[Screen] = []
    for label, slots in variants:
        outputs = show_screen(telegram, node_id, slots, came_from="menu.main")
        shown = _messages(outputs)
        if any(s.messages == shown for s in screens):
            continue
        in_terminal = _messages(show_screen(terminal, node_id, slots, came_from="menu.main"))
        screens.append(_screen(telegram, node_id, label, outputs, in_terminal if in_terminal != shown else None))
    return screens


def _messages(outputs: Sequence[Output]) -> tuple[str, ...]:
    found = []
    for output in outputs:
        if isinstance(output, Message):
            found.append(output.text)
        elif isinstance(output, LogView):
            found.append(f"[Filled in from the person's own notes: the {output.view}.]")
        elif isinstance(output, PlanView):
            found.append(f"[Filled in from the person's own plan: {output.section or output.view}, as they wrote it.]")
    return tuple(found)


def _screen(
    program: Program, node_id: str, label: str, outputs: Sequence[Output], terminal: tuple[str, ...] | None
) -> Screen:
    templates = program.content.templates.sources
    said = dict.fromkeys(o.template for o in outputs if isinstance(o, Message))
    sources = tuple(_source(t, templates[t].provenance) for t in said if t in templates)
    cards = tuple(o for o in outputs if isinstance(o, HelplineCard))
    card_sources = tuple(f"{c.name}: {program.content.helplines[c.id].document}" for c in cards)
    buttons = tuple(b.label for b in buttons_of(outputs))
    return Screen(node_id, label, _messages(outputs), cards, buttons, sources, card_sources, terminal)


def _source(template: str, provenance: Provenance | None) -> Source:
    if provenance is None:
        return Source(template, (), None)
    return Source(template, tuple((q.file, q.quote) for q in provenance.quotes), provenance.why)


def write_book(program: Program, directory: Path) -> list[Path]:
    """Write the review book as one self-contained HTML file and a PDF; return their paths."""
    from bot.review.html import render_html  # the writers are only loaded to write the book
    from bot.review.pdf import render_pdf

    book = build_book(program)
    directory.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = directory / "guide-review.html", directory / "guide-review.pdf"
    html_path.write_text(render_html(book), encoding="utf-8")
    pdf_path.write_bytes(render_pdf(book))
    return [html_path, pdf_path]
