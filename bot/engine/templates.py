"""Message templates: Jinja2 with strict variables, escaping chosen by output format."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import Source
from bot.engine.provenance import Provenance

# "plain" is for chat apps and terminals that show text as it is; "html" escapes what people typed.
OutputFormat = Literal["plain", "html"]
FORMATS: tuple[OutputFormat, ...] = ("plain", "html")
JINJA_MARKS = re.compile(r"\{[{%#]")


class UnknownHelpline(LookupError):
    """Raised when a template asks for a helpline the directory does not hold."""


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
    provenance: Provenance | None = None  # the facts with where each quote was written, or why there are none


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
                if template.id in self._static:
                    continue  # its text is its rendering: compiling it would only cost memory and start-up
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
        static = self._static.get(template_id)
        if static is not None:
            return static
        template = self._compiled[fmt].get(template_id)
        if template is None:
            raise KeyError(template_id)
        return template.render(**variables).strip()
