"""Tests for analysis.themes.echoes (and the statement lists of analysis.corpus.references): passages that echo reference statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import annotate, load_corpus
from analysis.corpus.references import load_references
from analysis.themes.echoes import ECHO_COLUMNS, find_echoes

REPO = Path(__file__).resolve().parents[2]
THESES = REPO.parent / "shared" / "eval" / "cluetrain" / "cluetrain_theses_de.txt"


@pytest.fixture(scope="module")
def seed(sample):
    return sample  # the session's annotated sample corpus (conftest.py)


def test_load_references_numbering(tmp_path):
    p = tmp_path / "refs.txt"
    p.write_text("# comment\n3. Drei ist eine Zahl.\n\nOhne Nummer hier.\n", encoding="utf-8")
    refs = load_references(p)
    assert list(refs.columns) == ["statement_id", "statement"]
    assert refs["statement_id"].tolist() == [2, 3]  # the unnumbered line is the 2nd statement
    assert refs.loc[refs["statement_id"] == 3, "statement"].item() == "Drei ist eine Zahl."
    with pytest.raises(FileNotFoundError):
        load_references(tmp_path / "missing.txt")


def test_paraphrase_found_and_unrelated_not(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Einleitung ohne Bezug.\n\nDie Kunden in vernetzten Märkten informieren sich gegenseitig besser als die Verkäufer.\n\n"
        "Der Kuchen wird bei 180 Grad gebacken und mit Sahne serviert.",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path, quiet=True)
    tokens = annotate(corpus, cache=False)
    refs = load_references_from_lines(
        tmp_path,
        [
            "1. Die Menschen in vernetzten Märkten informieren sich gegenseitig besser als durch ihre Verkäufer.",
            "2. Flugzeuge landen bei Nebel mit Instrumentenanflug.",
        ],
    )
    e = find_echoes(tokens, refs, corpus=corpus)
    assert list(e.columns) == list(ECHO_COLUMNS)
    assert e["statement_id"].tolist() == [1]
    assert "vernetzten Märkten" in e["passage"].item()
    assert 0.35 <= e["similarity"].item() <= 1.0


def load_references_from_lines(tmp_path, lines):
    p = tmp_path / "refs.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    return load_references(p)


def test_explicit_number_reference(tmp_path):
    (tmp_path / "a.txt").write_text("These #2 beginnt mit dem Satz, dass wir echte Macht haben.", encoding="utf-8")
    corpus = load_corpus(tmp_path, quiet=True)
    refs = load_references_from_lines(
        tmp_path, ["1. Märkte sind Gespräche.", "2. Wir haben wirkliche Macht, und wir wissen das."]
    )
    e = find_echoes(annotate(corpus, cache=False), refs, corpus=corpus)
    assert e["statement_id"].tolist() == [2] and e["explicit"].all()


def test_empty_inputs(seed):
    _, tokens = seed
    e = find_echoes(tokens.iloc[:0], load_references(THESES) if THESES.is_file() else _one_ref())
    assert e.empty and list(e.columns) == list(ECHO_COLUMNS)


def _one_ref():
    import pandas as pd

    return pd.DataFrame({"statement_id": [1], "statement": ["Märkte sind Gespräche."]})


@pytest.mark.skipif(not THESES.is_file(), reason="../shared/eval/cluetrain is not available")
def test_seed_texts_echo_cluetrain_theses(seed):
    corpus, tokens = seed
    e = find_echoes(tokens, load_references(THESES), corpus=corpus)
    found = e.groupby("doc_id")["statement_id"].agg(set).to_dict()
    # quoted: thesis 1 in both texts, thesis 89 (named "These #89") in the blog dialogue
    assert {1, 89} <= found["dialog-vs-marketing"]
    assert 1 in found["cluetrain-zehn-jahre"]
    # listed in other words (another translation) in the Cluetrain blog post
    assert {10, 12, 19, 25, 83} <= found["cluetrain-zehn-jahre"]
    # off-topic seed texts echo at most a handful of theses
    assert len(found.get("stamer-wer-nicht-twittert", set())) <= 2
    assert e.equals(find_echoes(tokens, load_references(THESES), corpus=corpus))  # deterministic
