from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.data_dir == Path("data")
    assert settings.flows_dir == PROJECT_ROOT / "flows"
    assert settings.telegram_token is None
    assert settings.log_level == "INFO"


def test_values_from_the_environment() -> None:
    settings = Settings.from_env({"BOT_DATA_DIR": "/tmp/x", "TELEGRAM_BOT_TOKEN": "t", "BOT_LOG_LEVEL": "debug"})
    assert settings.data_dir == Path("/tmp/x")
    assert settings.telegram_token == "t"
    assert settings.log_level == "DEBUG"


def test_bad_log_level_is_refused() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"BOT_LOG_LEVEL": "loud"})


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]
