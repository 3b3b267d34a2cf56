"""Where a template's facts come from: a guidance file and a short verbatim quote, checked against the file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.diagnostics import Diagnostic
from bot.flow_model import Source
from bot.yaml_source import YamlReader

NO_SOURCE = "none"
FILE_PREFIX = re.compile(r"^\d{3}$")
# Typographic marks folded to plain ones, so a quote typed with straight quotes matches the document's curly ones.
_FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'}
    | dict.fromkeys(("\u2010", "\u2011", "\u2013", "\u2014"), "-")
)


@dataclass(frozen=True)
class Quote:
    """A short verbatim quote from one guidance file (named by its 3-digit prefix)."""

    file: str
    quote: str
    source: Source


@dataclass(frozen=True)
class Provenance:
    """A template's sources, or (with no quotes) why it states no fact from the guidance."""

    quotes: tuple[Quote, ...]
    why: str | None

    @property
    def files(self) -> tuple[str, ...]:
        """Return the guidance files quoted, in order, once each."""
        return tuple(dict.fromkeys(q.file for q in self.quotes))


def normalise(text: str) -> str:
    """Fold whitespace, case and typographic quotes and dashes, as quotes are matched."""
    return " ".join(text.translate(_FOLD).casefold().split())


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
    if not found:
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
