"""content/templates/*.yaml read into template sources, with every problem found."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.provenance import Provenance
from bot.engine.templates import Fact, TemplateSource
from bot.flows.provenance import read_provenance
from bot.flows.yaml_source import YamlReader, read_text

PLATFORMS = ("terminal", "telegram", "web")  # a template may have its own words for one of these: "<id>@<platform>"
TEMPLATE_KEYS = {"text", "source", "why", *PLATFORMS}


def load_template_sources(directory: Path) -> tuple[dict[str, TemplateSource], list[Diagnostic]]:
    """Read every content/templates/*.yaml file into template sources by id (platform words as ``<id>@<platform>``).

    A template is text, or a mapping: ``text``, its ``source`` (file and quote, or ``none`` with ``why``),
    and optional words for one platform (``terminal: ...``).
    """
    found: dict[str, TemplateSource] = {}
    problems: list[Diagnostic] = []
    for path in sorted(directory.glob("*.yaml")):
        reader = YamlReader(str(path))
        text = read_text(path, reader)
        root = reader.parse(text) if text is not None else None
        for key, value in (reader.mapping(root, "a template file") if root is not None else {}).items():
            if key in found:
                reader.problem(value, "DUPLICATE_ID", f"template '{key}' is already defined at {found[key].source}")
                continue
            found.update(_read_template(reader, key, value))
        problems.extend(reader.problems)
    return found, problems


def _read_template(reader: YamlReader, key: str, value: yaml.Node) -> dict[str, TemplateSource]:
    if not isinstance(value, yaml.MappingNode):
        body = reader.text(value, f"template '{key}'")
        return {key: _located(key, body, reader, value, None)} if body is not None else {}
    entries = reader.mapping(value, f"template '{key}'", TEMPLATE_KEYS)
    if "text" not in entries:
        reader.problem(value, "SCHEMA", f"template '{key}' needs 'text'")
        return {}
    provenance = read_provenance(reader, entries, key)
    found = {}
    for name in ("text", *PLATFORMS):
        node = entries.get(name)
        body = reader.text(node, f"'{name}' of template '{key}'") if node is not None else None
        if node is not None and body is not None:
            variant = key if name == "text" else f"{key}@{name}"
            found[variant] = _located(variant, body, reader, node, provenance)
    return found


def _located(key: str, body: str, reader: YamlReader, node: yaml.Node, provenance: Provenance | None) -> TemplateSource:
    here = reader.source(node)
    # A block scalar's text starts on the line after its indicator.
    body_line = here.line + 1 if getattr(node, "style", None) in {"|", ">"} else here.line
    facts = tuple(Fact(q.file, q.quote) for q in provenance.quotes) if provenance else ()
    return TemplateSource(key, body, here, body_line, facts, provenance)
