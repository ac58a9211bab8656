"""Tests for analysis.counts: the document-feature matrix against plain counting of the token rows,
its groupings (one column, several, none), case folding, the long form and the vocabulary match."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from factories import doc_tokens

from analysis.counts import by_columns, count_matrix, sort_rows

FIRST = "Die Kunden wollen Gespräche. Gespräche brauchen Zeit, und Kunden merken das."
SECOND = "Marketing ist laut. Das Marketing redet, der Kunde schweigt."
THIRD = "Wir hören zu. Zuhören ist das neue Marketing."


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return pd.concat(
        [doc_tokens("x", [(None, FIRST)]), doc_tokens("y", [("Ute", SECOND), ("Jan", THIRD)])], ignore_index=True
    )


def _content(tokens: pd.DataFrame) -> pd.DataFrame:
    return tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]


def _cells(dfm) -> dict:
    """``{(*row labels, feature): count}`` of the non-zero cells, read from the sparse matrix."""
    coo = dfm.matrix.tocoo()
    labels = [tuple(r) for r in dfm.rows.itertuples(index=False)]
    return {(*labels[r], dfm.features[c]): int(v) for r, c, v in zip(coo.row, coo.col, coo.data)}


def test_counts_equal_plain_counting_per_document(tokens):
    dfm = count_matrix(tokens)
    expected = Counter(zip(_content(tokens)["doc_id"], _content(tokens)["lemma"]))
    assert _cells(dfm) == dict(expected)
    assert dfm.rows["doc_id"].tolist() == ["x", "y"]
    assert dfm.matrix.shape == (2, len(set(_content(tokens)["lemma"])))
    assert dfm.row_totals().tolist() == [
        int((_content(tokens)["doc_id"] == "x").sum()),
        int((_content(tokens)["doc_id"] == "y").sum()),
    ]
    totals = dict(zip(dfm.features, dfm.feature_totals()))
    assert totals == dict(Counter(_content(tokens)["lemma"]))
    assert totals["Marketing"] == 3 and totals["Kunde"] == 3  # Kunden, Kunden, Kunde


def test_speaker_rows_leave_out_paragraphs_without_a_speaker(tokens):
    dfm = count_matrix(tokens, by=["doc_id", "speaker"], feature="norm", content_only=False)
    assert [tuple(r) for r in dfm.rows.itertuples(index=False)] == [("y", "Jan"), ("y", "Ute")]
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["speaker"].notna()]
    assert _cells(dfm) == dict(Counter(zip(words["doc_id"], words["speaker"], words["norm"])))
    assert "das" in set(dfm.features)  # stop words count with content_only=False


def test_one_row_for_the_corpus_and_case_folding(tokens):
    plain = count_matrix(tokens, by=None, feature="token", content_only=False)
    folded = count_matrix(tokens, by=None, feature="token", content_only=False, casefold=True)
    assert plain.matrix.shape[0] == folded.matrix.shape[0] == 1
    assert plain.rows.shape == (1, 0)
    plain_counts = dict(zip(plain.features, plain.feature_totals()))
    folded_counts = dict(zip(folded.features, folded.feature_totals()))
    assert plain_counts["das"] == 2 and plain_counts["Das"] == 1  # "merken das", "das neue"; "Das Marketing"
    assert folded_counts["das"] == 3 and "Das" not in folded_counts
    assert folded_counts["die"] == plain_counts["Die"] == 1
    assert plain.row_totals().tolist() == folded.row_totals().tolist()


def test_long_form_and_vocabulary_match(tokens):
    dfm = count_matrix(tokens)
    frame = dfm.to_frame()
    assert list(frame.columns) == ["doc_id", "lemma", "n"]
    assert dict(zip(zip(frame["doc_id"], frame["lemma"]), frame["n"])) == _cells(dfm)
    other = count_matrix(tokens[tokens["doc_id"] == "y"], by=None)
    matched = other.reindex(dfm.features)
    assert matched.shape == (1, len(dfm.features))
    # the y row of the corpus matrix and y's own matrix on the corpus vocabulary are the same vector
    assert np.array_equal(matched.toarray()[0], dfm.matrix[1].toarray()[0])
    # features the target vocabulary lacks are dropped, features it has but y lacks count 0
    few = pd.Index(["Marketing", "Gespräch", "Ozean"])
    assert other.reindex(few).toarray().tolist() == [[3, 0, 0]]


def test_grouping_helpers():
    assert by_columns(None) == [] and by_columns("doc_id") == ["doc_id"]
    assert by_columns(("doc_id", "speaker")) == ["doc_id", "speaker"]
    df = pd.DataFrame({"g": ["b", "a", "a", "b"], "n": [1, 5, 3, 7], "w": ["p", "q", "r", "s"]})
    assert sort_rows(df, ["g"], ["n"], [False])["w"].tolist() == ["q", "r", "s", "p"]


def test_round_floats_rounds_only_float_columns_and_leaves_the_input():
    from analysis.counts import round_floats

    df = pd.DataFrame({"x": [0.123456789, 2.0], "n": [1, 2], "s": ["a", "b"]}, index=[5, 7])
    out = round_floats(df, 3)
    assert out["x"].tolist() == [0.123, 2.0] and out["n"].tolist() == [1, 2] and out["s"].tolist() == ["a", "b"]
    assert list(out.index) == [0, 1]
    assert df["x"].iloc[0] == 0.123456789 and list(df.index) == [5, 7]


def test_distinct_sorted_equals_numpy_unique():
    import numpy as np

    from analysis.counts import distinct_sorted

    rng = np.random.default_rng(0)
    for values in (
        rng.integers(-5, 5, size=100),
        rng.integers(0, 10**12, size=1000),
        np.array([], dtype=np.int64),
        np.array([7], dtype=np.int32),
        np.array([3, 3, 3], dtype=np.int8),
    ):
        got = distinct_sorted(values)
        assert np.array_equal(got, np.unique(values)) and got.dtype == np.unique(values).dtype
    assert distinct_sorted(np.array([5, 1, 5, 2, 1])).tolist() == [1, 2, 5]


def test_text_ordered_equals_a_stable_sort():
    import numpy as np

    from analysis.counts import in_text_order, text_ordered

    def check(df):
        got = text_ordered(df)
        pd.testing.assert_frame_equal(got, df.sort_values(["doc_id", "token_id"], kind="mergesort"))

    ordered = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b"], "token_id": [0, 1, 1, 0, 2], "x": range(5)})
    assert in_text_order(ordered) and text_ordered(ordered) is ordered  # no copy
    check(ordered)
    check(ordered.iloc[::-1])  # out of order: sorted
    # categories in sorted order: their codes decide; unsorted categories: always sorted as they say
    check(ordered.astype({"doc_id": pd.CategoricalDtype(["a", "b"])}))
    reverse = ordered.astype({"doc_id": pd.CategoricalDtype(["b", "a"])})
    assert not in_text_order(reverse)
    check(reverse)
    missing = ordered.assign(doc_id=["a", None, "a", "b", "b"])
    assert not in_text_order(missing)
    rng = np.random.default_rng(0)
    for _ in range(20):
        df = pd.DataFrame({"doc_id": rng.choice(["x", "y", "z"], 30), "token_id": rng.integers(0, 5, 30)})
        check(df)
        check(df.sort_values(["doc_id", "token_id"], kind="mergesort"))
