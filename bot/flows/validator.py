"""Check flows against content and each other; collect every problem, never stop at the first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import (
    ACTION_SLOTS,
    ACTIONS,
    ANSWER_ACTIONS,
    BUILTIN_COMMANDS,
    EDITED_NODE,
    PLATFORM_COMMANDS,
    REQUIRED_FLOWS,
    VIEWS,
    FlowSet,
    Node,
    Source,
)
from bot.engine.platform import Capabilities
from bot.engine.program import Content
from bot.engine.templates import TemplateLibrary
from bot.flows import template_checks
from bot.flows.plan_parts import ITEMS, SECTIONS, TICKS


def validate(
    flows: FlowSet, content: Content, flows_dir: Path, platforms: Sequence[Capabilities] = ()
) -> list[Diagnostic]:
    """Return every problem in the flows, sorted by file and line, checked against each platform given."""
    checks = (
        _required_flows(flows, flows_dir),
        _structure(flows),
        _references(flows, content),
        _reachability(flows, content),
        _automatic_loops(flows),
        template_checks.renders(flows, content, platforms, slot_names(flows)),
        template_checks.log_templates(flows, content),
        template_checks.plan_templates(flows, content),
        _commands(flows, content.templates),
        _screens(flows, platforms),
        template_checks.platform_templates(content, platforms, Source(str(content.directory / "templates"), 1)),
    )
    return sorted(problem for check in checks for problem in check)


def _required_flows(flows: FlowSet, flows_dir: Path) -> Iterator[Diagnostic]:
    for flow_id in REQUIRED_FLOWS:
        if flow_id not in flows.flows:
            where = Source(str(flows_dir), 1)
            yield Diagnostic(where, "MISSING_FLOW", f"the engine needs a flow called '{flow_id}'")


def _structure(flows: FlowSet) -> Iterator[Diagnostic]:
    for flow in flows.flows.values():
        if flow.start_node not in flows.nodes:
            yield Diagnostic(flow.source, "UNKNOWN_TARGET", f"start node '{flow.start}' is not a node of '{flow.id}'")
    for node in flows.nodes.values():
        yield from _node_shape(node)


def _node_shape(node: Node) -> Iterator[Diagnostic]:
    here = node.source
    if node.branch is not None and node.branch.otherwise is None:
        yield Diagnostic(node.branch.source, "BRANCH_NO_ELSE", f"branch in '{node.id}' has no 'else'")
    if node.branch is not None and (node.next or node.ask or node.options):
        yield Diagnostic(here, "SCHEMA", f"'{node.id}' has a branch, so it cannot also have next, ask or options")
    if node.next and node.options and not node.ask:
        yield Diagnostic(here, "SCHEMA", f"'{node.id}' moves on by itself (next), so its options would never show")
    yield from _action_shape(node)
    yield from _view_shape(node)
    if node.ask and not node.next:
        yield Diagnostic(node.where("ask"), "DEAD_END", f"'{node.id}' asks for '{node.ask}' but has no 'next' to go to")
    if not (node.options or node.ask or node.next or node.branch or node.end):
        yield Diagnostic(here, "DEAD_END", f"'{node.id}' has no way on: add options, next, branch or 'end: true'")


def _action_shape(node: Node) -> Iterator[Diagnostic]:
    where = node.where("do")
    if node.do is None:
        return
    if node.do not in ACTIONS:
        yield Diagnostic(where, "SCHEMA", f"'{node.do}' is not an action (one of: {', '.join(ACTIONS)})")
        return
    if node.do in ANSWER_ACTIONS and not node.ask:
        yield Diagnostic(where, "SCHEMA", f"'{node.id}' has 'do: {node.do}' but does not ask for anything to hand it")
    if node.do not in ANSWER_ACTIONS and node.ask:
        yield Diagnostic(where, "SCHEMA", f"'{node.do}' takes no answer, so '{node.id}' cannot also ask")
    for needed in ACTIONS[node.do]:
        if needed not in node.variables:
            yield Diagnostic(where, "SCHEMA", f"'{node.do}' needs vars: {{{needed}: ...}}")
    yield from _plan_vars(node)


def _plan_vars(node: Node) -> Iterator[Diagnostic]:
    """Check that a plan action names a part (a point to tick, for a tick) or a section that the plan has."""
    item, section = node.variables.get("item"), node.variables.get("section")
    known = TICKS if node.do == "plan_tick" else ITEMS
    if node.do in ("save_plan", "plan_tick", "plan_choose") and item is not None and item not in known:
        yield Diagnostic(node.where("do"), "SCHEMA", f"'{node.id}': '{item}' is not a part of the plan for '{node.do}'")
    if node.do == "plan_clear" and section is not None and section not in SECTIONS:
        yield Diagnostic(node.where("do"), "SCHEMA", f"'{node.id}': '{section}' is not a section of the plan")


def _view_shape(node: Node) -> Iterator[Diagnostic]:
    if node.show is not None and node.show not in VIEWS:
        yield Diagnostic(node.where("show"), "SCHEMA", f"'{node.show}' is not a view (one of: {', '.join(VIEWS)})")
    if node.show == "plan_section" and node.variables.get("section") not in SECTIONS:
        message = f"'{node.id}' shows a section of the plan: it needs vars: {{section: one of {', '.join(SECTIONS)}}}"
        yield Diagnostic(node.where("show"), "SCHEMA", message)
    if (node.show == "list") != (node.pick is not None):
        message = f"'{node.id}': a list (show: list) needs 'pick' (where a chosen note goes), and only a list has it"
        yield Diagnostic(node.where("pick" if node.pick else "show"), "SCHEMA", message)


def _references(flows: FlowSet, content: Content) -> Iterator[Diagnostic]:
    known_slots = slot_names(flows)
    for node in flows.nodes.values():
        for target, where in node.targets():
            if target not in flows.nodes:
                yield Diagnostic(where, "UNKNOWN_TARGET", f"'{node.id}' goes to '{target}', which does not exist")
        commands = {*BUILTIN_COMMANDS, *PLATFORM_COMMANDS, *flows.command_flows()}
        for option in node.options:
            if option.go.startswith("/") and option.go[1:] not in commands:
                yield Diagnostic(option.source, "UNKNOWN_TARGET", f"'{option.go}' is not a command the bot knows")
        yield from _content_references(node, content)
        for case in node.branch.cases if node.branch is not None else ():
            for slot in case.when:
                if slot not in known_slots:
                    yield Diagnostic(case.source, "UNKNOWN_SLOT", f"slot '{slot}' is never set by any flow")


def _content_references(node: Node, content: Content) -> Iterator[Diagnostic]:
    if node.say is not None and node.say not in content.templates:
        message = f"'{node.id}' says '{node.say}', which is not in content"
        yield Diagnostic(node.where("say"), "UNKNOWN_TEMPLATE", message)
    for option in node.options:
        if option.label not in content.templates:
            yield Diagnostic(option.source, "UNKNOWN_TEMPLATE", f"label '{option.label}' is not in content")
    for helpline in node.helplines:
        if helpline not in content.helplines:
            message = f"'{helpline}' is not in the helpline directory"
            yield Diagnostic(node.where("helplines"), "UNKNOWN_HELPLINE", message)


def slot_names(flows: FlowSet) -> frozenset[str]:
    """Return every slot a flow can fill, by asking or by an option."""
    names = {node.ask for node in flows.nodes.values() if node.ask and not node.do}
    names |= set(ACTION_SLOTS)
    names |= {slot for node in flows.nodes.values() for option in node.options for slot in option.sets}
    return frozenset(names)


def entry_nodes(flows: FlowSet, content: Content) -> set[str]:
    """Return the nodes a conversation can start at without a link: required flows, commands, typed intents."""
    entries = {flows.flows[f].start_node for f in REQUIRED_FLOWS if f in flows.flows}
    entries |= {flow.start_node for flow in flows.flows.values() if flow.commands}
    entries |= {EDITED_NODE} & set(flows.nodes)
    topics = [*content.lexicon.intents.values(), *content.lexicon.danger]
    return entries | {t.go for t in topics if t.go is not None}


def _reachability(flows: FlowSet, content: Content) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    todo = [n for n in entry_nodes(flows, content) if n in flows.nodes]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(t for t, _ in flows.nodes[current].targets() if t in flows.nodes)
    for node in flows.nodes.values():
        if node.id not in seen:
            yield Diagnostic(node.source, "UNREACHABLE", f"nothing leads to '{node.id}'")


def _automatic_loops(flows: FlowSet) -> Iterator[Diagnostic]:
    """Find cycles of nodes that move on by themselves, which would never wait for the person."""

    def automatic(node: Node) -> list[str]:
        if node.ask:
            return []
        return [t for t, _ in node.targets() if t in flows.nodes] if not node.waits else []

    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[str] = set()

    def visit(node_id: str, path: list[str]) -> Iterator[Diagnostic]:
        state[node_id] = 1
        for target in automatic(flows.nodes[node_id]):
            if state.get(target) == 1 and target not in reported:
                reported.add(target)
                cycle = " -> ".join([*path[path.index(target) :], target]) if target in path else target
                yield Diagnostic(flows.nodes[target].source, "AUTO_LOOP", f"these nodes loop without waiting: {cycle}")
            elif target not in state:
                yield from visit(target, [*path, target])
        state[node_id] = 2

    for node_id in flows.nodes:
        if node_id not in state:
            yield from visit(node_id, [node_id])


def _screens(flows: FlowSet, platforms: Sequence[Capabilities]) -> Iterator[Diagnostic]:
    """Check that each screen's buttons, with those the engine adds, fit every platform."""
    danger = flows.flows["danger"].start_node if "danger" in flows.flows else None
    for node in flows.nodes.values():
        if not node.options:
            continue
        added = (
            (node.flow == "danger") + node.end + (node.flow != "danger" and all(o.go != danger for o in node.options))
        )
        for platform in platforms:
            shown = len(node.options) + added
            if shown > platform.max_buttons:
                message = f"'{node.id}' shows {shown} buttons; {platform.name} shows at most {platform.max_buttons}"
                yield Diagnostic(node.source, "TOO_MANY_BUTTONS", message)


def _commands(flows: FlowSet, templates: TemplateLibrary) -> Iterator[Diagnostic]:
    owners: dict[str, str] = {}
    for flow in flows.flows.values():
        for command in flow.commands:
            if f"command.{command}" not in templates:
                yield Diagnostic(
                    flow.source,
                    "UNKNOWN_TEMPLATE",
                    f"command '/{command}' needs a 'command.{command}' "
                    "template: the one-line description chat apps show",
                )
            if command in BUILTIN_COMMANDS or command in PLATFORM_COMMANDS or command in owners:
                owner = owners.get(command, "the engine")
                yield Diagnostic(flow.source, "DUPLICATE_ID", f"command '/{command}' already belongs to {owner}")
            owners.setdefault(command, flow.id)
