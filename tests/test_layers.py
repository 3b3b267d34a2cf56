"""The import contract: a layer imports only layers below it; the engine imports nothing that does I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

# Lowest first. A module may import its own layer and the layers before it, never one after it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("engine", ("bot.engine",)),
    ("flows", ("bot.flows",)),
    ("support", ("bot.settings", "bot.fatal", "bot.logs", "bot.health")),
    ("store", ("bot.store",)),
    ("log", ("bot.log",)),
    ("review", ("bot.review",)),  # the review book: screens (engine, flows) printed with the log's fonts
    ("service", ("bot.service",)),
    ("platforms", ("bot.platforms",)),
    ("main", ("bot.__main__",)),
)
# Platforms talk only to the service: never to the log or the store beneath it.
SKIPPED = {"platforms": ("store", "log")}
# What the service keeps to itself: a platform asks the service (seen, pseudonym, data_dir...), never these.
SERVICE_INSIDES = {"store", "pseudonymiser", "notebook", "exporter"}
# Libraries that touch disks, networks, databases or keys; the engine is pure and imports none of them.
IO_LIBRARIES = (
    "aiohttp", "aiosqlite", "asyncio", "cryptography", "fpdf", "http", "io", "os", "PIL", "shutil",
    "socket", "sqlite3", "subprocess", "telegram", "tempfile", "urllib", "yaml",
)  # fmt: skip


def layer_of(module: str) -> str | None:
    """Return the layer a bot module belongs to, or None for anything else."""
    for name, prefixes in LAYERS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return name
    return None


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """Return each module a file imports, with its line; `from bot.x import y` names bot.x.y when y is a module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (root / Path(*candidate.split("."))).with_suffix(".py").exists()
                found.append((node.lineno, candidate if is_module else node.module))
    return found


def reaches_through(path: Path) -> list[tuple[int, str]]:
    """Return each `service.store`-like use of what the service keeps to itself."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in SERVICE_INSIDES:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if name.lstrip("_") == "service":
                found.append((node.lineno, f"service.{node.attr}"))
    return found


def violations(root: Path) -> list[str]:
    """Return every import in root/bot that breaks the contract, as `path:line: why`."""
    order = [name for name, _ in LAYERS]
    problems: list[str] = []
    for path in sorted((root / "bot").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        layer = layer_of(module)
        if layer is None:
            continue
        where = path.relative_to(root)
        for line, imported in imports_of(path, root):
            target = layer_of(imported)
            if target is not None and order.index(target) > order.index(layer):
                problems.append(f"{where}:{line}: {layer} imports {imported} ({target}, a higher layer)")
            elif target in SKIPPED.get(layer, ()):
                problems.append(f"{where}:{line}: {layer} imports {imported} ({target}); go through the service")
            elif layer == "engine" and imported.split(".")[0] in IO_LIBRARIES:
                problems.append(f"{where}:{line}: the engine imports {imported}, which does I/O")
        if layer == "platforms":
            problems.extend(f"{where}:{line}: {reach}; ask the service" for line, reach in reaches_through(path))
        if layer == "engine" and "open(" in path.read_text():
            problems.append(f"{where}: the engine opens a file")
    return problems


def test_every_import_keeps_to_the_layers() -> None:
    assert violations(PROJECT_ROOT) == []


def test_every_bot_module_has_a_layer() -> None:
    modules = [
        ".".join(p.relative_to(PROJECT_ROOT).with_suffix("").parts) for p in (PROJECT_ROOT / "bot").rglob("*.py")
    ]
    assert [m for m in modules if layer_of(m.removesuffix(".__init__")) is None] == ["bot.__init__"]


def test_the_checker_catches_a_higher_layer_and_io_in_the_engine(tmp_path: Path) -> None:
    for folder in ("engine", "store", "log", "platforms"):
        (tmp_path / "bot" / folder).mkdir(parents=True)
    (tmp_path / "bot" / "store" / "sqlite.py").write_text("")
    (tmp_path / "bot" / "log" / "notebook.py").write_text("from bot.store import sqlite\n")
    (tmp_path / "bot" / "engine" / "step.py").write_text("import sqlite3\nfrom bot.log.notebook import Note\n")
    (tmp_path / "bot" / "engine" / "files.py").write_text("def read(p: str) -> str:\n    return open(p).read()\n")
    (tmp_path / "bot" / "platforms" / "chat.py").write_text("from bot.store.sqlite import Store\nservice.store.path\n")
    assert violations(tmp_path) == [
        "bot/engine/files.py: the engine opens a file",
        "bot/engine/step.py:1: the engine imports sqlite3, which does I/O",
        "bot/engine/step.py:2: engine imports bot.log.notebook (log, a higher layer)",
        "bot/platforms/chat.py:1: platforms imports bot.store.sqlite (store); go through the service",
        "bot/platforms/chat.py:2: service.store; ask the service",
    ]


def test_importing_the_engine_loads_no_storage_keys_or_platform() -> None:
    code = "import sys, bot.engine.step; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert {m for m in loaded if m.startswith("bot.") and layer_of(m) not in (None, "engine")} == set()
    assert loaded.isdisjoint({"sqlite3", "aiosqlite", "cryptography", "aiohttp", "telegram", "fpdf", "PIL", "yaml"})
