"""Tests for analysis.textstats.section: the vocabulary section's tables on the sample corpus and on
odd corpora (one document, no family word), and its size cap on the overlap table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from factories import run_sections

from analysis import annotate, load_corpus

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"


def test_report_tables_seed_corpus(sample):
    corpus, tokens = sample
    refs = EVAL / "cluetrain" / "cluetrain_theses_de.txt"
    tables = run_sections(corpus, tokens, "vocabulary", references_path=refs)
    expected = {
        "frequencies",
        "ngrams",
        "diversity",
        "readability",
        "keyness",
        "compound_families",
        "word_families",
        "overlap",
        "collocations",
    }
    assert expected <= set(tables)
    assert ("reference_overlap" in tables) == refs.is_file()
    k = tables["keyness"]
    assert {"doc_id", "comparison", "lemma", "freq_target", "freq_reference", "g2", "p_value", "log_ratio"} <= set(k)
    assert set(k["comparison"]) == {
        "document_vs_rest",
        "speaker_vs_speaker",
        "document_vs_general",
        "corpus_vs_general",
    }
    div = tables["diversity"]
    assert set(div.loc[div["doc_id"] == "dialog-vs-marketing", "speaker"].dropna()) == {
        "Annette Schwindt",
        "Oliver Heim",
    }
    again = run_sections(corpus, tokens, "vocabulary", references_path=refs)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table, again[name])


def test_report_one_document_and_no_matches(tmp_path, sample):
    corpus, tokens = sample
    one = corpus.subset(["heinemann-interview"])
    tables = run_sections(
        one, tokens[tokens["doc_id"] == "heinemann-interview"], "vocabulary", references_path=tmp_path / "none.txt"
    )
    assert "reference_overlap" not in tables
    assert set(tables["keyness"]["comparison"]) <= {"speaker_vs_speaker", "document_vs_general", "corpus_vs_general"}
    assert len(tables["overlap"]) == 1
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "rezept.txt").write_text(
        "Zuerst die Zwiebeln schälen und fein hacken. Dann die Tomaten waschen.\n\n"
        "Alles in einem Topf langsam kochen lassen und mit Salz abschmecken.",
        encoding="utf-8",
    )
    kitchen = load_corpus(folder, quiet=True)
    k_tokens = annotate(kitchen, cache=False)
    tables = run_sections(kitchen, k_tokens, "vocabulary")
    assert (tables["word_families"]["n"] == 0).all()
    compounds = tables["compound_families"]  # no compound in the recipe: an empty table with the report's columns
    assert compounds.empty
    assert list(compounds.columns) == [
        "doc_id",
        "role",
        "family",
        "n",
        "n_compounds",
        "n_simple",
        "n_members",
        "members",
    ]
    figures = run_sections(kitchen, k_tokens, "vocabulary", figures=True)[1]
    assert set(figures) == {"vocabulary_keyness", "vocabulary_profile", "vocabulary_word_families"}
    import matplotlib.pyplot as plt

    for fig in figures.values():
        plt.close(fig)


def test_report_caps_overlap_to_the_largest_documents(sample):
    from analysis.context import Caps

    corpus, tokens = sample
    tables = run_sections(corpus, tokens, "vocabulary", caps=Caps(overlap_documents=3))
    words = tokens[tokens["token_type"].isin(["word", "hashtag"])]["doc_id"].value_counts()
    largest = sorted(words.index, key=lambda d: (-words[d], d))[:3]
    assert sorted(set(tables["overlap"]["doc_id_a"])) == sorted(largest)
    assert len(tables["overlap"]) == 9
