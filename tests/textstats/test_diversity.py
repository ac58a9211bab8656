"""Tests for analysis.textstats.diversity: the measures on worked examples and against the
lexicalrichness package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from vocabulary_texts import marketing_and_dialog

from analysis.textstats.diversity import diversity, hdd, mattr, mtld, ttr


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return marketing_and_dialog()


def test_measures_on_worked_examples():
    seq = list("abab") + ["c"]
    assert ttr(seq) == pytest.approx(3 / 5)
    assert mattr(seq, window=2) == pytest.approx(1.0)
    assert mattr(seq, window=3) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert np.isnan(mattr(seq, window=6))
    assert np.isnan(hdd(seq, draws=6))
    # HD-D with draws = N is the TTR (every type is drawn)
    assert hdd(seq, draws=5) == pytest.approx(3 / 5)
    assert mtld(list("abcdefgh")) == 8  # TTR never falls: the length


def test_diversity_equals_lexicalrichness(sample):
    lexicalrichness = pytest.importorskip("lexicalrichness")
    _, tokens = sample
    for params in ({"window": 50, "threshold": 0.72, "draws": 42}, {"window": 25, "threshold": 0.66, "draws": 30}):
        out = diversity(tokens, by=["doc_id", "speaker"], **params)
        out = pd.concat([out, diversity(tokens, by="doc_id", **params)], ignore_index=True)
        assert len(out) == 9  # 5 documents + 4 speakers
        words = tokens[tokens["token_type"].isin(["word", "hashtag"])].sort_values(["doc_id", "token_id"])
        for row in out.itertuples(index=False):
            sel = words["doc_id"] == row.doc_id
            if isinstance(getattr(row, "speaker", None), str):
                sel &= words["speaker"] == row.speaker
            seq = words.loc[sel, "norm"].str.casefold().tolist()
            lr = lexicalrichness.LexicalRichness(seq, preprocessor=None, tokenizer=None)
            assert row.ttr == pytest.approx(lr.ttr, abs=1e-12)
            assert row.mattr == pytest.approx(lr.mattr(window_size=params["window"]), abs=1e-12)
            assert row.mtld == pytest.approx(lr.mtld(threshold=params["threshold"]), abs=1e-9)
            assert row.hdd == pytest.approx(lr.hdd(draws=params["draws"]), abs=1e-9)


def test_diversity_short_group_and_columns(tokens):
    out = diversity(tokens, by=["doc_id", "speaker"], window=50)
    assert list(out.columns) == ["doc_id", "speaker", "n_tokens", "n_types", "ttr", "mattr", "mtld", "hdd"]
    assert out["speaker"].tolist() == ["Anna", "Ben"]  # the document without speakers is left out
    assert out["mattr"].isna().all()  # shorter than the window


@pytest.mark.parametrize("window", [1, 3, 50])
def test_mattr_on_word_codes_equals_the_moving_window(window):
    from analysis.textstats.diversity import _mattr_codes

    rng = np.random.default_rng(window)
    for n in (0, window - 1, window, window + 1, 200, 1_000):
        for types in (1, 5, 300):  # one word repeated, a few, mostly distinct
            codes = rng.integers(0, types, size=max(n, 0))
            expected = mattr(codes.tolist(), window=window)
            got = _mattr_codes(codes, window=window)
            assert (np.isnan(got) and np.isnan(expected)) or got == expected  # the same float, not close


def test_diversity_folds_case_once_per_form_and_keeps_missing_forms(tokens):
    from analysis.textstats.diversity import _casefold_codes

    codes = _casefold_codes(pd.Series(["Der", "der", "DER", "Straße", "STRASSE", "x"], dtype="str"))
    assert codes.tolist() == [0, 0, 0, 1, 1, 2]  # casefold: ß and SS fold alike
    assert _casefold_codes(pd.Series(["a", None], dtype=object)) is None  # missing: folded word by word
    words = tokens.copy()
    words["norm"] = words["norm"].astype(object)
    words.loc[words.index[3], "norm"] = None
    with_missing = diversity(words)  # the slower path still gives a table
    assert len(with_missing) == tokens["doc_id"].nunique()
