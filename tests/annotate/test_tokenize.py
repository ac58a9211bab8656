"""Web-aware tokens and sentence boundaries, each rule on a constructed sentence."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from factories import best_seconds

from analysis.annotate.pipeline import annotate_texts
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


# -- the vectorised path (chunk types expanded with NumPy) against the plain reference loop -------


def test_chunks_are_cut_at_exactly_the_chunk_pattern_separators():
    """Every code point up to U+30FF and a few beyond (emoji, tags, private use, the last one),
    each between two letters: the fast chunker (str.split + NumPy offsets) cuts where the
    reference's ``_CHUNK_RE.finditer`` does."""
    import tokenize_reference as ref

    points = [*range(0x3100), 0xFEFF, 0xFFFF, 0x1F600, 0xE0001, 0xF0000, 0x10FFFF]
    text = "".join("x" + chr(c) for c in points) + "x"
    assert tokenize(text) == ref.tokenize(text)


@pytest.mark.parametrize(
    "text",
    [
        "am 24. Januar und 24.\x00Januar und am 3.\n\nplatz, 24.",  # ordinals: a word must follow
        "Er kam.\x0bDann ging er. ein Fehler. (Ja!) „So.“ Gut:-) Na 😀 Klar",
        "Kurze Zeile\nnoch eine,\nund dann ein sehr langer Satz, der über fünfzig Zeichen hinausgeht\nOk",
        "bspw... und z.B. etc. Und usw.) Aber",
        "Gut! :)\n:) Toll und na gut!!\n!! :-)\n:-) Weiter",  # line breaks inside a run that ends a sentence
        # lines just shorter and longer than the 50 characters after which a line break ends a sentence
        "\n".join(f"Zeile {'x' * k}" for k in range(40, 48)) + "\nEnde",
        "\n".join(f"  Zeile {'x' * k}," for k in range(40, 48)) + "\nEnde",
    ],
)
def test_tokens_and_sentence_starts_equal_the_reference_loop(text):
    import tokenize_reference as ref

    toks = tokenize(text, offset=7)
    assert toks == ref.tokenize(text, offset=7)
    assert sentence_starts(toks, text, offset=7) == ref.sentence_starts(toks, text, offset=7)
    assert split_sentences(text) == ref.split_sentences(text)  # the batch path's own sentence starts
    items = [(text, [(0, len(text))]), ("Vorweg. " + text, [(0, 7), (8, len(text) + 8)])]
    pd.testing.assert_frame_equal(annotate_texts(items), ref.annotate_texts(items), check_exact=True)


def test_ordinal_rule_does_not_look_into_the_next_paragraph():
    import tokenize_reference as ref

    from analysis.annotate.pipeline import annotate_texts

    text = "Platz 24.\n\nJanuar ist kalt."
    items = [(text, [(0, 9), (11, len(text))]), (text, [(0, len(text))])]
    got = annotate_texts(items)
    assert got[got["doc_index"] == 0]["token"].tolist()[:3] == ["Platz", "24", "."]
    assert got[got["doc_index"] == 1]["token"].tolist()[:2] == ["Platz", "24."]
    pd.testing.assert_frame_equal(got, ref.annotate_texts(items), check_exact=True)


def test_chunk_table_starts_afresh_past_its_limit(monkeypatch):
    import tokenize_reference as ref

    tok_mod = importlib.import_module("analysis.annotate.tokenize")
    from analysis.annotate.pipeline import annotate_texts

    monkeypatch.setattr(tok_mod, "_CACHE_LIMIT", 3)
    items = [("Eins zwei drei. Vier fünf sechs! Sieben 24. Januar", [(0, 16), (16, 49)])]
    first = annotate_texts(items)
    assert len(tok_mod._chunk_cache) > 3  # grew past the limit within the batch …
    second = annotate_texts(items)  # … and is rebuilt at the start of the next one
    assert len(tok_mod._chunk_cache) <= 9
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(second, ref.annotate_texts(items), check_exact=True)


def test_threads_sharing_the_chunk_table_get_the_reference_tables():
    from concurrent.futures import ThreadPoolExecutor

    import tokenize_reference as ref

    tok_mod = importlib.import_module("analysis.annotate.tokenize")
    from analysis.annotate.pipeline import annotate_texts

    tok_mod._chunk_cache.clear()
    words = [f"Wort{i}." if i % 7 == 0 else f"wort{i}" for i in range(3000)]
    items = [[(" ".join(words[k::4]), [(0, len(" ".join(words[k::4])))])] for k in range(4)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(annotate_texts, items * 3))
    for batch, table in zip(items * 3, got):
        pd.testing.assert_frame_equal(table, ref.annotate_texts(batch), check_exact=True)


def test_a_surface_with_two_token_types_has_the_features_of_each_type():
    """``IV`` is a word alone and a number when an ordinal ``IV.`` is split off a full stop: each
    token gets the features of its own type, whatever else its batch holds (the per-surface feature
    store must not hand a token the features computed for the other type)."""
    import tokenize_reference as ref

    from analysis.annotate.pipeline import annotate_texts

    batches = [
        [("Band IV erschien", [(0, 16)])],
        [("Das war am IV.", [(0, 14)]), ("Band IV erschien", [(0, 16)])],
        [("Band IV erschien", [(0, 16)])],
    ]
    kinds = [annotate_texts(b).query("token == 'IV'")["token_type"].astype(str).tolist() for b in batches]
    assert kinds == [["word"], ["number", "word"], ["word"]]
    alone = annotate_texts(batches[0]).drop(columns="doc_index")
    second = annotate_texts(batches[1])
    pd.testing.assert_frame_equal(
        second[second["doc_index"] == 1].drop(columns="doc_index").reset_index(drop=True), alone
    )
    for batch in batches:
        pd.testing.assert_frame_equal(annotate_texts(batch), ref.annotate_texts(batch), check_exact=True)
