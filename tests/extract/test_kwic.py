"""Tests for analysis.extract.kwic: compound-aware matches, context from the tokens or the document text."""

from __future__ import annotations

import pandas as pd
import pytest
from vocabulary_texts import marketing_and_dialog

from analysis.extract.kwic import kwic


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return marketing_and_dialog()


def test_kwic_compound_aware(tokens):
    out = kwic(tokens, "Marketing", window=3)
    matched = dict(zip(out["keyword"], out["match"]))
    assert matched["Online-Marketing"] == "head"
    assert matched["Marketinghype"] == "modifier"
    assert matched["Marketing"] == "lemma"
    plain = kwic(tokens, "Marketing", compound_aware=False)
    assert set(plain["keyword"]) == {"Marketing"}
    online = out[out["keyword"] == "Online-Marketing"].iloc[0]
    assert online["left"] == ", sondern um"  # three tokens joined by spaces without a corpus
    assert online["right"] == "und Content-Marketing ."


def test_kwic_uses_document_text(sample):
    corpus, tokens = sample
    out = kwic(tokens, "Dialog", corpus=corpus, window=4)
    assert len(out) > 0
    doc_text = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    for row in out.itertuples(index=False):
        assert row.keyword in doc_text[row.doc_id]
        assert f"{row.left} {row.keyword}".strip() in " ".join(doc_text[row.doc_id].split()) or row.left == ""
    assert {"lemma", "head", "modifier"} & set(out["match"])
