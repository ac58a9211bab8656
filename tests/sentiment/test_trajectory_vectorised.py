"""``trajectory`` computes every document's rolling mean in one pass over bounded windows; it must
give the same floats, bit for bit, as one centred ``rolling(w).mean()`` per document."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment.aggregate import _trajectory_simple, trajectory


def _sentences(seed: int, categorical: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 60, size=7)  # one-sentence documents and ones longer than 30 (window > 3)
    docs = np.repeat([f"doc{i}" for i in range(len(sizes))], sizes)
    sent = np.concatenate([rng.permutation(n) for n in sizes]).astype(np.int32)  # not in order
    out = pd.DataFrame({"doc_id": docs, "sent_id": sent, "score": rng.normal(size=len(docs))})
    out = out.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    if categorical:
        out["doc_id"] = out["doc_id"].astype("category")
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("window", [None, 1, 4, 7])
def test_one_pass_equals_per_document(seed: int, categorical: bool, window: int | None) -> None:
    sentences = _sentences(seed, categorical)
    fast = trajectory(sentences, window=window)
    simple = _trajectory_simple(sentences, window=window)
    pd.testing.assert_frame_equal(fast, simple, check_exact=True)
    for column in ("position", "smoothed"):  # the same bits, not only close
        assert np.array_equal(fast[column].to_numpy().view(np.int64), simple[column].to_numpy().view(np.int64))


def test_written_document() -> None:
    # five sentences, window 3 (a tenth of 5 is less): the centred mean, shorter at both ends
    sentences = pd.DataFrame({"doc_id": ["a"] * 5, "sent_id": [0, 1, 2, 3, 4], "score": [0.0, 0.3, 0.6, 0.9, 0.0]})
    out = trajectory(sentences)
    assert out["position"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert out["smoothed"].round(10).tolist() == [0.15, 0.3, 0.6, 0.5, 0.45]
