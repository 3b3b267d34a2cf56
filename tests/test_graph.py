"""The committed flow diagrams match the flows, and say what staff need to review."""

from __future__ import annotations

from pathlib import Path

from bot.engine.program import Program
from bot.flows.graph import diagrams, write_diagrams
from bot.settings import PROJECT_ROOT

DIAGRAMS = PROJECT_ROOT / "docs" / "flows"


def test_committed_diagrams_are_current(program: Program) -> None:
    expected = diagrams(program)
    committed = {p.name: p.read_text(encoding="utf-8") for p in DIAGRAMS.glob("*.md")}
    stale = sorted(name for name in expected.keys() | committed.keys() if expected.get(name) != committed.get(name))
    assert not stale, f"run `python -m bot graph` and commit docs/flows/: out of date: {stale}"


def test_diagram_shows_numbers_labels_and_branches(program: Program) -> None:
    page = diagrams(program)["routing.md"]
    assert page.startswith("<!-- Generated")
    assert "```mermaid\nflowchart TD" in page
    assert "0808 800 0340" in page
    assert '-- "A partner or ex-partner" --> routing__which_line' in page
    assert '-. "who is partner and line is women" .-> routing__domestic_women' in page
    assert 'safety__start(["➡ safety.start"])' in page


def test_writing_removes_pages_of_deleted_flows(program: Program, tmp_path: Path) -> None:
    (tmp_path / "gone.md").write_text("old")
    written = write_diagrams(program, tmp_path)
    assert not (tmp_path / "gone.md").exists()
    assert {p.name for p in written} == set(diagrams(program))
