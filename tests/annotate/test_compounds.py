"""Compound splitting against hand-made gold analyses (German word formation, not our output).

Convention (README, "German annotation, offline"): modifiers in their dictionary form, linking
element removed (Kunden- → Kunde, Zeitungs- → Zeitung), a shortened stem restored (Hilfs- → Hilfe),
adjectives lower case; the head keeps the word's inflection; ß is kept. Comparisons are
case-insensitive where the case of a modifier is a matter of convention only.
"""

from __future__ import annotations

import time

import pytest

from analysis.annotate import compounds
from analysis.annotate.compounds import MAX_PIECE, compound_parts, split_compound

# gold: parts as a German grammar gives them; written by hand for these tests
GOLD = {
    # linking elements removed, modifier in its dictionary form
    "Dialogmarketing": ("Dialog", "Marketing"),
    "Kundenbindung": ("Kunde", "Bindung"),
    "Kommunikationsabteilung": ("Kommunikation", "Abteilung"),
    "Unternehmenskommunikation": ("Unternehmen", "Kommunikation"),
    "Gesprächspartner": ("Gespräch", "Partner"),
    "Quartalsbericht": ("Quartal", "Bericht"),
    "Zeitungsartikel": ("Zeitung", "Artikel"),
    "Arbeitsplatz": ("Arbeit", "Platz"),
    "Kinderbuch": ("Kind", "Buch"),
    "Werkzeugmaschine": ("Werkzeug", "Maschine"),
    "Marketingkosten": ("Marketing", "Kosten"),
    # the head keeps the inflection of the word
    "Dialogmarketingtrends": ("Dialog", "Marketing", "Trends"),
    "Wahlplakaten": ("Wahl", "Plakaten"),
    # shortened stems restored
    "Hilfsmittel": ("Hilfe", "Mittel"),
    "Schulbuch": ("Schule", "Buch"),
    "Mietvertrag": ("Miete", "Vertrag"),
    # ß kept, adjective modifiers in lower case
    "Großstadt": ("groß", "Stadt"),
    "Straßenbahn": ("Straße", "Bahn"),
    # verb stems as modifiers, given as the infinitive
    "Lieferwagen": ("liefern", "Wagen"),
    # frequent, lexicalised compounds are still compounds
    "Spielplatz": ("Spiel", "Platz"),
    "Wochenende": ("Woche", "Ende"),
    "Flughafen": ("Flug", "Hafen"),
    "Fußball": ("Fuß", "Ball"),
    # the right head, not a short word inside it (shipped corpus: Vorstand|Tag, Mark|…)
    "Vorstandsetage": ("Vorstand", "Etage"),
    "Chefredakteurin": ("Chef", "Redakteurin"),
    # plural nouns stay plural as modifiers
    "Elternabend": ("Eltern", "Abend"),
    # hyphenated forms: pieces, abbreviations kept, a modifier piece in its dictionary form
    "Online-Marketing": ("Online", "Marketing"),
    "Content-Marketing": ("Content", "Marketing"),
    "Social-Media-Team": ("Social", "Media", "Team"),
    "CDU-Politiker": ("CDU", "Politiker"),
}

NOT_COMPOUNDS = [
    # simplex and lexicalised words, derivational suffixes kept with their stem
    "Unternehmen",
    "Kommunikation",
    "Beziehung",
    "Gesellschaft",
    "Verhältnis",
    "Mannschaft",
    "Manifest",
    "Entscheiderin",
    "wunderbar",
    "machbar",
    # derivatives of particle verbs and prefixed words (Weiterbildung, zugeschlagen in the issue)
    "Fortbildung",
    "Übernahme",
    "Abfahrt",
    "angekommen",
    "zusammengefasst",
    "vorgestellt",
    "Unsinn",
    # capitalised at the start of a sentence: adverbs, participles (shipped corpus)
    "Mittlerweile",
    "Allerdings",
    "Zusammenfassend",
    "Mitarbeitenden",
    # names of places and persons (shipped corpus: Mannheim, Heinemann)
    "Mannheim",
    "Heinemann",
    "Heidelberg",
    "Offenburg",
    "Frankreich",
    "Schumacher",
    # English loanwords (shipped corpus: Mainstream)
    "Mainstream",
    "Feedback",
    "Workshop",
    "Download",
    "Headline",
    # hyphenated names and loanwords
    "Villingen-Schwenningen",
    "Check-ins",
]


