"""Journeys as golden transcripts, run through the engine and store, and through the piped terminal.

To record a new journey, write a file in tests/transcripts/ with only its "> " lines and run
UPDATE_TRANSCRIPTS=1 pytest tests/test_transcripts.py; then read every reply before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.program import Program
from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings
from tests.transcript import DIRECTORY, Transcript, normalise, replay

FILES = sorted(DIRECTORY.glob("*.txt"))
UPDATE = os.environ.get("UPDATE_TRANSCRIPTS") == "1"


def test_there_are_transcripts() -> None:
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_journey_through_the_engine(path: Path, tmp_path: Path, program: Program) -> None:
    expected = Transcript.parse(path.read_text(encoding="utf-8"))
    service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": str(tmp_path)}), program)
    try:
        replies = await replay(service, expected.inputs)
    finally:
        await service.close()
    actual = Transcript(expected.description, expected.inputs, replies)
    if UPDATE:
        path.write_text(actual.render(), encoding="utf-8")
    assert actual.render() == expected.render()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_journey_through_the_piped_terminal(path: Path, tmp_path: Path) -> None:
    expected = Transcript.parse(path.read_text(encoding="utf-8"))
    if UPDATE:
        pytest.skip("recording")
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="".join(f"{line}\n" for line in expected.inputs),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env={**os.environ, "BOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": ""},
    )
    assert result.returncode == 0, result.stderr
    assert normalise(result.stdout) == expected.piped_output()
