"""Tests for analysis.textstats.frequency: frequencies and n-grams against plain counting,
collocations against keyness' G²."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from vocabulary_texts import marketing_and_dialog

from analysis.textstats.frequency import collocations, frequencies, ngrams
from analysis.textstats.keyness import log_likelihood


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return marketing_and_dialog()


def test_frequencies_match_plain_counting(tokens):
    out = frequencies(tokens, feature="lemma")
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    for doc_id, group in words.groupby("doc_id"):
        expected = Counter(group["lemma"])
        got = out[out["doc_id"] == doc_id].set_index("lemma")
        assert dict(got["n"]) == dict(expected)
        assert got["per_1000"].sum() == pytest.approx(1000.0)
    a = out[out["doc_id"] == "a"]
    assert a.iloc[0]["lemma"] == "Marketing" and a.iloc[0]["rank"] == 1
    assert list(a["n"]) == sorted(a["n"], reverse=True)


def test_frequencies_all_words_and_surface_forms(tokens):
    all_words = frequencies(tokens, feature="norm", content_only=False, by=None)
    assert "der" in set(all_words["norm"])
    assert "der" not in set(frequencies(tokens, feature="norm", by=None)["norm"])
    assert list(all_words.columns) == ["norm", "n", "per_1000", "rank"]
    top = frequencies(tokens, n=2)
    assert top.groupby("doc_id").size().max() == 2


def test_ngrams_stay_within_sentences(tokens):
    out = ngrams(tokens, size=2, by=None, feature="norm")
    grams = set(out["ngram"])
    assert "marketing bleibt" in grams
    assert "bestimmt viele" not in grams  # across a sentence boundary
    assert "dialog sondern" not in grams  # across a comma
    content = ngrams(tokens, size=2, by=None, feature="lemma", content_only=True)
    assert all(" " in g for g in content["ngram"])
    assert not any(g.startswith("in ") for g in content["ngram"])
    trigrams = ngrams(tokens, size=3, by="doc_id", feature="norm")
    assert (trigrams["ngram"].str.count(" ") == 2).all()


def test_ngrams_equal_a_plain_loop(sample):
    """Vectorised n-gram counting against a straightforward loop over the tokens."""
    _, tokens = sample
    t = tokens.sort_values(["doc_id", "token_id"]).reset_index(drop=True)
    expected: dict[tuple[str, str], int] = {}
    rows = list(t[["doc_id", "sent_id", "token_type", "is_content", "lemma"]].itertuples(index=False))
    for i in range(len(rows) - 2):
        trio = rows[i : i + 3]
        if len({(r.doc_id, r.sent_id) for r in trio}) == 1 and all(
            r.token_type in ("word", "hashtag") and r.is_content for r in trio
        ):
            key = (trio[0].doc_id, " ".join(r.lemma for r in trio))
            expected[key] = expected.get(key, 0) + 1
    got = ngrams(tokens, size=3, content_only=True)
    assert dict(zip(zip(got["doc_id"], got["ngram"]), got["n"])) == expected


def test_collocations_scores_equal_g2(sample):
    _, tokens = sample
    out = collocations(tokens, min_count=2)
    assert len(out) > 5
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    freq = Counter(words["lemma"])
    n = len(words)
    # recompute each pair's G² from plain counts of adjacent content lemmas in a sentence
    pairs: Counter = Counter()
    for _, sent in words.sort_values(["doc_id", "token_id"]).groupby(["doc_id", "sent_id"]):
        seq = sent["lemma"].tolist()
        pairs.update(zip(seq, seq[1:]))
    for row in out.head(10).itertuples(index=False):
        assert row.n == pairs[(row.word_1, row.word_2)]
        g2, _, _ = log_likelihood([row.n], [freq[row.word_1] - row.n], freq[row.word_2], n - freq[row.word_2])
        assert row.score == pytest.approx(g2[0], rel=1e-9)
    social = collocations(tokens, node="Media", min_count=1)
    assert (social[["word_1", "word_2"]] == "Media").any(axis=1).all()


def test_collocations_min_count_only_drops_rows(sample):
    """Pairs below ``min_count`` are dropped before NLTK scores them: the kept pairs must score as
    when every pair is handed to NLTK (its G² uses the word totals, not the other pairs)."""
    _, tokens = sample
    every = collocations(tokens, min_count=1)
    frequent = collocations(tokens, min_count=3)
    assert 0 < len(frequent) < len(every)
    expected = every[every["n"] >= 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(frequent, expected, check_exact=True)
