"""Tests for analysis.textstats.overlap: overlap against numpy, overlap with reference statements."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from vocabulary_texts import marketing_and_dialog

from analysis.textstats.overlap import overlap, overlap_matrix, reference_overlap, reference_tokens


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return marketing_and_dialog()


def test_overlap_against_numpy(tokens):
    out = overlap(tokens)
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    a = Counter(words.loc[words["doc_id"] == "a", "lemma"].str.casefold())
    b = Counter(words.loc[words["doc_id"] == "b", "lemma"].str.casefold())
    vocab = sorted(set(a) | set(b))
    va = np.array([a[w] for w in vocab], dtype=float)
    vb = np.array([b[w] for w in vocab], dtype=float)
    row = out[(out["doc_id_a"] == "a") & (out["doc_id_b"] == "b")].iloc[0]
    assert row["jaccard"] == pytest.approx(len(set(a) & set(b)) / len(set(a) | set(b)))
    assert row["cosine"] == pytest.approx(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
    m = overlap_matrix(out, measure="cosine")
    assert m.shape == (2, 2)
    assert np.allclose(np.diag(m), 1.0)
    assert np.allclose(m.to_numpy(), m.to_numpy().T)


def test_reference_overlap(tmp_path, tokens):
    path = tmp_path / "refs.txt"
    path.write_text("1. Märkte sind Gespräche.\n2. Marketing ist kein Dialog.\n", encoding="utf-8")
    ref = reference_tokens(path)
    assert set(ref["para_id"]) == {0, 1}
    out = reference_overlap(tokens, ref)
    assert out["doc_id"].tolist() == ["a", "b"]
    assert out["n_reference_types"].iloc[0] == 4  # Markt, Gespräch, Marketing, Dialog
    assert "Marketing" in out.set_index("doc_id").loc["a", "shared"]
