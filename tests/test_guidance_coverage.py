"""docs/guidance-coverage.md: every row names templates or helplines that exist, or says why it is left out."""

from __future__ import annotations

import re

from bot.engine.program import Program
from bot.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "guidance-coverage.md"
ROW = re.compile(r"^\| (\d{3})-\d\d \| (.+?) \| (.+?) \|$")
FLOOR = 0.95


def rows() -> list[tuple[str, str, str]]:
    found = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    return [(m.group(1), m.group(2), m.group(3)) for m in found if m]


def test_every_named_template_or_helpline_exists(program: Program) -> None:
    known = set(program.content.templates.sources) | set(program.content.helplines)
    assert len(rows()) > 100
    for file, fact, where in rows():
        names = re.findall(r"`([^`]+)`", where)
        assert names or where.startswith("left out: "), f"{file}: {fact}: name a template or say why it is left out"
        for name in names:
            assert name in known, f"{file}: {fact}: '{name}' is not a template or helpline"


def test_coverage_is_at_least_95_percent_and_as_stated() -> None:
    table = rows()
    carried = sum(1 for _, _, where in table if not where.startswith("left out"))
    assert carried / len(table) >= FLOOR
    assert f"**Coverage: {carried} of {len(table)} rows are carried" in DOC.read_text(encoding="utf-8")


def test_every_guidance_file_has_rows() -> None:
    assert {file for file, _, _ in rows()} == {"000", "001", "002", "003", "004"}
