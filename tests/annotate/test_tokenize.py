"""Web-aware tokens and sentence boundaries, each rule on a constructed sentence."""

from __future__ import annotations

import pytest
from factories import best_seconds

from analysis.annotate.tokenize import sentence_starts, split_sentences, tokenize


def surfaces(text: str) -> list[str]:
    return [t[2] for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        ("Liebe Empfänger:innen, hallo", "Empfänger:innen", "word"),
        ("alle Mitarbeiter*innen sind da", "Mitarbeiter*innen", "word"),
        ("jede Mitarbeiter:in zählt", "Mitarbeiter:in", "word"),
        ("das Social-Media-Team antwortet", "Social-Media-Team", "word"),
        ("6.938 mal gelesen", "6.938", "number"),
        ("sind 24/7 verfügbar", "24/7", "number"),
        ("ab 10h00 geöffnet", "10h00", "number"),
        ("mit #Dialogmarketing und mehr", "#Dialogmarketing", "hashtag"),
        ("frag @annette doch mal", "@annette", "mention"),
        ("siehe https://www.example.de/pfad/ dazu", "https://www.example.de/pfad/", "url"),
        ("mehr auf oliver-heim.de lesen", "oliver-heim.de", "url"),
        ("an bastian.klohr@hs-heilbronn.de schreiben", "bastian.klohr@hs-heilbronn.de", "email"),
        ("es geht u.a. um Trump", "u.a.", "word"),
        ("das ist bspw. so", "bspw.", "word"),
        ("super :-) oder", ":-)", "emoticon"),
        ("toll 👍🏽 wirklich", "👍🏽", "emoji"),
        ("am 24. Januar", "24.", "number"),
    ],
)
def test_web_tokens_stay_whole(text, token, kind):
    toks = tokenize(text)
    assert (token, kind) in [(t[2], t[3]) for t in toks]


def test_truncated_compound_keeps_its_hyphen():
    assert surfaces("Mitarbeiter- und Kundenbindung") == ["Mitarbeiter-", "und", "Kundenbindung"]


def test_url_does_not_swallow_final_punctuation():
    assert surfaces("Infos unter https://example.de/x.")[-2:] == ["https://example.de/x", "."]


def test_offsets_point_into_the_text_with_offset_argument():
    text = "„Märkte sind Gespräche“, sagt er… 👍"
    for start, end, surface, _ in tokenize(text, offset=100):
        assert text[start - 100 : end - 100] == surface


def test_sentences_abbreviations_ordinals_and_quotes():
    text = (
        "Es geht u.a. um Trump am 24. Januar 2011. Er sagte: „Märkte sind Gespräche.“ "
        "Das war z.B. gut!!! :) Ja klar… Und dann? Facebook und Co. noch nicht. Jabs, etc. Man lernt."
    )
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "Es geht u.a. um Trump am 24. Januar 2011.",
        "Er sagte: „Märkte sind Gespräche.“",
        "Das war z.B. gut!!! :)",
        "Ja klar…",
        "Und dann?",
        "Facebook und Co. noch nicht.",
        "Jabs, etc.",
        "Man lernt.",
    ]


def test_short_lines_end_sentences_but_wrapped_prose_does_not():
    text = "Hochschule Heilbronn\nMax-Planck-Str. 39\nDieser lange Satz wurde im Fließtext umbrochen und\ngeht hier weiter."
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "Hochschule Heilbronn",
        "Max-Planck-Str. 39",
        "Dieser lange Satz wurde im Fließtext umbrochen und\ngeht hier weiter.",
    ]


def test_lowercase_after_full_stop_is_not_a_new_sentence():
    assert len(split_sentences("Das kostet 5 Euro. ein Schnäppchen")) == 1


def test_empty_input():
    assert tokenize("") == []
    assert sentence_starts([]) == []
    assert split_sentences("   ") == []


@pytest.mark.parametrize("unit", ["a+", "a_", "x.y", "a1.", "+-", "a-a.", "-a.", "a@"])
def test_a_long_chunk_without_spaces_tokenises_in_linear_time(unit):
    """Issue 19: the e-mail and domain alternatives rescanned a whitespace-free chunk from every
    position (10k -> 40k characters of ``a+``: ~1 s -> ~20 s). 8 times the input may take at most
    32 times as long (linear: 8; the old quadratic pattern: 64)."""
    from analysis.annotate.tokenize import _tokenize_chunk

    small, large = (unit * 2000)[:2000], (unit * 16000)[:16000]
    t_small = best_seconds(_tokenize_chunk, small, runs=5)
    t_large = best_seconds(_tokenize_chunk, large, limit=32 * t_small + 0.02, runs=5)
    assert t_large < 32 * t_small + 0.02, (t_small, t_large)


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        (f"Schreib an {'a' * 64}@example.org bitte", f"{'a' * 64}@example.org", "email"),
        (
            "Post an vorname.nachname+tag@mail.abt.uni-beispiel.de.",
            "vorname.nachname+tag@mail.abt.uni-beispiel.de",
            "email",
        ),
        (
            "Siehe blog.abteilung.firma-name.de/pfad/seite.html heute",
            "blog.abteilung.firma-name.de/pfad/seite.html",
            "url",
        ),
    ],
)
def test_bounded_patterns_still_find_real_addresses(text, token, kind):
    assert (token, kind) in [(t[2], t[3]) for t in tokenize(text)]
