"""Sources: the rule for which templates need one, the shape of ``source:``, and quotes checked against the guidance."""

from __future__ import annotations

from pathlib import Path

from bot.engine.program import Program
from bot.engine.provenance import normalise
from bot.flows.content import load_content
from bot.flows.loader import load_flows
from bot.flows.program import check
from bot.flows.provenance import guidance_texts
from bot.flows.provenance_checks import GUIDANCE_DIR, check_sources, fact_templates
from tests.conftest import ProjectMaker


def codes(flows_dir: Path, content_dir: Path, guidance: Path) -> list[str]:
    flows, _ = load_flows(flows_dir)
    content, problems = load_content(content_dir)
    found = [str(p) for p in [*problems, *check_sources(flows, content, guidance)]]
    # The test guidance holds none of the shipped directory's or Telegram templates' files: only t.yaml is checked.
    return [p for p in found if "helpline '" not in p and "telegram.yaml" not in p]


def guidance_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "guidance"
    folder.mkdir()
    text = "You can contact the  National Stalking Helpline \u2014 it\u2019s free."  # a dash and a curly quote
    (folder / "004_abc.txt").write_text(text, encoding="utf-8")
    return folder


HELP_WITH = "{text: 'Help text.', source: [{file: '004', quote: %s}]}"


def test_a_fact_template_without_a_source_is_reported_at_its_line(make_project: ProjectMaker, tmp_path: Path) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": "Help text."})
    found = codes(flows_dir, content_dir, guidance_dir(tmp_path))
    assert any(f"{content_dir / 'templates' / 't.yaml'}:4: SOURCE_MISSING 't.help'" in p for p in found), found


def test_a_quote_matches_with_whitespace_case_quotes_and_dashes_folded(
    make_project: ProjectMaker, tmp_path: Path
) -> None:
    quote = '"contact the national stalking helpline - it\'s FREE"'
    flows_dir, content_dir = make_project(templates={"t.help": HELP_WITH % quote})
    assert codes(flows_dir, content_dir, guidance_dir(tmp_path)) == []


def test_every_quote_not_in_its_file_is_reported_at_once(make_project: ProjectMaker, tmp_path: Path) -> None:
    wrong = "[{file: '004', quote: 'wherever you live'}, {file: '003', quote: 'free'}]"
    flows_dir, content_dir = make_project(templates={"t.help": "{text: 'Help.', source: " + wrong + "}"})
    found = codes(flows_dir, content_dir, guidance_dir(tmp_path))
    assert [p.split(": ")[1].split()[0] for p in found] == ["SOURCE_NOT_FOUND", "SOURCE_UNKNOWN_FILE"], found


def test_source_none_needs_a_why(make_project: ProjectMaker, tmp_path: Path) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": "{text: 'Help.', source: none}"})
    assert any(
        "SOURCE_MISSING 't.help' says 'source: none' without 'why:'" in p
        for p in codes(flows_dir, content_dir, guidance_dir(tmp_path))
    )


def test_quotes_are_not_checked_without_the_guidance(make_project: ProjectMaker, tmp_path: Path) -> None:
    flows_dir, content_dir = make_project(templates={"t.help": HELP_WITH % "'not in any file'"})
    assert codes(flows_dir, content_dir, tmp_path / "absent") == []


def test_labels_and_questions_outside_the_fact_flows_need_no_source(program: Program) -> None:
    needed = fact_templates(program.flows, program.content)
    assert "routing.national" in needed and "log.pattern" in needed  # in a fact flow; gives a number
    assert "menu.main" not in needed and "routing.line_women" not in needed and "note.where" not in needed


def test_every_shipped_fact_template_has_a_source_found_in_the_guidance(program: Program) -> None:
    if not GUIDANCE_DIR.is_dir():
        return
    texts = guidance_texts(GUIDANCE_DIR)
    sources = program.content.templates.sources
    for template_id in fact_templates(program.flows, program.content):
        provenance = sources[template_id].provenance
        assert provenance is not None, template_id
        for quote in provenance.quotes:
            assert normalise(quote.quote) in texts[quote.file], (template_id, quote.quote)


def test_shipped_check_reports_no_source_problem() -> None:
    from tests.conftest import CONTENT, FLOWS

    _, found = check(FLOWS, CONTENT)
    assert not [p for p in found if p.code.startswith("SOURCE")]
