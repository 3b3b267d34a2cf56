"""The terminal chat: option picking, piped sessions, and resuming after the process is killed."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.engine.events import Choose, Command, Text
from bot.engine.outputs import AskText, Button, Buttons, HelplineCard, Message
from bot.platforms.terminal.chat import event_for, render_reply
from bot.service import ChatService
from bot.settings import PROJECT_ROOT
from tests.transcript import replay

BUTTONS = (Button("Followed on foot", Choose("danger.now", 1)), Button("Main menu", Command("menu")))


def test_a_number_or_a_label_picks_an_option() -> None:
    assert event_for("1", BUTTONS) == Choose("danger.now", 1)
    assert event_for(" 2 ", BUTTONS) == Command("menu")
    assert event_for("main MENU!", BUTTONS) == Command("menu")


def test_other_text_goes_to_the_engine() -> None:
    assert event_for("3", BUTTONS) == Text("3")
    assert event_for("999", BUTTONS) == Text("999")
    assert event_for("/back", BUTTONS) == Command("back")
    assert event_for("/note he was outside", BUTTONS) == Command("note", "he was outside")
    assert event_for("", BUTTONS) == Text("")


def test_reply_lists_messages_cards_and_numbered_options() -> None:
    text = render_reply(
        [Message("t", "Hello."), HelplineCard("x", "Line", "101", "For you.", None), AskText("name"), Buttons(BUTTONS)]
    )
    assert text == "Hello.\n\nLine\nCall 101\nFor you.\n\n(Type your answer.)\n\n1. Followed on foot\n2. Main menu"


async def test_a_returning_person_is_shown_where_they_were(service: ChatService) -> None:
    await replay(service, ["11"])
    replies = await replay(service, [])
    assert replies[0].startswith("Welcome back. Here is where you were.\n\nAbout this guide, and how to use it.")
    assert "Type the number of an option" in replies[0] and "button" not in replies[0]  # the terminal's own words


def _read_until(process: subprocess.Popen[bytes], marker: bytes, timeout: float = 30) -> bytes:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} in {seen!r}"
        if selector.select(timeout=0.5):
            chunk = os.read(process.stdout.fileno(), 65536)
            assert chunk, f"the bot exited early: {seen!r}"
            seen += chunk
    return seen


def terminal_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "BOT_DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": ""}


def start_terminal(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start the terminal chat as a process whose input and output the test holds."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=PROJECT_ROOT, env=env
    )


def run_terminal(env: dict[str, str], lines: str) -> subprocess.CompletedProcess[str]:
    """Run the terminal chat on piped lines to the end."""
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
    )


def test_killed_mid_flow_resumes_at_the_same_node(tmp_path: Path) -> None:
    env = terminal_env(tmp_path)
    process = start_terminal(env)
    assert process.stdin is not None
    _read_until(process, b"What would you like to do?")
    process.stdin.write(b"1\n")
    process.stdin.flush()
    _read_until(process, b"Not in danger right now")
    process.stdin.write(b"2\n")
    process.stdin.flush()
    _read_until(process, b"head for a shop")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    again = run_terminal(env, "")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(
        "Welcome back. Here is where you were.\n\nHere is what to do now, one step at a time.\n"
        "If someone is following you on foot"
    )


def test_killed_right_after_the_confirmation_loses_no_note(tmp_path: Path) -> None:
    env = terminal_env(tmp_path)
    process = start_terminal(env)
    assert process.stdin is not None
    process.stdin.write(b"/note canary-kestrel he was at the station\n")
    process.stdin.flush()
    _read_until(process, b"Saved.\n")
    process.send_signal(signal.SIGKILL)  # the moment the confirmation is out
    process.wait(timeout=10)
    again = run_terminal(env, "/log\n1\n")
    assert again.returncode == 0, again.stderr
    assert "Your notes: 1, latest first." in again.stdout
    assert "\ncanary-kestrel he was at the station\n" in again.stdout


def test_attach_names_a_file_on_this_computer(tmp_path: Path) -> None:
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(b"\x89PNG fake")
    lines = f"/note he messaged me\n/attach {picture}\n/attach {tmp_path / 'missing.png'}\n/log\n1\n6\n3\n"
    result = run_terminal(terminal_env(tmp_path / "data"), lines)
    assert result.returncode == 0, result.stderr
    assert "Kept with your note, encrypted." in result.stdout
    assert "There is no file at that path." in result.stdout
    assert "• File, " in result.stdout and ": screenshot.png" in result.stdout
    [table, pdf, pack] = sorted((tmp_path / "data" / "exports").iterdir(), key=lambda p: p.suffix)
    assert (pdf.suffix, table.suffix, pack.name[-10:]) == (".pdf", ".csv", "-files.zip")
    assert f"Saved a file: {pdf}" in result.stdout and f"Saved a file: {pack}" in result.stdout
    assert pdf.stat().st_mode & 0o777 == 0o600 and pdf.read_bytes().startswith(b"%PDF")
    assert pack.stat().st_mode & 0o777 == 0o600 and pack.read_bytes().startswith(b"PK")
