"""A lexicon as plain data and back, so a cache can keep it with what the understanding learned from it."""

from __future__ import annotations

from bot.engine.lexicon import Entry, Example, Lexicon, Topic
from bot.engine.model import Source
from bot.engine.phrases import Phrase
from bot.engine.spelling import WordSet

EntryData = tuple[str, str, bool, bool, str, int]  # a phrase (text, forms, whole, keyword) and where it is
TopicData = tuple[str, str | None, list[EntryData], str, int, str, bool, bool, bool, tuple[str, ...]]
ExampleData = tuple[str, str | None, str | None, str, int]
LexiconData = tuple[
    dict[tuple[str, ...], tuple[str, ...]],
    list[TopicData],
    dict[str, list[EntryData]],
    frozenset[str],
    list[TopicData],
    dict[str, list[TopicData]],
    list[ExampleData],
    bytes,
]


def lexicon_data(lexicon: Lexicon) -> LexiconData:
    """Return a lexicon as plain data (dicts, lists, tuples, strings, numbers, bytes)."""
    return (
        dict(lexicon.say_as),
        [_topic_data(t) for t in lexicon.danger],
        {name: [_entry_data(e) for e in es] for name, es in lexicon.not_now.items()},
        lexicon.driving_words,
        [_topic_data(t) for t in lexicon.intents.values()],
        {name: [_topic_data(t) for t in ts] for name, ts in lexicon.slots.items()},
        [(e.text, e.intent, e.danger, e.source.path, e.source.line) for e in lexicon.examples],
        lexicon.english.state(),
    )


def lexicon_from_data(data: LexiconData) -> Lexicon:
    """Return the lexicon ``lexicon_data`` was given."""
    say_as, danger, not_now, driving, intents, slots, examples, english = data
    return Lexicon(
        say_as,
        tuple(_topic(t) for t in danger),
        {name: tuple(_entry(e) for e in es) for name, es in not_now.items()},
        driving,
        {t[0]: _topic(t) for t in intents},
        {name: tuple(_topic(t) for t in ts) for name, ts in slots.items()},
        tuple(Example(text, intent, danger, Source(path, line)) for text, intent, danger, path, line in examples),
        english=WordSet.restore(english),
    )


def _entry_data(entry: Entry) -> EntryData:
    phrase, source = entry.phrase, entry.source
    return phrase.text, phrase.spelt, phrase.whole, phrase.keyword, source.path, source.line


def _entry(data: EntryData) -> Entry:
    text, spelt, whole, keyword, path, line = data
    return Entry(Phrase(text, spelt, whole, keyword), Source(path, line))


def _topic_data(topic: Topic) -> TopicData:
    phrases = [_entry_data(e) for e in topic.phrases]
    where = topic.source
    flags = topic.weak, topic.ignore_cues, topic.phrase_only
    return topic.name, topic.go, phrases, where.path, where.line, topic.label, *flags, topic.over


def _topic(data: TopicData) -> Topic:
    name, go, phrases, path, line, label, weak, ignore_cues, phrase_only, over = data
    entries = tuple(_entry(e) for e in phrases)
    return Topic(name, go, entries, Source(path, line), label, weak, ignore_cues, phrase_only, tuple(over))
