"""content/templates/*.yaml read into template sources, with every problem found."""

from __future__ import annotations

from pathlib import Path

from bot.engine.diagnostics import Diagnostic
from bot.engine.templates import TemplateSource
from bot.flows.yaml_source import YamlReader, read_text


def load_template_sources(directory: Path) -> tuple[dict[str, TemplateSource], list[Diagnostic]]:
    """Read every content/templates/*.yaml file into template sources by id."""
    found: dict[str, TemplateSource] = {}
    problems: list[Diagnostic] = []
    for path in sorted(directory.glob("*.yaml")):
        reader = YamlReader(str(path))
        text = read_text(path, reader)
        root = reader.parse(text) if text is not None else None
        for key, value in (reader.mapping(root, "a template file") if root is not None else {}).items():
            body = reader.text(value, f"template '{key}'")
            if body is None:
                continue
            here = reader.source(value)
            if key in found:
                reader.problem(value, "DUPLICATE_ID", f"template '{key}' is already defined at {found[key].source}")
                continue
            # A block scalar's text starts on the line after its indicator.
            body_line = here.line + 1 if getattr(value, "style", None) in {"|", ">"} else here.line
            found[key] = TemplateSource(key, body, here, body_line)
        problems.extend(reader.problems)
    return found, problems
