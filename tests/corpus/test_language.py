"""detect_language(): German vs other languages on constructed sentences."""

from analysis.corpus.language import detect_language


def test_german_english_and_unknown():
    de = "Wir leben in einer Zeit, in der alles, was ich sage, sehr stark resonieren kann."
    en = "We live in a time when everything I say can resonate very strongly with the people around me."
    fr = "Nous vivons à une époque où tout ce que je dis peut résonner très fortement avec les autres."
    assert detect_language(de)[0] == "de"
    assert detect_language(en)[0] == "en"
    assert detect_language(fr)[0] == "fr"
    assert detect_language("12345 !!! ???")[0] == "unknown"
    assert detect_language("") == ("unknown", 0.0)


def test_profile_hits_count_each_languages_function_words() -> None:
    from analysis.corpus.language import _profiles, profile_hits

    words = "der the le el il het und and et y e en wir we nous nosotros noi wij markt kunde".split()
    expected = [sum(w in profile for w in words) for profile in _profiles().values()]  # membership, list by list
    assert profile_hits(words) == expected
    assert sum(expected) > 6  # the sample does contain function words of several languages
    assert profile_hits([]) == [0] * len(expected)
