import stat
from pathlib import Path

import pytest

from bot.fatal import KeyProblem
from bot.store.identity import SECRET_FILE, Pseudonymiser, load_or_create_secret


def test_secret_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path / "data")
    mode = stat.S_IMODE((tmp_path / "data" / SECRET_FILE).stat().st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path / "data") == first


def test_truncated_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_bytes(b"short")
    with pytest.raises(KeyProblem, match="too short"):
        load_or_create_secret(tmp_path)


def test_keys_are_stable_and_do_not_reveal_the_id() -> None:
    pseudonymiser = Pseudonymiser(b"k" * 32)
    key = pseudonymiser.key("telegram", 123456789)
    assert key == pseudonymiser.key("telegram", "123456789")
    assert "123456789" not in key
    assert key != pseudonymiser.key("terminal", 123456789)
    assert key != Pseudonymiser(b"j" * 32).key("telegram", 123456789)
