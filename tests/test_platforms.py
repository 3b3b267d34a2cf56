"""What each platform declares it can do, found without a central list."""

from __future__ import annotations

from bot.engine.platform import Capabilities
from bot.platforms import declared
from bot.platforms.telegram import CAPABILITIES as TELEGRAM
from bot.platforms.terminal import CAPABILITIES as TERMINAL


def test_every_platform_package_is_declared() -> None:
    assert declared() == (TELEGRAM, TERMINAL)


def test_a_platform_owns_only_its_own_templates() -> None:
    for platform in declared():
        assert isinstance(platform, Capabilities)
        assert platform.templates and all(t.startswith(f"{platform.name}.") for t in platform.templates)


def test_numbers_where_there_are_no_buttons() -> None:
    assert (TERMINAL.choices, TERMINAL.clears_chat) == ("numbers", False)
    assert (TELEGRAM.choices, TELEGRAM.clears_chat) == ("buttons", True)
