"""Compound splitting against hand-made gold splits (German word formation, not our output)."""

from __future__ import annotations

import pytest

from analysis.compounds import compound_parts, split_compound

# gold: parts as a German grammar would split them (linking -s- dropped); written by hand
GOLD = {
    "Dialogmarketing": ("Dialog", "Marketing"),
    "Online-Marketing": ("Online", "Marketing"),
    "Content-Marketing": ("Content", "Marketing"),
    "Marketinghype": ("Marketing", "Hype"),
    "Marketingkosten": ("Marketing", "Kosten"),
    "Social-Media-Team": ("Social", "Media", "Team"),
    "Kundenbindung": ("Kunden", "Bindung"),
    "Kommunikationsabteilung": ("Kommunikation", "Abteilung"),
    "Werkzeugmaschine": ("Werkzeug", "Maschine"),
    "Unternehmenskommunikation": ("Unternehmen", "Kommunikation"),
    "Gesprächspartner": ("Gespräch", "Partner"),
    "Datenskandal": ("Daten", "Skandal"),
    "Quartalsbericht": ("Quartal", "Bericht"),
    "Mediennutzung": ("Medien", "Nutzung"),
    "Dialogmarketingtrends": ("Dialog", "Marketing", "Trends"),
}
NOT_COMPOUNDS = ["Unternehmen", "Kommunikation", "Beziehung", "Gesellschaft", "Verhältnis", "Mannschaft", "Manifest"]


@pytest.mark.parametrize("word", [w for w, g in GOLD.items() if g is not None])
def test_gold_splits(word):
    assert split_compound(word) == GOLD[word]


@pytest.mark.parametrize("word", NOT_COMPOUNDS)
def test_simplex_and_lexicalised_words_stay_whole(word):
    assert split_compound(word) == ()


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


def test_names_and_suffixes_are_not_heads():
    assert split_compound("Entscheiderin") == ()  # -erin is a suffix, "Erin" a name