def _low(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.lower() for p in parts)


@pytest.mark.parametrize("word", list(GOLD))
def test_gold_splits(word):
    assert _low(split_compound(word)) == _low(GOLD[word])


@pytest.mark.parametrize("word", NOT_COMPOUNDS)
def test_non_compounds_stay_whole(word):
    assert split_compound(word) == ()


def test_sharp_s_is_kept():
    assert split_compound("Großstadt")[0].lower() == "groß"  # not "gross" (case-folding loses ß)
    assert split_compound("Fußball") == ("Fuß", "Ball")
    assert split_compound("Straßenbahn") == ("Straße", "Bahn")


def test_the_head_is_the_right_word():
    # shipped corpus: Markentreue was split Mark|…, Vorstandsetage Vorstand|Tag
    assert split_compound("Markentreue")[-1] == "Treue"
    assert split_compound("Vorstandsetage") == ("Vorstand", "Etage")
    assert split_compound("Politikberaterin") == ("Politik", "Beraterin")  # -in stays with its stem


def test_head_is_lemmatised_and_modifier_is_first_part():
    import simplemma

    parts, head, modifier = compound_parts("Dialogmarketingtrends", lambda w: simplemma.lemmatize(w, lang="de"))
    assert (parts, head, modifier) == ("Dialog|Marketing|Trend", "Trend", "Dialog")


def test_hashtags_and_gender_forms():
    assert split_compound("#Dialogmarketing") == ("Dialog", "Marketing")
    assert split_compound("Kommunikationsberater:innen") == ("Kommunikation", "Berater")


def test_short_and_non_alphabetic_words():
    assert split_compound("Tag") == ()
    assert split_compound("") == ()
    assert split_compound("24/7") == ()
    assert split_compound("---") == ()


def _candidates(word: str) -> int:
    compounds._split_closed.cache_clear()
    compounds.split_compound.cache_clear()
    compounds._modifier_reading.cache_clear()
    compounds._head_reading.cache_clear()
    before = compounds.STATS["candidates"]
    split_compound(word)
    return compounds.STATS["candidates"] - before


def test_work_is_bounded_for_long_words():
    """A 40k-letter capitalised 'word' and a 15k-piece hyphen chain are handled at once: the
    candidate parts evaluated are bounded by MAX_PIECE² per piece whatever the input length."""
    split_compound("Haus")  # load the word lists outside the timed part
    long_word = "Donau" + "dampfschifffahrt" * 2500  # 40,005 letters
    t0 = time.perf_counter()
    assert split_compound(long_word) == ()
    assert split_compound("-".join(["Wort"] * 15_000)) == ()
    assert time.perf_counter() - t0 < 3.0
    assert _candidates(long_word) == 0
    # a piece just under the bound: quadratic in the piece, not in the input
    near = "Dampfschifffahrtsgesellschaftskapitänsmütze"
    assert len(near) <= MAX_PIECE
    assert 0 < _candidates(near) <= MAX_PIECE * MAX_PIECE


def test_zipf_table_agrees_with_wordfreq():
    """The splitter's Zipf table (built bucket by bucket from wordfreq's packed list) gives what
    wordfreq's own ``zipf_frequency`` gives (which rounds to two decimals), for common, rare and
    English words, and nothing for a word not in the list."""
    import wordfreq

    for lang, words in (("de", ["und", "Unternehmen", "kommunikation", "dampfschiff"]), ("en", ["the", "podcast"])):
        table = compounds._zipf_table(lang)
        for word in words:
            key = word.casefold()
            assert key in table, word
            assert round(table[key], 2) == wordfreq.zipf_frequency(word, lang), word
    assert compounds._zipf("Qxzvvbq") == 0.0 == wordfreq.zipf_frequency("qxzvvbq", "de")
