"""analysis.textstats.association against NLTK's BigramAssocMeasures (the independent implementation it
mirrors): every measure, bit for bit, on random marginals; and collocations() against NLTK's
BigramCollocationFinder fed the same word and pair counts."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from nltk.probability import FreqDist

from analysis.textstats.association import MEASURES, association
from analysis.textstats.frequency import collocations


def _marginals(seed: int, size: int = 3000):
    rng = np.random.default_rng(seed)
    n_xx = int(rng.integers(1_000, 5_000_000))
    n_ix = rng.integers(1, 5_000, size)
    n_xi = rng.integers(1, 5_000, size)
    window = int(rng.integers(2, 6))
    n_pair = np.minimum(rng.integers(1, 400, size), np.minimum(n_ix, n_xi))
    return n_pair / (window - 1.0), n_ix, n_xi, n_xx


@pytest.mark.parametrize("measure", sorted(MEASURES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_measure_equals_nltk_bit_for_bit(measure, seed):
    n_ii, n_ix, n_xi, n_xx = _marginals(seed)
    got = association(measure, n_ii, n_ix, n_xi, n_xx)
    fn = getattr(BigramAssocMeasures, measure)
    expected = [fn(a, (int(b), int(c)), n_xx) for a, b, c in zip(n_ii.tolist(), n_ix, n_xi)]
    assert got.tolist() == expected


def test_a_pair_that_only_occurs_together():
    # two words that occur only as a pair in 1,000 words: the table is [[5, 0], [0, 995]]
    # chi² = n·(ad − bc)² / ((a+b)(c+d)(a+c)(b+d)) = 1000 (a perfect association); Dice 1; PMI log2(1000/5)
    assert association("chi_sq", [5.0], [5], [5], 1000)[0] == pytest.approx(1000.0)
    assert association("dice", [5.0], [5], [5], 1000)[0] == 1.0
    assert association("pmi", [5.0], [5], [5], 1000)[0] == pytest.approx(np.log2(200))
    with pytest.raises(ValueError, match="measure must be one of"):
        association("fisher", [1.0], [1], [1], 10)


def _token_table(seed: int) -> pd.DataFrame:
    """A token table of random content words from a small vocabulary (so pairs repeat), in three
    documents with two speakers and sentences of 3–9 words."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"Wort{i}" for i in range(25)] + ["Kunde", "kunde", "Dialog"]
    rows = []
    for doc in ("a", "b", "c"):
        token_id = 0
        for sent in range(40):
            speaker = ("Anna", "Ben", None)[sent % 3]
            for _ in range(int(rng.integers(3, 10))):
                word = vocabulary[int(rng.zipf(1.4)) % len(vocabulary)]
                rows.append((doc, sent, token_id, word, word, "word", True, speaker))
                token_id += 1
    return pd.DataFrame(
        rows, columns=["doc_id", "sent_id", "token_id", "token", "lemma", "token_type", "is_content", "speaker"]
    )


def _nltk_collocations(tokens, *, by, window, min_count, measure, node=None):
    rows = []
    groups = tokens.groupby(by, sort=True, dropna=True) if by else [((), tokens)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part.sort_values(["doc_id", "token_id"])
        words = Counter(part["lemma"])
        pairs: Counter = Counter()
        for _, sent in part.groupby(["doc_id", "sent_id"], sort=False):
            seq = sent["lemma"].tolist()
            for d in range(1, window):
                pairs.update(zip(seq, seq[d:]))
        finder = BigramCollocationFinder(FreqDist(words), FreqDist(pairs), window_size=window)
        finder.apply_freq_filter(min_count)
        if node:
            finder.apply_ngram_filter(lambda w1, w2: node.casefold() not in (w1.casefold(), w2.casefold()))
        for (w1, w2), score in finder.score_ngrams(getattr(BigramAssocMeasures, measure)):
            rows.append((*key, w1, w2, finder.ngram_fd[(w1, w2)], score))
    out = pd.DataFrame(rows, columns=[*by, "word_1", "word_2", "n", "score"])
    return out.sort_values([*by, "word_1", "word_2"]).reset_index(drop=True)


@pytest.mark.parametrize(
    ("by", "window", "min_count", "measure", "node"),
    [
        ([], 2, 2, "likelihood_ratio", None),
        (["doc_id"], 3, 1, "pmi", None),
        (["doc_id", "speaker"], 2, 1, "student_t", None),
        (["speaker"], 4, 2, "chi_sq", "kunde"),
    ],
)
def test_collocations_equal_nltk_finder(by, window, min_count, measure, node):
    tokens = _token_table(7)
    got = collocations(tokens, by=by or None, window=window, min_count=min_count, measure=measure, node=node)
    assert len(got) >= 5
    assert (got["measure"] == measure).all()
    got = got.drop(columns="measure").sort_values([*by, "word_1", "word_2"]).reset_index(drop=True)
    expected = _nltk_collocations(tokens, by=by, window=window, min_count=min_count, measure=measure, node=node)
    assert (
        got[[*by, "word_1", "word_2", "n"]]
        .astype(object)
        .equals(expected[[*by, "word_1", "word_2", "n"]].astype(object))
    )
    assert got["score"].tolist() == expected["score"].tolist()
