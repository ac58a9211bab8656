"""Corpus overview tables: counts agree with the underlying tables."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from analysis import annotate, load_corpus  # noqa: E402
from analysis.plots.structure import plot_structure  # noqa: E402
from analysis.textstats.overview import document_summary, kind_table, quote_table, speaker_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "data" / "texts", quiet=True)


def test_document_summary_counts(corpus):
    tokens = annotate(corpus, cache=False)
    summary = document_summary(corpus, tokens).set_index("doc_id")
    assert summary["tokens"].sum() == len(tokens)
    assert (
        summary.loc["heinemann-interview", "sentences"]
        == tokens[tokens.doc_id == "heinemann-interview"]["sent_id"].nunique()
    )
    # the blog dialogue carries a comment section, the podcast summary none
    assert summary.loc["dialog-vs-marketing", "boilerplate_share"] > 0
    assert summary.loc["stamer-wer-nicht-twittert", "boilerplate_share"] == 0
    # compounds: the document's tokens with a compound split, counted one document at a time here
    for doc_id, rows in tokens.groupby("doc_id", observed=True):
        assert summary.loc[doc_id, "compounds"] == int((rows["compound"] != "").sum())
    assert summary["compounds"].sum() == int((tokens["compound"] != "").sum()) > 0


def test_kind_and_speaker_tables(corpus):
    kinds = kind_table(corpus)
    assert kinds.to_numpy().sum() == len(corpus.paragraphs)
    speakers = speaker_table(corpus)
    interview = speakers[speakers.doc_id == "heinemann-interview"].set_index("speaker")
    assert interview.loc["Interviewer", "questions"] == 5 and interview.loc["Florian Heinemann", "answers"] == 5
    assert set(speakers[speakers.doc_id == "dialog-vs-marketing"]["speaker"]) == {"Annette Schwindt", "Oliver Heim"}


def test_quote_table_and_figure(corpus):
    q = quote_table(corpus)
    assert (q.dropna(subset=["speaker"])["speaker"] == "Sören Stamer").all()
    fig = plot_structure(corpus)
    assert len(fig.axes[0].patches) == len(kind_table(corpus).columns) * len(corpus)


def test_speaker_table_without_speakers(tmp_path):
    (tmp_path / "a.txt").write_text("Ein Text ohne Sprecher. Er hat zwei Sätze.", encoding="utf-8")
    assert speaker_table(load_corpus(tmp_path, quiet=True)).empty
