"""Where a template's facts come from: a guidance file and a short verbatim quote (pure values)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.model import Source

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
