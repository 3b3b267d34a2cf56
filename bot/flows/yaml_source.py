"""Read YAML into nodes that remember their line, collecting problems instead of raising."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import Source

_SCALAR_TYPES = {
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing",
}


@dataclass
class YamlReader:
    """Turn one YAML file into located values; every problem is kept in ``problems``."""

    path: str
    problems: list[Diagnostic] = field(default_factory=list)

    def parse(self, text: str) -> yaml.Node | None:
        """Compose the document, reporting a syntax error with its line.

        libyaml reads it when it is there (a tenth of the time at start-up); on an error the pure-Python
        parser reads the file again, for its clearer message.
        """
        loader = getattr(yaml, "CSafeLoader", None)
        if loader is not None:
            try:
                return yaml.compose(text, Loader=loader)
            except yaml.YAMLError:
                pass
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            message = f"this is not valid YAML: {error.problem or error}"
            if error.context and error.context_mark and error.context_mark.line + 1 != line:
                message += f" ({error.context} on line {error.context_mark.line + 1})"
            self.problem(line, "SYNTAX", " ".join(message.split()))
        except yaml.YAMLError as error:
            self.problem(1, "SYNTAX", " ".join(f"this is not valid YAML: {error}".split()))
        return None

    def source(self, node: yaml.Node) -> Source:
        """Return where a YAML node starts."""
        return Source(self.path, node.start_mark.line + 1)

    def problem(self, where: yaml.Node | int, code: str, message: str) -> None:
        """Record a problem at a node or a line."""
        line = where if isinstance(where, int) else where.start_mark.line + 1
        self.problems.append(Diagnostic(Source(self.path, line), code, message))

    def mapping(self, node: yaml.Node, what: str, allowed: set[str] | None = None) -> dict[str, yaml.Node]:
        """Return a mapping's values by key; report duplicates, unknown keys and a wrong type."""
        return {key: value for key, (_, value) in self.pairs(node, what, allowed).items()}

    def pairs(
        self, node: yaml.Node, what: str, allowed: set[str] | None = None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Return a mapping's key and value nodes by key, reporting problems as ``mapping`` does."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "SCHEMA", f"{what} should be a mapping (key: value), not {kind(node)}")
            return {}
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in entries:
                self.problem(key_node, "DUPLICATE_ID", f"'{key}' appears twice in {what}")
                continue
            if allowed is not None and key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.problem(key_node, "SCHEMA", f"unknown key '{key}' in {what} (expected one of: {expected})")
                continue
            entries[key] = (key_node, value_node)
        return entries

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """Return a list's items, reporting a wrong type."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.problem(node, "SCHEMA", f"{what} should be a list, not {kind(node)}")
        return []

    def text(self, node: yaml.Node, what: str) -> str | None:
        """Return a scalar as text, reporting a wrong type or an empty value."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(node, "SCHEMA", f"{what} should be text, not {kind(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, "SCHEMA", f"{what} should not be empty")
            return None
        return value

    def texts(self, node: yaml.Node, what: str) -> list[str]:
        """Return one text or a list of texts."""
        if isinstance(node, yaml.ScalarNode):
            value = self.text(node, what)
            return [value] if value is not None else []
        values = [self.text(item, what) for item in self.sequence(node, what)]
        return [v for v in values if v is not None]

    def flag(self, node: yaml.Node, what: str) -> bool:
        """Return a true/false value, reporting anything else."""
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in {"true", "yes", "on"}
        self.problem(node, "SCHEMA", f"{what} should be true or false, not {kind(node)}")
        return False


def kind(node: yaml.Node) -> str:
    """Name a YAML node's type the way a person editing the file would."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _SCALAR_TYPES.get(node.tag, "a value")


def read_text(path: Path, reader: YamlReader) -> str | None:
    """Read a file as UTF-8, reporting a file that cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reader.problem(1, "SYNTAX", f"cannot read this file: {error}")
        return None
