"""content/templates/*.yaml read into template sources, with every problem found."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.templates import Fact, TemplateSource
from bot.flows.yaml_source import YamlReader, read_text

TEMPLATE_KEYS = {"text", "source"}  # a template that states a fact: its text, and where the fact comes from
FACT_KEYS = {"file", "quote"}


def load_template_sources(directory: Path) -> tuple[dict[str, TemplateSource], list[Diagnostic]]:
    """Read every content/templates/*.yaml file into template sources by id."""
    found: dict[str, TemplateSource] = {}
    problems: list[Diagnostic] = []
    for path in sorted(directory.glob("*.yaml")):
        reader = YamlReader(str(path))
        text = read_text(path, reader)
        root = reader.parse(text) if text is not None else None
        for key, value in (reader.mapping(root, "a template file") if root is not None else {}).items():
            facts: tuple[Fact, ...] = ()
            if isinstance(value, yaml.MappingNode):
                entries = reader.mapping(value, f"template '{key}'", TEMPLATE_KEYS)
                facts = _facts(reader, entries.get("source"), key)
                value = entries.get("text", value)
            body = reader.text(value, f"template '{key}'")
            if body is None:
                continue
            here = reader.source(value)
            if key in found:
                reader.problem(value, "DUPLICATE_ID", f"template '{key}' is already defined at {found[key].source}")
                continue
            # A block scalar's text starts on the line after its indicator.
            body_line = here.line + 1 if getattr(value, "style", None) in {"|", ">"} else here.line
            found[key] = TemplateSource(key, body, here, body_line, facts)
        problems.extend(reader.problems)
    return found, problems


def _facts(reader: YamlReader, node: yaml.Node | None, key: str) -> tuple[Fact, ...]:
    """Read a template's sources: a list of {file, quote}."""
    if node is None:
        return ()
    facts = []
    for item in reader.sequence(node, f"the source of template '{key}'"):
        entries = reader.mapping(item, f"a source of template '{key}'", FACT_KEYS)
        file, quote = (reader.text(entries[k], f"'{k}'") if k in entries else None for k in ("file", "quote"))
        if file and quote:
            facts.append(Fact(file, quote))
        else:
            reader.problem(item, "SCHEMA", f"a source of template '{key}' needs a file and a quote")
    return tuple(facts)
