from bot.words import contains, matches, words


def test_words_fold_case_punctuation_and_apostrophes() -> None:
    assert words("He\u2019s HERE!!") == ("hes", "here")
    assert words("  ") == ()
    assert words("is_this stalking?") == ("is", "this", "stalking")


def test_pattern_matches_words_in_order_and_together() -> None:
    assert matches(words("is this stalking"), words("Hi, is this stalking?"))
    assert not matches(words("is this stalking"), words("stalking is this"))
    assert not matches(words("is this stalking"), words("is this really stalking"))


def test_star_stands_for_any_words() -> None:
    pattern = words("my ex * alone")
    assert matches(pattern, words("my ex won't leave me alone"))
    assert matches(pattern, words("my ex alone"))
    assert not matches(pattern, words("my ex keeps calling"))


def test_empty_pattern_matches_nothing() -> None:
    assert not matches((), words("anything"))


def test_contains_finds_an_emergency_phrase_inside_a_pattern() -> None:
    assert contains(words("someone keeps following me"), words("following me"))
    assert not contains(words("following * me"), words("following me"))
    assert not contains(words("is this stalking"), words("help"))
