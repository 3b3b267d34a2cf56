import base64
import stat
from pathlib import Path

import pytest

from bot.fatal import KeyProblem
from bot.store.crypto import MASTER_KEY_FILE, DecryptionError, Vault, load_master_key, seal, unseal


def test_sealed_values_open_only_where_they_belong() -> None:
    key = bytes(32)
    sealed = seal(key, b"he was outside at 6pm", "notes:abc:body")
    assert b"outside" not in sealed
    assert unseal(key, sealed, "notes:abc:body") == b"he was outside at 6pm"
    with pytest.raises(DecryptionError):
        unseal(key, sealed, "notes:xyz:body")  # moved to another row
    with pytest.raises(DecryptionError):
        unseal(bytes([1]) * 32, sealed, "notes:abc:body")  # another key
    with pytest.raises(DecryptionError):
        unseal(key, sealed[:-1] + bytes([sealed[-1] ^ 1]), "notes:abc:body")  # tampered


def test_the_same_text_seals_differently_each_time() -> None:
    assert seal(bytes(32), b"x", "w") != seal(bytes(32), b"x", "w")


def test_data_keys_are_wrapped_for_their_owner() -> None:
    vault = Vault(bytes(32))
    data_key, wrapped = vault.new_data_key("person-a")
    assert data_key not in wrapped
    assert vault.unwrap("person-a", wrapped) == data_key
    with pytest.raises(DecryptionError):
        vault.unwrap("person-b", wrapped)
    with pytest.raises(DecryptionError):
        Vault(bytes([7]) * 32).unwrap("person-a", wrapped)


def test_master_key_file_is_created_0600_or_taken_from_the_environment(tmp_path: Path) -> None:
    key = load_master_key(tmp_path)
    assert len(key) == 32 and load_master_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / MASTER_KEY_FILE).stat().st_mode) == 0o600
    from_env = base64.b64encode(bytes(range(32))).decode()
    assert load_master_key(tmp_path / "other", from_env) == bytes(range(32))
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(KeyProblem, match="BOT_MASTER_KEY"):
            load_master_key(tmp_path, bad)
