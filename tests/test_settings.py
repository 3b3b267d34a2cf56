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


def test_webhook_settings() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_WEBHOOK_URL": "https://x.org/hook",
            "TELEGRAM_WEBHOOK_SECRET": "abc_-1",
            "TELEGRAM_WEBHOOK_PORT": "9000",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:81/",
        }
    )
    assert (settings.webhook_url, settings.webhook_secret, settings.webhook_port) == (
        "https://x.org/hook",
        "abc_-1",
        9000,
    )
    assert settings.telegram_api_base_url == "http://127.0.0.1:81"


def test_a_webhook_needs_a_valid_secret_and_port() -> None:
    for env in (
        {"TELEGRAM_WEBHOOK_URL": "https://x.org/hook"},
        {"TELEGRAM_WEBHOOK_URL": "https://x.org/hook", "TELEGRAM_WEBHOOK_SECRET": "bad secret!"},
        {"TELEGRAM_WEBHOOK_PORT": "http"},
    ):
        with pytest.raises(SettingsError):
            Settings.from_env(env)
