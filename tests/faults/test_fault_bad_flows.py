"""Every kind of malformed flow gives `file:line: CODE` diagnostics and a non-zero exit, never a traceback."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ProjectMaker
from tests.test_cli import run_bot

HELP = "flow: help\nstart: about\nnodes:\n  about:\n"
BROKEN = {
    "syntax_error": ("help.yaml", HELP + "    say: [unclosed\n", 6, "SYNTAX"),
    "wrong_type": ("help.yaml", HELP + "    say: t.help\n    options: 7\n    end: true\n", 6, "SCHEMA"),
    "unknown_target": ("help.yaml", HELP + "    say: t.help\n    next: nowhere\n", 6, "UNKNOWN_TARGET"),
    "cycle_with_no_exit": (
        "help.yaml",
        HELP + "    say: t.help\n    next: again\n  again:\n    say: t.help\n    next: about\n",
        4,
        "AUTO_LOOP",
    ),
    "missing_template": ("help.yaml", HELP + "    say: t.missing\n    end: true\n", 5, "UNKNOWN_TEMPLATE"),
    "not_a_mapping": ("help.yaml", "- just\n- a list\n", 1, "SCHEMA"),
    "binary_garbage": ("help.yaml", "\x00\x01\x02 flow: \xff", 1, "SYNTAX"),
    "empty_file": ("extra.yaml", "", 1, "SCHEMA"),
}
DIAGNOSTIC = re.compile(r"^\S+:\d+: [A-Z_]+ .+$")


@pytest.mark.parametrize("case", sorted(BROKEN), ids=sorted(BROKEN))
def test_malformed_flows_give_file_and_line(make_project: ProjectMaker, case: str) -> None:
    name, text, line, code = BROKEN[case]
    flows_dir, content_dir = make_project({name: text})
    env = {"BOT_FLOWS_DIR": str(flows_dir), "BOT_CONTENT_DIR": str(content_dir)}
    result = run_bot("check", env=env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(DIAGNOSTIC.match(x) for x in lines), result.stdout
    assert any(x.startswith(f"{flows_dir / name}:{line}: {code} ") for x in lines), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    started = run_bot(env={**env, "BOT_DATA_DIR": str(flows_dir.parent / "data")}, stdin="1\n")
    assert started.returncode == 1 and "will not start" in started.stderr and "Traceback" not in started.stderr
