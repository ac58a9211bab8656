"""annotate(): token table consistency, German features, cache behaviour."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.annotate.pipeline import TOKEN_COLUMNS, annotate_text, stopwords
from analysis.corpus.structure import split_paragraphs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "data" / "texts", quiet=True)


@pytest.fixture(scope="module")
def tokens(corpus):
    return annotate(corpus, cache=False, boilerplate=True)


def one(text: str) -> pd.DataFrame:
    return annotate_text(text, split_paragraphs(text))


def test_columns_and_ids(tokens):
    assert list(tokens.columns[: len(TOKEN_COLUMNS)]) == list(TOKEN_COLUMNS)
    assert {"kind", "speaker", "is_boilerplate"} <= set(tokens.columns)
    for _, doc in tokens.groupby("doc_id"):
        assert doc["token_id"].tolist() == list(range(len(doc)))
        assert doc["sent_id"].is_monotonic_increasing and doc["para_id"].is_monotonic_increasing
        # a sentence never spans two paragraphs
        assert (doc.groupby("sent_id")["para_id"].nunique() == 1).all()


def test_offsets_point_into_document_text(corpus, tokens):
    texts = corpus.documents.set_index("doc_id")["text"]
    for row in tokens.sample(500, random_state=0).itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.token


def test_boilerplate_is_excluded_by_default(corpus, tokens):
    default = annotate(corpus, cache=False)
    assert not default["is_boilerplate"].any()
    assert len(default) < len(tokens)
    assert "Antworten" not in set(default[default.doc_id == "dialog-vs-marketing"]["token"])  # comment form


def test_lemmas_and_norms():
    df = one("Die Märkte waren Gespräche, und die Empfänger:innen twitterten #Dialogmarketing.")
    lemma = dict(zip(df["token"], df["lemma"]))
    assert lemma["Märkte"] == "Markt"
    assert lemma["Gespräche"] == "Gespräch"
    assert lemma["waren"] == "sein"
    assert lemma["Empfänger:innen"] == "Empfänger:in"
    assert lemma["#Dialogmarketing"] == "Dialogmarketing"
    norm = dict(zip(df["token"], df["norm"]))
    assert norm["Märkte"] == "märkte"


def test_negations_are_not_stop_words_but_flagged():
    df = one("Das ist nicht gut und keine Lösung, ohne Zweifel.").set_index("token")
    for word in ("nicht", "keine", "ohne"):
        assert not df.loc[word, "is_stop"] and df.loc[word, "is_negation"] and not df.loc[word, "is_content"]
    assert df.loc["ist", "is_stop"] and not df.loc["Lösung", "is_stop"]
    assert not {"nicht", "kein", "keine", "nichts", "niemand", "ohne", "nie"} & stopwords()


def test_punct_and_content_flags():
    df = one("Kommunikation ist wichtig! 2024 :-)").set_index("token")
    assert df.loc["!", "is_punct"] and not df.loc["!", "is_content"]
    assert df.loc["Kommunikation", "is_content"]
    assert not df.loc["2024", "is_content"]
    assert not df.loc[":-)", "is_content"]


def test_compound_columns():
    df = one("Das Dialogmarketing und das Social-Media-Team lieben Content-Marketing.").set_index("token")
    assert df.loc["Dialogmarketing", "compound"] == "Dialog|Marketing"
    assert df.loc["Dialogmarketing", "compound_head"] == "Marketing"
    assert df.loc["Dialogmarketing", "compound_modifier"] == "Dialog"
    assert df.loc["Social-Media-Team", "compound"] == "Social|Media|Team"
    assert df.loc["Content-Marketing", "compound_head"] == "Marketing"
    assert df.loc["Das", "compound"] == ""


def test_cache_returns_identical_tables_and_is_keyed_by_content(tmp_path, corpus):
    first = annotate(corpus, cache=tmp_path)
    files = sorted(tmp_path.glob("*.parquet"))
    assert len(files) == len(corpus)
    second = annotate(corpus, cache=tmp_path)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, annotate(corpus, cache=False))


def test_unwritable_cache_warns_and_continues(tmp_path, corpus):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.warns(UserWarning, match="not writable"):
        out = annotate(corpus.subset(["heinemann-interview"]), cache=blocker / "sub")
    assert len(out) > 0


def test_empty_paragraph_list():
    df = annotate_text("", [])
    assert df.empty and list(df.columns) == list(TOKEN_COLUMNS[1:])


def test_cache_key_changes_with_the_annotation_code(monkeypatch):
    import importlib

    ann = importlib.import_module("analysis.annotate.pipeline")
    before = ann._cache_key("Ein Text.", [(0, 9)])
    ann._code_fingerprint.cache_clear()
    monkeypatch.setattr(ann, "ANNOTATOR_VERSION", "changed")
    try:
        assert ann._cache_key("Ein Text.", [(0, 9)]) != before
    finally:
        ann._code_fingerprint.cache_clear()


def test_compact_dtypes_keep_string_order(tokens):
    # the documented contract: int32 ids/offsets, categoricals for the repeated strings, with doc_id
    # categories sorted so that grouping by them gives the order of plain strings
    for c in ("para_id", "sent_id", "token_id", "start", "end"):
        assert tokens[c].dtype == "int32", c
    for c in ("doc_id", "token_type", "kind", "speaker"):
        assert isinstance(tokens[c].dtype, pd.CategoricalDtype), c
    categories = list(tokens["doc_id"].cat.categories)
    assert categories == sorted(categories)
    by_category = tokens.groupby("doc_id").size()
    by_string = tokens.assign(doc_id=tokens["doc_id"].astype(str)).groupby("doc_id").size()
    assert list(by_category.index.astype(str)) == list(by_string.index)
    assert by_category.tolist() == by_string.tolist()


def test_partly_cached_corpus_gives_the_uncached_table(tmp_path, corpus):
    # cached documents are read as Arrow tables and joined with freshly annotated ones in corpus order
    fresh = annotate(corpus, cache=False)
    annotate(corpus.subset(corpus.documents["doc_id"].iloc[::2].tolist()), cache=tmp_path)
    mixed = annotate(corpus, cache=tmp_path)
    pd.testing.assert_frame_equal(mixed, fresh)
    pd.testing.assert_frame_equal(annotate(corpus, cache=tmp_path), fresh)


def test_small_batches_give_the_same_table(monkeypatch, corpus):
    import importlib

    module = importlib.import_module("analysis.annotate.pipeline")  # the package attribute is the function

    whole = annotate(corpus, cache=False)
    monkeypatch.setattr(module, "BATCH_CHARS", 500)  # many batches, documents never split
    monkeypatch.setattr(module, "PIECE_ROWS", 300)
    pd.testing.assert_frame_equal(annotate(corpus, cache=False), whole)


def test_factorize_pairs_against_python_tuples():
    from analysis.annotate.pipeline import factorize_pairs

    a = pd.Series(["Kunde", "Markt", None, "Kunde", "Markt", "Kunde"], dtype="str")
    b = pd.Series(["", "Markt|Platz", "x", "", "Markt", ""], dtype="str")
    codes, pairs = factorize_pairs(a, b)
    rows = [("" if x is None or x != x else x, y) for x, y in zip(a.astype(object), b.astype(object))]
    expected = list(dict.fromkeys(rows))  # distinct, in order of first appearance
    assert pairs == expected
    assert [pairs[c] for c in codes] == rows


def test_compound_lemmas_are_built_from_the_head():
    """Issue 14: simplemma gives Fachleut, Kundendatum, gedenken for these (constructed sentence)."""
    df = one("Die Fachleute prüften die Kundendaten, an die niemand gedacht hatte, und Elternabende.")
    lemma = dict(zip(df["token"], df["lemma"]))
    assert lemma["Fachleute"] == "Fachleute"
    assert lemma["Kundendaten"] == "Kundendaten"
    assert lemma["gedacht"] == "denken"
    assert lemma["Elternabende"] == "Elternabend"
    row = df.set_index("token").loc["Kundendaten"]
    assert (row["compound"], row["compound_head"], row["compound_modifier"]) == ("Kunde|Daten", "Daten", "Kunde")


def test_a_huge_word_is_annotated_at_once():
    """Robustness: a 40,000-letter capitalised 'word' goes through annotation in well under the
    51 s the old splitter took (no affix search, no compound candidates beyond the length bound)."""
    import time

    one("Warmlaufen.")  # load dictionaries outside the timed part
    word = "Donau" + "dampfschifffahrt" * 2500
    t0 = time.perf_counter()
    df = one(f"Ein {word} hier.")
    assert time.perf_counter() - t0 < 5.0
    row = df.set_index("token").loc[word]
    assert row["compound"] == "" and row["lemma"] == word


def test_cache_entries_cut_from_a_batch_hold_their_own_document_only(tmp_path, corpus, monkeypatch):
    import importlib
    import threading

    import pyarrow.parquet as pq

    pipeline = importlib.import_module("analysis.annotate.pipeline")

    sizes = sorted(len(t) for t in corpus.documents["text"])
    # batches of two or more documents, and more than one batch: entries are slices of a batch table
    monkeypatch.setattr(pipeline, "BATCH_CHARS", sizes[0] + sizes[1])
    threads = threading.active_count()
    first = annotate(corpus, cache=tmp_path)
    assert threading.active_count() == threads  # the writer thread is gone when annotate returns
    fresh = annotate(corpus, cache=False)
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(annotate(corpus, cache=tmp_path), fresh)  # read back from the entries
    rows = sorted(pq.ParquetFile(p).metadata.num_rows for p in tmp_path.glob("*.parquet"))
    per_doc = annotate(corpus, cache=False, boilerplate=True).groupby("doc_id", observed=True).size()
    assert rows == sorted(per_doc.tolist())
