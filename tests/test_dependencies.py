"""The lock file pins every dependency with hashes, and each pin satisfies pyproject.toml's bounds."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from bot.settings import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.MULTILINE)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_dependency_is_locked_with_hashes_within_its_bounds() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    lock = (PROJECT_ROOT / "requirements.lock").read_text()
    pins = {_name(m[1]): m[2] for m in PIN.finditer(lock)}
    assert len(pins) == lock.count("=="), "every pin has its hashes"
    for line in project["dependencies"]:
        requirement = Requirement(line)
        version = pins.get(_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} is outside {line}"
    assert "tornado" not in pins  # the webhook is served by aiohttp.web
