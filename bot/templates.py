"""Message templates: Jinja2 with strict variables, escaping chosen by output format."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.diagnostics import Diagnostic
from bot.flow_model import Source
from bot.yaml_source import YamlReader, read_text

# "plain" is for chat apps and terminals that show text as it is; "html" escapes what people typed.
OutputFormat = Literal["plain", "html"]
FORMATS: tuple[OutputFormat, ...] = ("plain", "html")
JINJA_MARKS = re.compile(r"\{[{%#]")


class UnknownHelpline(LookupError):
    """Raised when a template asks for a helpline the directory does not hold."""


TEMPLATE_KEYS = {"text", "source"}
FACT_KEYS = {"file", "quote"}


@dataclass(frozen=True)
class Fact:
    """Where a template's fact comes from: a guidance file's 3-digit prefix and a short verbatim quote."""

    file: str
    quote: str


@dataclass(frozen=True)
class TemplateSource:
    """A template's text, where it was written, and the guidance its facts come from."""

    id: str
    text: str
    source: Source
    body_line: int
    facts: tuple[Fact, ...] = ()


class TemplateLibrary:
    """Compiled templates by id; what a person typed is only ever passed in as data."""

    def __init__(self, sources: Mapping[str, TemplateSource], numbers: Callable[[str], str]) -> None:
        self.sources = dict(sources)
        self._compiled: dict[OutputFormat, dict[str, jinja2.Template]] = {}
        # Most templates (button labels, fixed advice) hold no Jinja at all: their text is the rendering.
        self._static = {t.id: t.text.strip() for t in self.sources.values() if not JINJA_MARKS.search(t.text)}
        self.problems: list[Diagnostic] = []
        for fmt in FORMATS:
            env = ImmutableSandboxedEnvironment(
                undefined=jinja2.StrictUndefined,
                autoescape=fmt == "html",
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.globals["number"] = numbers
            self._compiled[fmt] = {}
            for template in self.sources.values():
                compiled = self._compile(env, template, report=fmt == "plain")
                if compiled is not None:
                    self._compiled[fmt][template.id] = compiled

    def _compile(self, env: jinja2.Environment, template: TemplateSource, report: bool) -> jinja2.Template | None:
        try:
            return env.from_string(template.text)
        except jinja2.TemplateSyntaxError as error:
            if report:
                line = template.body_line + (error.lineno or 1) - 1
                where = Source(template.source.path, line)
                self.problems.append(Diagnostic(where, "TEMPLATE_ERROR", f"'{template.id}': {error.message}"))
            return None

    def __contains__(self, template_id: object) -> bool:
        return template_id in self.sources

    def render(self, template_id: str, variables: Mapping[str, Any], fmt: OutputFormat = "plain") -> str:
        """Render a template; raises KeyError for an unknown id and Jinja2 errors for bad variables."""
        template = self._compiled[fmt].get(template_id)
        if template is None:
            raise KeyError(template_id)
        static = self._static.get(template_id)
        if static is not None:
            return static
        return template.render(**variables).strip()


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
            if isinstance(value, yaml.MappingNode):  # a template that states a fact: text, and its source
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
