"""Tests for analysis.textstats.keyness: G² against scipy and NLTK, log ratio against its definition,
the comparisons on small constructed German texts, and the seed corpus end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import doc_tokens
from scipy.stats import chi2_contingency, power_divergence

from analysis.textstats.keyness import (
    KEYNESS_COLUMNS,
    keyness,
    keyness_documents,
    keyness_general,
    keyness_speakers,
    keyness_table,
    log_likelihood,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "texts"


_doc = doc_tokens


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    a = _doc(
        "marketing",
        [
            (None, "Marketing ist überall. Unser Marketing verkauft Produkte mit Kampagnen."),
            (None, "Das Marketing braucht Budget, Kampagnen und Reichweite. Marketing bleibt laut."),
        ],
    )
    b = _doc(
        "dialog",
        [
            ("Anna", "Ein Gespräch braucht Zeit. Im Gespräch hören wir zu und lernen voneinander."),
            ("Ben", "Ein echter Dialog entsteht, wenn Menschen zuhören. Dialog heißt auch Antworten."),
            ("Anna", "Gespräch um Gespräch wächst Vertrauen. Produkte sind dabei nicht wichtig."),
        ],
    )
    return pd.concat([a, b], ignore_index=True)


@pytest.mark.parametrize(
    ("a", "b", "c", "d"), [(10, 2, 1000, 2000), (1, 0, 50, 5000), (25, 30, 400, 900), (3, 40, 100, 100)]
)
def test_g2_equals_scipy(a, b, c, d):
    g2, p, _ = log_likelihood([a], [b], c, d)
    table = np.array([[a, c - a], [b, d - b]])
    stat, p_ref, _, expected = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert g2[0] == pytest.approx(stat, rel=1e-10)
    assert p[0] == pytest.approx(p_ref, rel=1e-8)
    stat2, _ = power_divergence(table.ravel(), expected.ravel(), ddof=2, lambda_="log-likelihood")
    assert g2[0] == pytest.approx(stat2, rel=1e-10)


def test_g2_equals_nltk_likelihood_ratio():
    from nltk.metrics import BigramAssocMeasures

    # bigram contingency: n_ii, (n_ix, n_xi), n_xx  ↔  a = n_ii, b = n_ix − n_ii, c = n_xi, d = n_xx − n_xi
    for n_ii, n_ix, n_xi, n_xx in [(8, 20, 15, 3000), (2, 2, 3, 500), (30, 90, 60, 800)]:
        ref = BigramAssocMeasures.likelihood_ratio(n_ii, (n_ix, n_xi), n_xx)
        g2, _, _ = log_likelihood([n_ii], [n_ix - n_ii], n_xi, n_xx - n_xi)
        assert g2[0] == pytest.approx(ref, rel=1e-10)


def test_log_ratio_definition_and_zero_adjustment():
    _, _, lr = log_likelihood([10, 4, 0], [5, 0, 6], 1000, 2000)
    assert lr[0] == pytest.approx(2.0)  # (10/1000)/(5/2000) = 4
    assert lr[1] == pytest.approx(np.log2((4 / 1000) / (0.5 / 2000)))  # Hardie: zero → 0.5
    assert lr[2] == pytest.approx(np.log2((0.5 / 1000) / (6 / 2000)))


def test_critical_values():
    _, p, _ = log_likelihood([0], [0], 1, 1)
    assert p[0] == pytest.approx(1.0)
    # G² = 3.84 ↔ p = 0.05, 6.63 ↔ p = 0.01 (χ², 1 df)
    from scipy.stats import chi2

    assert chi2.sf(3.841458820694124, 1) == pytest.approx(0.05)


def test_keyness_counts_and_order():
    target = pd.Series({"Markt": 6, "Dialog": 1, "Mensch": 3})
    reference = pd.Series({"Markt": 2, "Dialog": 10, "Mensch": 3, "Zeit": 20})
    out = keyness(target, reference, min_freq=1)
    assert out["lemma"].tolist()[0] == "Markt"  # most over-used first
    assert out["lemma"].tolist()[-1] == "Dialog"  # most under-used last
    assert out.loc[out["lemma"] == "Dialog", "log_ratio"].item() < 0
    assert set(out.columns) == {"lemma", "freq_target", "freq_reference", "g2", "p_value", "log_ratio"}
    assert keyness(target, reference, min_freq=2)["lemma"].tolist() == ["Markt", "Mensch"]


def test_documents_vs_rest(tokens):
    out = keyness_documents(tokens, min_freq=2)
    assert list(out.columns) == list(KEYNESS_COLUMNS)
    assert set(out["comparison"]) == {"document_vs_rest"}
    m = out[out["doc_id"] == "marketing"].set_index("lemma")
    # independent count of content lemmas
    words = tokens[tokens["is_content"] & tokens["token_type"].eq("word")]
    assert m.loc["Marketing", "freq_target"] == (words[words["doc_id"] == "marketing"]["lemma"] == "Marketing").sum()
    assert m.loc["Marketing", "freq_reference"] == 0
    assert out[out["doc_id"] == "marketing"]["lemma"].iloc[0] == "Marketing"
    assert out[out["doc_id"] == "dialog"]["lemma"].iloc[0] == "Gespräch"
    # totals: the target size is the number of content words
    c = len(words[words["doc_id"] == "marketing"])
    d = len(words) - c
    g2, _, _ = log_likelihood([m.loc["Marketing", "freq_target"]], [0], c, d)
    assert m.loc["Marketing", "g2"] == pytest.approx(g2[0])


def test_one_document_has_no_rest(tokens):
    out = keyness_documents(tokens[tokens["doc_id"] == "dialog"])
    assert out.empty and list(out.columns) == list(KEYNESS_COLUMNS)


def test_speakers(tokens):
    out = keyness_speakers(tokens, min_freq=2)
    assert set(out["target"]) == {"Anna", "Ben"}
    anna = out[out["target"] == "Anna"].set_index("lemma")
    assert anna.loc["Gespräch", "freq_target"] == 4
    assert anna.loc["Gespräch", "log_ratio"] > 0
    assert (out.loc[out["target"] == "Anna", "reference"] == "Ben").all()


def test_general_with_given_reference(tokens):
    ref = pd.Series({"marketing": 1e-5, "gespräch": 5e-5, "kampagne": 1e-6, "produkt": 1e-4})
    out = keyness_general(tokens, reference=ref, min_freq=2)
    corpus = out[out["comparison"] == "corpus_vs_general"].set_index("lemma")
    assert corpus["doc_id"].isna().all()
    # reference count = relative frequency × notional corpus size
    assert corpus.loc["Marketing", "freq_reference"] == pytest.approx(1e-5 * 1e9)
    # doubling the notional size barely moves G² (one-sample limit)
    twice = keyness_general(tokens, reference=ref, min_freq=2, reference_size=2e9)
    twice = twice[twice["comparison"] == "corpus_vs_general"].set_index("lemma")
    rel = (twice["g2"] - corpus["g2"]).abs() / corpus["g2"]
    assert rel.max() < 0.01
    docs = out[out["comparison"] == "document_vs_general"]
    assert set(docs["doc_id"]) == {"marketing", "dialog"}


def test_general_german_seed_corpus():
    from analysis import annotate, load_corpus

    tokens = annotate(load_corpus(DATA, quiet=True))
    out = keyness_general(tokens, documents=False)
    assert len(out) > 50
    top = out.head(30)
    assert (top["log_ratio"] > 0).all()
    # everyday words are used about as often as in general German (|log ratio| < 1), which needs
    # the target size to count all words, as wordfreq's shares do
    common = out[out["lemma"].isin(["Jahr", "Zeit", "gut"])]
    assert len(common) == 3
    assert (common["log_ratio"].abs() < 1).all()
    # hyphenated forms get an estimate from their parts, not zero
    hyph = out[out["lemma"].str.contains("-", regex=False)]
    assert {"Content-Marketing", "Online-Marketing"} <= set(hyph["lemma"])  # the sample's hyphenated compounds
    assert (hyph["freq_reference"] > 0).all()


def test_table_sorted_and_deterministic(tokens):
    a = keyness_table(tokens, general=False)
    b = keyness_table(tokens, general=False)
    pd.testing.assert_frame_equal(a, b)
    assert a["comparison"].tolist() == sorted(a["comparison"], key=["document_vs_rest", "speaker_vs_speaker"].index)


def test_documents_at_once_equal_one_keyness_call_per_document(tokens):
    """All documents scored in one vectorised pass give what :func:`keyness` gives document by document."""
    out = keyness_documents(tokens, min_freq=1)
    words = tokens[tokens["is_content"] & tokens["token_type"].isin(["word", "hashtag"])]
    total = words["lemma"].value_counts()
    for doc_id in sorted(words["doc_id"].unique()):
        target = words.loc[words["doc_id"] == doc_id, "lemma"].value_counts()
        expected = keyness(target, total.sub(target, fill_value=0), min_freq=1)
        got = out[out["doc_id"] == doc_id].reset_index(drop=True)
        assert got["lemma"].tolist() == expected["lemma"].tolist()
        np.testing.assert_allclose(got["g2"], expected["g2"], rtol=1e-12)
        np.testing.assert_allclose(got["freq_reference"], expected["freq_reference"])


def test_speakers_at_once_equal_one_keyness_call_per_speaker(sample):
    """All speakers of all documents scored in one pass (from the document-feature matrix) give what
    :func:`keyness` gives speaker by speaker against the other speakers of the same document."""
    _, tokens = sample
    out = keyness_speakers(tokens, min_freq=1)
    words = tokens[tokens["is_content"] & tokens["token_type"].isin(["word", "hashtag"]) & tokens["speaker"].notna()]
    expected_targets = []
    for doc_id in sorted(words["doc_id"].astype(str).unique()):
        doc = words[words["doc_id"] == doc_id]
        speakers = sorted(doc["speaker"].astype(str).unique())
        if len(speakers) < 2:
            continue
        total = doc["lemma"].value_counts()
        for speaker in speakers:
            expected_targets.append((doc_id, speaker))
            target = doc.loc[doc["speaker"] == speaker, "lemma"].value_counts()
            expected = keyness(target, total.sub(target, fill_value=0), min_freq=1)
            got = out[(out["doc_id"] == doc_id) & (out["target"] == speaker)].reset_index(drop=True)
            assert got["lemma"].tolist() == expected["lemma"].tolist()
            assert got["freq_target"].tolist() == expected["freq_target"].tolist()
            np.testing.assert_allclose(got["g2"], expected["g2"], rtol=1e-12)
            np.testing.assert_allclose(got["freq_reference"], expected["freq_reference"])
            assert set(got["reference"]) == {"; ".join(s for s in speakers if s != speaker)}
    assert len(expected_targets) >= 4  # the sample corpus has a dialogue and interviews
    assert list(dict.fromkeys(zip(out["doc_id"], out["target"]))) == expected_targets


def test_log_likelihood_with_one_total_per_word():
    g2, p, lr = log_likelihood([3, 5, 1], [10, 0, 4], [100, 50, 0], [1000, 2000, 300])
    for i, (a, b, c, d) in enumerate([(3, 10, 100, 1000), (5, 0, 50, 2000)]):
        g2_1, p_1, lr_1 = log_likelihood([a], [b], c, d)
        assert g2[i] == pytest.approx(g2_1[0]) and p[i] == pytest.approx(p_1[0]) and lr[i] == pytest.approx(lr_1[0])
    assert np.isnan(g2[2]) and np.isnan(p[2]) and np.isnan(lr[2])  # an empty target
