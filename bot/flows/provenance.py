"""Reading a template's ``source:`` and checking its quotes against the guidance files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.provenance import Provenance, Quote, normalise
from bot.flows.yaml_source import YamlReader

NO_SOURCE = "none"
FILE_PREFIX = re.compile(r"^\d{3}$")


def read_provenance(reader: YamlReader, entries: Mapping[str, yaml.Node], template_id: str) -> Provenance | None:
    """Read a template's ``source:`` (a list of file and quote, or ``none`` with ``why:``); report a bad shape."""
    source, why_node = entries.get("source"), entries.get("why")
    why = reader.text(why_node, f"'why' of '{template_id}'") if why_node is not None else None
    if source is None:
        if why_node is not None:
            reader.problem(why_node, "SCHEMA", f"'{template_id}' has 'why' but no 'source: none'")
        return None
    if isinstance(source, yaml.ScalarNode) and source.value == NO_SOURCE:
        if not why:
            reader.problem(source, "SOURCE_MISSING", f"'{template_id}' says 'source: none' without 'why:'")
            return None
        return Provenance((), why)
    quotes = [_quote(reader, item, template_id) for item in reader.sequence(source, f"'source' of '{template_id}'")]
    found = tuple(q for q in quotes if q is not None)
    if not quotes:  # a source that is there but malformed has been reported already
        reader.problem(source, "SOURCE_MISSING", f"'{template_id}' lists no source")
        return None
    return Provenance(found, why)


def _quote(reader: YamlReader, node: yaml.Node, template_id: str) -> Quote | None:
    values = {
        k: reader.text(v, f"'{k}' in a source of '{template_id}'")
        for k, v in reader.mapping(node, f"a source of '{template_id}'", {"file", "quote"}).items()
    }
    file, quote = values.get("file"), values.get("quote")
    if not file or not quote:
        reader.problem(node, "SCHEMA", f"a source of '{template_id}' needs 'file' (e.g. \"004\") and 'quote'")
        return None
    if not FILE_PREFIX.match(file):
        reader.problem(node, "SCHEMA", f"'{file}' is not a guidance file's 3-digit prefix, such as \"004\"")
        return None
    return Quote(file, quote, reader.source(node))


def guidance_texts(directory: Path) -> dict[str, str]:
    """Return each guidance file's normalised text by its 3-digit prefix; empty when the folder is absent."""
    if not directory.is_dir():
        return {}
    return {path.name[:3]: normalise(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.txt"))}


def check_quotes(provenances: Iterable[tuple[str, Provenance]], guidance: Mapping[str, str]) -> Iterator[Diagnostic]:
    """Report every quote that is not in the file it names (only when the guidance is there to read)."""
    if not guidance:
        return
    for template_id, provenance in provenances:
        for quote in provenance.quotes:
            text = guidance.get(quote.file)
            if text is None:
                message = f"'{template_id}' quotes file {quote.file}, which is not in the guidance"
                yield Diagnostic(quote.source, "SOURCE_UNKNOWN_FILE", message)
            elif normalise(quote.quote) not in text:
                message = f"'{template_id}': this quote is not in file {quote.file}: \"{quote.quote}\""
                yield Diagnostic(quote.source, "SOURCE_NOT_FOUND", message)
