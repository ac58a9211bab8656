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
