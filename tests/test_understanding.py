"""Understanding typed text: each rule on its own, then the labelled corpus and its held-out figures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.engine.diagnostics import Diagnostic
from bot.engine.lexicon import DANGER_KINDS, Example
from bot.engine.program import Program
from bot.engine.understanding import Understanding
from bot.flows.lexicon_files import load_examples
from bot.settings import PROJECT_ROOT

HELD_OUT = PROJECT_ROOT / "content" / "understanding" / "heldout"
# The targets, met on the held-out set (round 7: recall 1.000, false alarms 0.048, intents 0.952).
DANGER_RECALL_FLOOR = 1.0
FALSE_ALARM_CEILING = 0.05
INTENT_ACCURACY_FLOOR = 0.90


@pytest.fixture(scope="module")
def understanding(program: Program) -> Understanding:
    return program.understanding


@pytest.fixture(scope="module")
def held_out(program: Program) -> list[Example]:
    """Return the held-out messages, less any written exactly as a training example (those are looked up)."""
    problems: list[Diagnostic] = []
    found = load_examples(HELD_OUT, problems)
    assert not problems
    learned = {program.understanding.normalise(e.text) for e in program.content.lexicon.examples}
    return [e for e in found if program.understanding.normalise(e.text) not in learned]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hes outside my flat rn", "nearby"),
        ("cnt tlk hes rite here", "cannot_speak"),
        ("someone has been following me since the station", "followed_on_foot"),
        ("a car has been behind me for miles", "followed_driving"),
        ("he's got a knife", "weapon"),
        ("just got a text saying hes coming round tonight to kill me", "threat"),
        ("sos", "attack"),
        ("if i phone anyone he'll hear me", "cannot_speak"),  # no "what if" sets aside not being able to speak
        ("he was here yesterday and he is outside again now", "nearby"),  # a present cue beats a past one
        ("no voice pls he will hear", "cannot_speak"),  # "no" belongs to the clause before
        ("cantspeakhesinthehouse", "cannot_speak"),  # words typed without spaces
        ("🆘🆘🆘", "attack"),
        ("bleeding he hit me", "attack"),
        ("i can hear him coming up the stairs", "nearby"),
        ("his car jus pulld up outsid", "nearby"),
        ("he just sent ur dead when i get there", "threat"),
        ("no knife but hes got a bat", "weapon"),  # a denied match does not hide a later one
        ("hes got a knife he always has one", "weapon"),  # "has got" is now, whatever the habit
        ("theres someone in my garden, i heard a noise earlier", "nearby"),  # "there is someone": now
        ("he had a knife last time and hes back outside", "weapon"),
        ("im at work, my ex is in reception with a bat", "weapon"),  # being at work is not being safe
        ("every time i cross the road he crosses too", "followed_on_foot"),  # a habit word, happening now
        ("i used to think i was paranoid but that car has followed me for 3 junctions", "followed_driving"),
        ("he's ever so angry and hes got a bat", "weapon"),  # "ever so" is not "if he ever"
        ("im a bit drunk n this bloke wont stop walkin behind me", "followed_on_foot"),  # "won't stop": not denied
        ("h3s gt a kn1fe", "weapon"),  # digits for letters
        ("my neighbour at no 4 says someone is round the back now", "nearby"),  # "no 4" is a house number
        ("the moped lads with a blade have gone past 3 times", "weapon"),  # "gone past" is not "gone"
        ("just heard the side gate, thats how he got in last time", "nearby"),  # "just heard": now
        ("he listning", "cannot_speak"),
        ("tick tock is all she keeps sending", "threat"),
        ("he texted you have till tonight", "threat"),
        ("if he cant have me no one can, he said", "threat"),
        ("doorbell pinging again", "nearby"),
        ("hes at victoria bus station by my stop", "nearby"),
        ("same spot under the lamp post. peeked out the window again", "nearby"),
        ("my ex is out the front again, should i record him", "nearby"),
        ("she has a blade, is it 999 or 101", "weapon"),  # "has a blade" is now, whatever else is asked
        ("he's not outside anymore hes inside", "nearby"),  # a denial of one place, and now another
    ],
)
def test_danger_now_is_read_with_its_kind(understanding: Understanding, text: str, kind: str) -> None:
    assert understanding.read(text).danger == kind


@pytest.mark.parametrize(
    "text",
    [
        "help",  # the bare word: the menu, whose first button is emergency help
        "who can help me",
        "this isn't an emergency but is it stalking",
        "he is not outside",
        "last week he had a knife, how do i report that",
        "what should i do if he turns up at my door",
        "I'm safe now, he's gone",
        "Not in danger right now",
        "message 10",  # a word or two is like a danger example by chance ("be round in 10")
        "im in danger of losing my job",
        "i keep having nightmares that hes at the window",
        "is it legal to carry a knife for protection",
        "what services are there in nottingham for men",
        "hes not here now but he was banging on my door on sunday",  # the "now" is in the denial
        "i am going for my walk later any safety tips",  # not "going for me"
        "can i go back to the note to finish it",  # not "round to finish it"
        "my phone will not stop buzzing with his messages",  # not the door buzzer
        "my phone is next to my bed at night",  # not someone by the bed
        "what should i do if hes at the school gates tomorrow",  # "if he is at the": the "is at" is a what-if
        "hes at work till 6 so i can type",  # at work is away, not near
        "wrong chat sorry, i needed a new cricket bat",
        "saw a knife attack on the news and it shook me",
        "can you print the knife one from my notes",
        "chopping veg with a big knife while i write this up, 3 more texts today",
        "what do i do if he has a knife",
    ],
)
def test_denials_past_events_and_what_ifs_are_not_danger_now(understanding: Understanding, text: str) -> None:
    reading = understanding.read(text)
    assert reading.danger is None, reading.because


def test_a_weak_reassurance_does_not_hide_the_question_asked(understanding: Understanding) -> None:
    reading = understanding.read("its not urgent, how do i get an advocate")
    assert (reading.danger, reading.intent) == (None, "advocacy"), reading.because
    assert understanding.read("I'm not in danger").intent == "not_in_danger"


def test_a_near_certain_danger_model_overrules_a_habit_cue_but_never_a_denial(understanding: Understanding) -> None:
    reading = understanding.read(
        "he's always bragged about having a gun and he's just shown it to me out the car window"
    )
    assert reading.danger == "weapon", reading.because
    assert any("not danger now" in line for line in reading.because)  # the habit cue set the phrase aside
    assert any("by the linear model (danger" in line for line in reading.because)
    assert understanding.read("he is not outside my house").danger is None


def test_a_past_danger_is_noticed_without_calling_it_danger(understanding: Understanding) -> None:
    reading = understanding.read("last week he had a knife")
    assert reading.danger is None and reading.past_danger


def test_in_a_note_a_place_alone_is_not_danger_but_the_present_is(understanding: Understanding) -> None:
    assert understanding.read("Outside my work", noting=True).danger is None
    assert understanding.read("Outside my work").danger == "nearby"
    assert understanding.read("he is outside my house", noting=True).danger == "nearby"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is this stalking? my ex keeps turning up at my work", "stalking"),  # the question asked first
        ("is ther a stalking helpline in the city", "who_can_help"),  # not "is * stalking" across the sentence
        ("can i report it without giving my name", "anonymous"),  # narrower over broader
        ("how do i get a non molestation order", "orders"),
        ("i want support but not from the police", "victim_care"),
        ("can i keep a diary in here", "note"),
        ("where can i get a panic alarm", "routine"),
        ("i cant cope", "someone_to_talk_to"),
        ("ring the samaritans", "someone_to_talk_to"),
        ("he made a fake account with my pics", "online"),
        ("i think theres spyware on my phone", "device"),
        ("he keeps leaving presents on my doorstep", "evidence"),
        ("i feel like im going mad", "wellbeing"),
        ("i need an advocate", "advocacy"),
        ("stalkng", "stalking"),  # misspelt
        ("harrasment", "stalking"),
    ],
)
def test_intents_reach_the_screen_that_answers(understanding: Understanding, text: str, intent: str) -> None:
    reading = understanding.read(text)
    assert reading.intent == intent, reading.because


def test_who_is_doing_it_is_heard(understanding: Understanding) -> None:
    assert understanding.read("my ex keeps turning up").slots == {"who": "partner"}
    assert understanding.read("a neighbour keeps watching me").slots == {"who": "known"}


def test_actions_with_effects_are_only_offered_on_a_guess(understanding: Understanding) -> None:
    assert understanding.read("message 5").go != "/clear"
    assert understanding.read("clear this chat").go == "/clear"


def test_an_unclear_message_gets_guesses_not_an_answer(understanding: Understanding) -> None:
    reading = understanding.read("what now")
    assert reading.intent is None and 1 <= len(reading.guesses) <= 3


def test_every_decision_says_why_and_where_it_is_written(understanding: Understanding) -> None:
    reading = understanding.read("hes outside my flat")
    assert any("danger.yaml:" in line for line in reading.because), reading.because


# The corpus --------------------------------------------------------------------------------------------


def test_the_corpus_is_big_enough(program: Program, held_out: list[Example]) -> None:
    corpus = [*program.content.lexicon.examples, *held_out]
    assert len(corpus) >= 800
    assert sum(e.danger is not None for e in corpus) >= 150
    assert sum(e.danger is None for e in corpus) >= 100
    per_intent = Counter(e.intent for e in corpus if e.intent)
    assert all(per_intent[name] >= 40 for name in program.content.lexicon.intents if name in per_intent)
    labelled = {e.intent for e in corpus} | {e.danger for e in corpus}
    assert set(DANGER_KINDS) <= labelled


def test_the_held_out_set_is_never_learned_from(program: Program) -> None:
    learned_from = {Path(e.source.path).parent for e in program.content.lexicon.examples}
    assert learned_from == {HELD_OUT.parent / "examples"}


def test_every_example_reaches_its_label(program: Program) -> None:
    wrong = []
    for example in program.content.lexicon.examples:
        reading = program.understanding.read(example.text)
        if (reading.danger, reading.intent if example.intent else None) != (example.danger, example.intent):
            wrong.append((example.text, reading.danger, reading.intent))
    assert not wrong


def test_held_out_figures(understanding: Understanding, held_out: list[Example]) -> None:
    readings = [(e, understanding.read(e.text)) for e in held_out]
    danger = [r.danger is not None for e, r in readings if e.danger]
    alarms = [r.danger is not None for e, r in readings if not e.danger]
    intents = [r.intent == e.intent for e, r in readings if e.intent and not e.danger]
    recall, false_alarms, accuracy = sum(danger) / len(danger), sum(alarms) / len(alarms), sum(intents) / len(intents)
    print(f"held out: danger recall {recall:.3f}, false alarms {false_alarms:.3f}, intents {accuracy:.3f}")
    assert recall >= DANGER_RECALL_FLOOR
    assert false_alarms <= FALSE_ALARM_CEILING
    assert accuracy >= INTENT_ACCURACY_FLOOR


def test_a_huge_message_is_read_by_its_start_and_long_words_are_left_alone(understanding: Understanding) -> None:
    assert understanding.correct("a" * 30) == "a" * 30  # not a word: never "corrected" (that took seconds)
    huge = "hes outside my flat right now. " + "x" * 65_000
    assert understanding.read(huge).danger == "nearby"
    assert understanding.danger_now(huge) == "nearby"
