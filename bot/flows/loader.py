"""Load flows/*.yaml into the frozen flow model, keeping each element's file and line."""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import Branch, Case, Flow, FlowSet, Node, Option, Source
from bot.flows.yaml_source import YamlReader, read_text

FLOW_KEYS = {"flow", "start", "commands", "nodes"}
NODE_KEYS = {"say", "vars", "helplines", "options", "ask", "do", "next", "branch", "end", "show", "pick", "attach"}
OPTION_KEYS = {"label", "go", "set"}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def load_flows(directory: Path) -> tuple[FlowSet, list[Diagnostic]]:
    """Load every flow file in a directory; return the flows and every problem found."""
    flows: dict[str, Flow] = {}
    problems: list[Diagnostic] = []
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        problems.append(Diagnostic(Source(str(directory), 1), "SCHEMA", "no flow files (*.yaml) found here"))
    for path in files:
        reader = YamlReader(str(path))
        flow = _load_file(path, reader)
        problems.extend(reader.problems)
        if flow is None:
            continue
        if flow.id in flows:
            first = flows[flow.id].source
            problems.append(Diagnostic(flow.source, "DUPLICATE_ID", f"flow '{flow.id}' is already defined at {first}"))
            continue
        flows[flow.id] = flow
    return FlowSet(flows), problems


def _load_file(path: Path, reader: YamlReader) -> Flow | None:
    text = read_text(path, reader)
    root = reader.parse(text) if text is not None else None
    if root is None:
        if text is not None and not reader.problems:
            reader.problem(1, "SCHEMA", "the file is empty")
        return None
    if isinstance(root, yaml.MappingNode) and any(k.value == "intents" for k, _ in root.value):
        key = next(k for k, _ in root.value if k.value == "intents")
        reader.problem(key, "SCHEMA", "typed phrases now live in content/understanding/intents.yaml, not in flows")
        root.value = [(k, v) for k, v in root.value if k.value != "intents"]
    entries = reader.mapping(root, "a flow file", FLOW_KEYS)
    flow_id = _name(reader, entries, "flow", root)
    start = _name(reader, entries, "start", root)
    if flow_id is None or start is None:
        return None
    nodes: dict[str, Node] = {}
    if "nodes" not in entries:
        reader.problem(root, "SCHEMA", "a flow needs 'nodes'")
    else:
        for key, (key_node, value) in reader.pairs(entries["nodes"], "nodes").items():
            node = _load_node(reader, flow_id, key, key_node, value)
            if node is not None:
                nodes[key] = node
    commands = tuple(reader.texts(entries["commands"], "commands")) if "commands" in entries else ()
    return Flow(flow_id, start, MappingProxyType(nodes), commands, reader.source(root))


def _name(reader: YamlReader, entries: dict[str, yaml.Node], key: str, parent: yaml.Node) -> str | None:
    if key not in entries:
        reader.problem(parent, "SCHEMA", f"a flow needs '{key}'")
        return None
    value = reader.text(entries[key], f"'{key}'")
    if value is not None and not NAME.match(value):
        reader.problem(entries[key], "SCHEMA", f"'{value}' should be lower-case letters, digits and _")
        return None
    return value


def _load_node(reader: YamlReader, flow_id: str, name: str, key: yaml.Node, value: yaml.Node) -> Node | None:
    if not NAME.match(name):
        reader.problem(key, "SCHEMA", f"node name '{name}' should be lower-case letters, digits and _")
        return None
    pairs = reader.pairs(value, f"node '{name}'", NODE_KEYS)
    entries = {k: v for k, (_, v) in pairs.items()}
    here = reader.source(key)

    def target(key: str) -> str | None:
        raw = reader.text(entries[key], f"'{key}'") if key in entries else None
        return qualify(flow_id, raw) if raw else None

    return Node(
        id=f"{flow_id}.{name}",
        flow=flow_id,
        say=reader.text(entries["say"], "'say'") if "say" in entries else None,
        variables=_variables(reader, entries.get("vars")),
        helplines=tuple(reader.texts(entries["helplines"], "'helplines'")) if "helplines" in entries else (),
        options=tuple(_load_options(reader, flow_id, entries.get("options"))),
        ask=reader.text(entries["ask"], "'ask'") if "ask" in entries else None,
        do=reader.text(entries["do"], "'do'") if "do" in entries else None,
        next=target("next"),
        branch=_load_branch(reader, flow_id, pairs["branch"]) if "branch" in pairs else None,
        end=reader.flag(entries["end"], "'end'") if "end" in entries else False,
        source=here,
        lines=MappingProxyType({k: reader.source(key_node).line for k, (key_node, _) in pairs.items()}),
        show=reader.text(entries["show"], "'show'") if "show" in entries else None,
        pick=target("pick"),
        attach=reader.flag(entries["attach"], "'attach'") if "attach" in entries else False,
    )


def _variables(reader: YamlReader, node: yaml.Node | None) -> MappingProxyType[str, str]:
    if node is None:
        return MappingProxyType({})
    found = {}
    for key, value in reader.mapping(node, "'vars'").items():
        text = reader.text(value, f"variable '{key}'")
        if text is not None:
            found[key] = text
    return MappingProxyType(found)


def _load_options(reader: YamlReader, flow_id: str, node: yaml.Node | None) -> list[Option]:
    options = []
    for item in reader.sequence(node, "'options'") if node is not None else []:
        entries = reader.mapping(item, "an option", OPTION_KEYS)
        label = reader.text(entries["label"], "'label'") if "label" in entries else None
        go = reader.text(entries["go"], "'go'") if "go" in entries else None
        if label is None or go is None:
            if not ("label" in entries and "go" in entries):
                reader.problem(item, "SCHEMA", "an option needs 'label' and 'go'")
            continue
        sets = _variables(reader, entries.get("set"))
        options.append(Option(label, qualify(flow_id, go), sets, reader.source(item)))
    return options


def _load_branch(reader: YamlReader, flow_id: str, pair: tuple[yaml.Node, yaml.Node]) -> Branch:
    key, node = pair
    cases: list[Case] = []
    otherwise: str | None = None
    for item in reader.sequence(node, "'branch'"):
        entries = reader.mapping(item, "a branch arm", {"if", "go", "else"})
        if "else" in entries:
            raw = reader.text(entries["else"], "'else'")
            otherwise = qualify(flow_id, raw) if raw else None
            continue
        if "if" not in entries or "go" not in entries:
            reader.problem(item, "SCHEMA", "a branch arm needs 'if' and 'go' (or is 'else: target')")
            continue
        when = {
            slot: tuple(reader.texts(v, f"values of '{slot}'"))
            for slot, v in reader.mapping(entries["if"], "'if'").items()
        }
        go = reader.text(entries["go"], "'go'")
        if go:
            cases.append(Case(MappingProxyType(when), qualify(flow_id, go), reader.source(item)))
    return Branch(tuple(cases), otherwise, reader.source(key))


def qualify(flow_id: str, target: str) -> str:
    """Return a target as ``flow.node``: a bare node name means a node of the same flow; ``/name`` is a command."""
    return target if "." in target or target.startswith("/") else f"{flow_id}.{target}"
