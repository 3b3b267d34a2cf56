"""Templates: fixed text comes back as written; Jinja renders the rest, escaping what people typed in HTML."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from bot.engine.model import Source
from bot.engine.program import Program
from bot.engine.templates import FORMATS, TemplateLibrary, TemplateSource


def library(**texts: str) -> TemplateLibrary:
    sources = {key: TemplateSource(key, text, Source(Path("t.yaml"), 1), 1) for key, text in texts.items()}
    return TemplateLibrary(sources, numbers=lambda helpline: f"<{helpline}>")


def test_fixed_text_renders_as_jinja_would(program: Program) -> None:
    templates = program.content.templates
    fixed = [key for key, source in templates.sources.items() if "{" not in source.text]
    assert len(fixed) > 50
    for fmt in FORMATS:
        environment = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, autoescape=fmt == "html")
        for key in fixed:
            expected = environment.from_string(templates.sources[key].text).render().strip()
            assert templates.render(key, {}, fmt) == expected, key


def test_variables_are_rendered_and_escaped_in_html() -> None:
    templates = library(fixed="  Call 999.\n", greeting="Hello {{ name }}.", line="{{ number('x') }}")
    assert templates.render("fixed", {}) == "Call 999."
    assert templates.render("greeting", {"name": "<b>Sam</b>"}) == "Hello <b>Sam</b>."
    assert templates.render("greeting", {"name": "<b>Sam</b>"}, "html") == "Hello &lt;b&gt;Sam&lt;/b&gt;."
    assert templates.render("line", {}) == "<x>"
    with pytest.raises(jinja2.UndefinedError):
        templates.render("greeting", {})


def test_an_unknown_template_is_an_error() -> None:
    with pytest.raises(KeyError):
        library(fixed="Call 999.").render("missing", {})
