"""Templates: fixed text comes back as written; Jinja renders the rest, escaping what people typed in HTML."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from bot.engine.model import Source
from bot.engine.program import Program
from bot.engine.templates import FORMATS, Fact, TemplateLibrary, TemplateSource
from bot.flows.template_files import load_template_sources
from bot.settings import PROJECT_ROOT

GUIDANCE = PROJECT_ROOT.parent / "shared" / "guidance"


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


def test_a_template_with_a_source_keeps_its_text_and_quotes(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        'plain: "Hello."\n'
        'sourced:\n  text: |\n    Call {{ 1 }}.\n  source:\n    - file: "004"\n      quote: "a quote"\n'
        'bad:\n  text: x\n  source:\n    - file: "001"\n  colour: red\n',
        encoding="utf-8",
    )
    found, problems = load_template_sources(tmp_path)
    assert found["plain"].facts == () and found["sourced"].text == "Call {{ 1 }}."
    assert found["sourced"].facts == (Fact("004", "a quote"),) and found["sourced"].body_line == 4
    assert sorted(p.code for p in problems) == ["SCHEMA", "SCHEMA"]  # an unknown key; a source without a quote


def test_every_quoted_source_is_in_its_guidance_file(program: Program) -> None:
    guidance = {p.name[:3]: " ".join(p.read_text(encoding="utf-8").split()) for p in GUIDANCE.glob("0*.txt")}
    if not guidance:
        pytest.skip("../shared/guidance is not beside this checkout")
    for template in program.content.templates.sources.values():
        for fact in template.facts:
            assert " ".join(fact.quote.split()) in guidance[fact.file], (template.id, fact)
