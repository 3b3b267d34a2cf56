"""Message templates: Jinja2 with strict variables, escaping chosen by output format."""

from __future__ import annotations

import copy
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
from bot.provenance import Provenance, read_provenance
from bot.yaml_source import YamlReader, read_text

# "plain" is for chat apps and terminals that show text as it is; "html" escapes what people typed.
OutputFormat = Literal["plain", "html"]
FORMATS: tuple[OutputFormat, ...] = ("plain", "html")
JINJA_MARKS = re.compile(r"\{[{%#]")
PLATFORMS = ("terminal", "telegram")  # a template may have its own words for one of these: "<id>@<platform>"
TEMPLATE_KEYS = {"text", "source", "why", *PLATFORMS}


class UnknownHelpline(LookupError):
    """Raised when a template asks for a helpline the directory does not hold."""


@dataclass(frozen=True)
class TemplateSource:
    """A template's text and where it was written."""

    id: str
    text: str
    source: Source
    body_line: int
    provenance: Provenance | None = None


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

    def for_platform(self, platform: str) -> TemplateLibrary:
        """Return this library with each template's words for ``platform`` (``<id>@<platform>``) in its place."""
        view = copy.copy(self)
        suffix = f"@{platform}"
        variants = {key[: -len(suffix)]: key for key in self.sources if key.endswith(suffix)}
        view._compiled = {
            fmt: {**compiled, **{base: compiled[key] for base, key in variants.items() if key in compiled}}
            for fmt, compiled in self._compiled.items()
        }
        view._static = {k: v for k, v in self._static.items() if k not in variants}
        view._static.update({base: self._static[key] for base, key in variants.items() if key in self._static})
        return view

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
    return TemplateSource(key, body, here, body_line, provenance)
