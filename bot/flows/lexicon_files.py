"""content/understanding/ read into the lexicon, with every problem found."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.lexicon import DANGER_KINDS, Entry, Example, Lexicon, Topic
from bot.engine.phrases import PhraseError, compile_phrase
from bot.engine.spelling import WordSet
from bot.engine.words import words
from bot.flows.yaml_source import YamlReader, read_text

NOT_NOW_KEYS = {"negations", "past", "hypothetical", "present", "present_tense", "in_a_note"}
INTENT_KEYS = {"go", "label", "phrases", "weak", "phrase_only", "over"}
EXAMPLE_KEYS = {"text", "intent", "danger"}
ENGLISH = "english-words.txt"


def load_lexicon(directory: Path) -> tuple[Lexicon, list[Diagnostic]]:
    """Load content/understanding/; return the lexicon with every problem found."""
    problems: list[Diagnostic] = []
    say_as = _load_say_as(directory / "words.yaml", problems)
    empty = Lexicon(say_as, (), {}, frozenset(), {}, {})
    danger, not_now, driving = _load_danger(directory / "danger.yaml", empty, problems)
    intents = _load_intents(directory / "intents.yaml", empty, problems)
    slots = _load_slots(directory / "slots.yaml", empty, problems)
    examples = load_examples(directory / "examples", problems)
    development = load_examples(directory / "development", problems)
    english = load_english(directory / ENGLISH, problems)
    return Lexicon(
        say_as, danger, not_now, driving, intents, slots, tuple(examples), tuple(development), english
    ), problems


def load_english(path: Path, problems: list[Diagnostic]) -> WordSet:
    """Load the correctly spelt words, one a line; a line that is not one lower-case word is a problem."""
    reader = YamlReader(str(path))
    text = read_text(path, reader) if path.exists() else ""
    found: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if word.isalpha() and word.islower():
            found.append(word)
        else:
            reader.problem(number, "SCHEMA", f"'{word[:40]}' is not one word in lower case")
    problems.extend(reader.problems)
    return WordSet(found)


def load_examples(directory: Path, problems: list[Diagnostic]) -> list[Example]:
    """Load every labelled message in a folder of YAML files (examples/ or heldout/)."""
    found: list[Example] = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        reader, items = _yaml_root(path, problems)
        for item in reader.sequence(items, "this file") if items is not None else []:
            entries = reader.mapping(item, "an example", EXAMPLE_KEYS)
            values = {key: reader.text(value, f"'{key}'") for key, value in entries.items()}
            text = values.get("text")
            if not text or not (values.get("intent") or values.get("danger")):
                reader.problem(item, "SCHEMA", "an example needs a text, and an intent or a danger")
                continue
            intent = None if values.get("intent") in (None, "none") else values["intent"]
            danger = None if values.get("danger") in (None, "none") else values["danger"]
            found.append(Example(text, intent, danger, reader.source(item)))
        problems.extend(reader.problems)
    return found


def _yaml_root(path: Path, problems: list[Diagnostic]) -> tuple[YamlReader, yaml.Node | None]:
    reader = YamlReader(str(path))
    text = read_text(path, reader)
    root = reader.parse(text) if text is not None else None
    if text is not None and root is None and not reader.problems:
        reader.problem(1, "SCHEMA", "this file is empty")
    return reader, root


def _load_say_as(path: Path, problems: list[Diagnostic]) -> dict[tuple[str, ...], tuple[str, ...]]:
    reader, root = _yaml_root(path, problems)
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    top = reader.mapping(root, "this file", {"say_as"}) if root is not None else {}
    for key, (key_node, value) in reader.pairs(top["say_as"], "'say_as'").items() if "say_as" in top else []:
        written, meant = words(key), words(reader.text(value, f"'{key}'") or "")
        if not written or not meant:
            reader.problem(key_node, "SCHEMA", f"'{key}' should map words to words")
            continue
        found[written] = meant
    problems.extend(reader.problems)
    return found


def _phrases(reader: YamlReader, node: yaml.Node | None, what: str, lexicon: Lexicon) -> tuple[Entry, ...]:
    entries = []
    for item in reader.sequence(node, what) if node is not None else []:
        text = reader.text(item, "a phrase")
        if text is None:
            continue
        try:
            entries.append(Entry(compile_phrase(text, lexicon.read), reader.source(item)))
        except PhraseError as error:
            reader.problem(item, "SCHEMA", f"phrase '{text}' {error}")
    return tuple(entries)


def _load_danger(
    path: Path, lexicon: Lexicon, problems: list[Diagnostic]
) -> tuple[tuple[Topic, ...], dict[str, tuple[Entry, ...]], frozenset[str]]:
    reader, root = _yaml_root(path, problems)
    top = reader.mapping(root, "this file", {"kinds", "not_now", "driving_words"}) if root is not None else {}
    kinds = []
    for name, (key, value) in reader.pairs(top["kinds"], "'kinds'").items() if "kinds" in top else []:
        if name not in DANGER_KINDS:
            reader.problem(key, "SCHEMA", f"unknown danger kind '{name}' (expected one of: {', '.join(DANGER_KINDS)})")
            continue
        entries = reader.mapping(value, f"danger kind '{name}'", {"go", "phrases", "ignore_cues"})
        go = reader.text(entries["go"], "'go'") if "go" in entries else None
        phrases = _phrases(reader, entries.get("phrases"), "'phrases'", lexicon)
        ignore = reader.flag(entries["ignore_cues"], "'ignore_cues'") if "ignore_cues" in entries else False
        kinds.append(Topic(name, go, phrases, reader.source(key), ignore_cues=ignore))
    if root is not None and not any(kind.phrases for kind in kinds):
        reader.problem(root, "SCHEMA", "there must be at least one danger phrase")
    cues = reader.mapping(top["not_now"], "'not_now'", NOT_NOW_KEYS) if "not_now" in top else {}
    not_now = {key: _phrases(reader, cues.get(key), f"'{key}'", lexicon) for key in NOT_NOW_KEYS}
    driving = (
        frozenset(w for t in reader.texts(top["driving_words"], "a word") for w in lexicon.read(words(t)))
        if "driving_words" in top
        else frozenset()
    )
    problems.extend(reader.problems)
    return tuple(kinds), not_now, driving


def _load_intents(path: Path, lexicon: Lexicon, problems: list[Diagnostic]) -> dict[str, Topic]:
    reader, root = _yaml_root(path, problems)
    found: dict[str, Topic] = {}
    for name, (key, value) in reader.pairs(root, "this file").items() if root is not None else []:
        entries = reader.mapping(value, f"intent '{name}'", INTENT_KEYS)
        go = reader.text(entries["go"], "'go'") if "go" in entries else None
        label = reader.text(entries["label"], "'label'") if "label" in entries else None
        if go is None or label is None:
            reader.problem(key, "SCHEMA", f"intent '{name}' needs 'go' (where it leads) and 'label' (a template)")
            continue
        weak, only = (reader.flag(entries[k], f"'{k}'") if k in entries else False for k in ("weak", "phrase_only"))
        phrases = _phrases(reader, entries.get("phrases"), "'phrases'", lexicon)
        over = tuple(reader.texts(entries["over"], "'over'")) if "over" in entries else ()
        found[name] = Topic(name, go, phrases, reader.source(key), label, weak, phrase_only=only, over=over)
    problems.extend(reader.problems)
    return found


def _load_slots(path: Path, lexicon: Lexicon, problems: list[Diagnostic]) -> dict[str, tuple[Topic, ...]]:
    if not path.exists():
        return {}
    reader, root = _yaml_root(path, problems)
    found: dict[str, tuple[Topic, ...]] = {}
    for slot, (_, values) in reader.pairs(root, "this file").items() if root is not None else []:
        topics = []
        for value, (key, phrases) in reader.pairs(values, f"slot '{slot}'").items():
            topics.append(Topic(value, None, _phrases(reader, phrases, "'phrases'", lexicon), reader.source(key)))
        found[slot] = tuple(topics)
    problems.extend(reader.problems)
    return found
