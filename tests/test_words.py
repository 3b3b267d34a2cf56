from bot.engine.words import words


def test_words_fold_case_punctuation_and_apostrophes() -> None:
    assert words("He\u2019s HERE!!") == ("hes", "here")
    assert words("  ") == ()
    assert words("is_this stalking?") == ("is", "this", "stalking")


def test_pictographs_are_words_of_their_own() -> None:
    assert words("he has a 🔪🔪 SOS🆘") == ("he", "has", "a", "🔪", "🔪", "sos", "🆘")
