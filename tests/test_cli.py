"""`python -m bot check` and start-up refusal, run as a person would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.conftest import ProjectMaker


def run_bot(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": "", **(env or {})},
    )


BROKEN_HELP = "flow: help\nstart: about\nnodes:\n  about:\n    say: t.nope\n"


def test_check_passes_on_the_shipped_flows() -> None:
    result = run_bot("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("OK:")
    assert all("(warning)" in line for line in result.stdout.splitlines()[:-1])


def test_check_fails_with_file_and_line_on_broken_flows(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project({"help.yaml": BROKEN_HELP})
    result = run_bot("check", env={"BOT_FLOWS_DIR": str(flows_dir), "BOT_CONTENT_DIR": str(content_dir)})
    assert result.returncode == 1
    assert f"{flows_dir / 'help.yaml'}:5: UNKNOWN_TEMPLATE " in result.stdout
    assert f"{flows_dir / 'help.yaml'}:4: DEAD_END " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_on_a_yaml_syntax_error_gives_a_line_not_a_traceback(make_project: ProjectMaker) -> None:
    flows_dir, content_dir = make_project({"help.yaml": "flow: help\nstart: about\nnodes:\n  about: {say: [\n"})
    result = run_bot("check", env={"BOT_FLOWS_DIR": str(flows_dir), "BOT_CONTENT_DIR": str(content_dir)})
    assert result.returncode == 1
    assert f"{flows_dir / 'help.yaml'}:" in result.stdout and " SYNTAX " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bot_refuses_to_start_on_invalid_flows_and_says_why(make_project: ProjectMaker, tmp_path: Path) -> None:
    flows_dir, content_dir = make_project({"help.yaml": BROKEN_HELP})
    result = run_bot(
        env={
            "BOT_FLOWS_DIR": str(flows_dir),
            "BOT_CONTENT_DIR": str(content_dir),
            "BOT_DATA_DIR": str(tmp_path / "data"),
        },
        stdin="1\n",
    )
    assert result.returncode == 1
    assert "will not start" in result.stderr
    assert "UNKNOWN_TEMPLATE" in result.stderr
    assert result.stdout == ""


def test_bad_configuration_is_reported_plainly() -> None:
    result = run_bot("check", env={"BOT_LOG_LEVEL": "loud"})
    assert result.returncode == 2
    assert "BOT_LOG_LEVEL" in result.stderr


def test_explain_prints_the_decision_and_what_matched() -> None:
    result = run_bot("explain", "hes outside my flat rn")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "danger now (nearby) -> danger.now"
    assert any("danger.yaml:" in line for line in lines[1:])
    result = run_bot("explain", "can i report without giving my name")
    assert result.stdout.splitlines()[0] == "intent anonymous -> reporting.anonymous"


def test_telegram_without_a_token_exits_with_one_line(tmp_path: Path) -> None:
    result = run_bot("telegram", env={"BOT_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: configuration: TELEGRAM_BOT_TOKEN is not set (python -m bot telegram needs it)"
    ]
    assert not (tmp_path / "data").exists()


def test_the_terminal_is_the_default_even_with_a_token(tmp_path: Path) -> None:
    env = {
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": "123:not-used",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
    }
    result = run_bot(env=env, stdin="")
    assert result.returncode == 0, result.stderr
    assert "1." in result.stdout  # the welcome screen's numbered choices


def test_an_unknown_platform_is_refused() -> None:
    result = run_bot("whatsapp")
    assert result.returncode == 2
    assert "invalid choice: 'whatsapp'" in result.stderr
