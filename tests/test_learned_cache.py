"""The understanding's cache: the same decisions as learning afresh, and anything doubtful learned again."""

from __future__ import annotations

import logging
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.diagnostics import Diagnostic
from bot.engine.program import Program
from bot.engine.understanding import Understanding
from bot.flows import learned_cache
from bot.flows.learned_cache import FILE, LearnedCache, fingerprint, learn_apart
from bot.flows.lexicon_files import load_examples
from bot.flows.program import check
from bot.settings import PROJECT_ROOT
from tests.conftest import ProjectMaker

UNDERSTANDING = PROJECT_ROOT / "content" / "understanding"
SECRET = b"s" * 32


@pytest.fixture(scope="module")
def kept(program: Program, tmp_path_factory: pytest.TempPathFactory) -> LearnedCache:
    """Return a cache holding what the shipped understanding learned."""
    cache = LearnedCache(tmp_path_factory.mktemp("data"), SECRET)
    cache.save(UNDERSTANDING, program.understanding)
    return cache


def test_the_cache_reads_every_development_message_as_learning_afresh(program: Program, kept: LearnedCache) -> None:
    cached = kept.load(UNDERSTANDING)
    assert cached is not None and cached is not program.understanding
    problems: list[Diagnostic] = []
    messages = load_examples(UNDERSTANDING / "development", problems)
    assert not problems and len(messages) > 1000
    for message in messages:
        fresh, again = program.understanding.read(message.text), cached.read(message.text)
        assert (again.danger, again.intent, again.guesses, again.slots) == (
            fresh.danger,
            fresh.intent,
            fresh.guesses,
            fresh.slots,
        ), message.text
        assert again.because == fresh.because


def test_the_cache_file_is_for_its_owner_only(kept: LearnedCache) -> None:
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600


def test_a_cache_with_another_secret_is_not_read(kept: LearnedCache, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert LearnedCache(kept.path.parent, b"t" * 32).load(UNDERSTANDING) is None
    assert [r.getMessage() for r in caplog.records] == ["the understanding cache is not authentic: learning again"]


def test_a_tampered_cache_is_never_unmarshalled(
    kept: LearnedCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = bytearray(kept.path.read_bytes())
    tampered[-100] ^= 1
    cache = LearnedCache(tmp_path, SECRET)
    cache.path.write_bytes(bytes(tampered))

    def refuse(data: bytes) -> object:
        raise AssertionError("unmarshalled before its HMAC was checked")

    monkeypatch.setattr(learned_cache.marshal, "loads", refuse)
    assert cache.load(UNDERSTANDING) is None
    cache.path.write_bytes(b"not a cache at all")
    assert cache.load(UNDERSTANDING) is None


def test_a_cache_of_other_content_is_stale_and_learned_again(
    program: Program, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    cache = LearnedCache(tmp_path, SECRET)
    cache.save(content / "understanding", program.understanding)
    before = cache.path.read_bytes()
    with (content / "understanding" / "words.yaml").open("a") as file:
        file.write("  amnt: amount\n")
    with caplog.at_level(logging.WARNING):
        assert cache.load(content / "understanding") is None
    assert "stale" in caplog.text
    rebuilt, _ = check(PROJECT_ROOT / "flows", content, held_out=False, cache=cache)
    assert cache.path.read_bytes() != before  # written anew, and now read
    again = cache.load(content / "understanding")
    assert again is not None and again.lexicon.say_as[("amnt",)] == ("amount",)
    assert rebuilt.understanding.read("amnt").said == again.read("amnt").said == ("amount",)


def test_an_unreadable_cache_folder_still_starts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = LearnedCache(tmp_path / "missing", SECRET)  # cannot be read, nor written
    with caplog.at_level(logging.WARNING):
        program, problems = check(PROJECT_ROOT / "flows", PROJECT_ROOT / "content", held_out=False, cache=cache)
    assert not any(not p.warning for p in problems)
    assert isinstance(program.understanding, Understanding) and program.is_emergency("he is outside my house")
    assert "could not be written (FileNotFoundError)" in caplog.text
    (tmp_path / "folder" / FILE).mkdir(parents=True)  # a folder where the file should be
    with caplog.at_level(logging.WARNING):
        assert LearnedCache(tmp_path / "folder", SECRET).load(UNDERSTANDING) is None
    assert "could not be read (IsADirectoryError)" in caplog.text


def test_learning_in_a_child_gives_what_learning_here_gives(program: Program) -> None:
    learnt = learn_apart(UNDERSTANDING)
    assert learnt is not None
    understanding, seen = learnt
    assert understanding.tables() == program.understanding.tables()
    assert seen == fingerprint(UNDERSTANDING)


def test_a_file_changed_while_the_child_learns_leaves_the_cache_stale(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    learnt = learn_apart(content / "understanding")
    assert learnt is not None
    with (content / "understanding" / "words.yaml").open("a") as file:  # after the child read it
        file.write("  amnt: amount\n")
    cache = LearnedCache(tmp_path, SECRET)
    cache.save(content / "understanding", *learnt)
    assert cache.load(content / "understanding") is None  # stale: learned again, never trusted


def test_content_with_problems_is_learned_here_and_its_problems_reported(
    make_project: ProjectMaker, caplog: pytest.LogCaptureFixture
) -> None:
    flows_dir, content_dir = make_project(intents="about:\n  go: help.start\n  phrases: ['(unclosed']\n")
    with caplog.at_level(logging.INFO):
        assert learn_apart(content_dir / "understanding") is None
        _, problems = check(flows_dir, content_dir, held_out=False, apart=True)
    assert "has problems: learning here" in caplog.text
    assert any(p.source.path.endswith("intents.yaml") and not p.warning for p in problems)


@pytest.mark.parametrize("cached", [True, False], ids=["with a cache", "first start"])
def test_a_start_that_learns_keeps_scikit_learn_out_of_the_bot(tmp_path: Path, cached: bool) -> None:
    script = (
        "import sys; from pathlib import Path; from bot.flows.learned_cache import LearnedCache;"
        "from bot.flows.program import load_program; from bot.settings import PROJECT_ROOT as R;"
        f"cache = LearnedCache(Path({str(tmp_path)!r}), {SECRET!r}) if {cached} else None;"
        "load_program(R / 'flows', R / 'content', cache=cache, apart=True);"
        "print(cache is None or cache.path.exists(), 'sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


def test_a_child_that_cannot_learn_is_learned_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING):
        assert learn_apart(UNDERSTANDING) is None
    assert [r.getMessage() for r in caplog.records] == [
        "learning in a child process failed (FileNotFoundError): learning here"
    ]
