"""The Dask engine's annotation (tokenize tasks, per-word feature tasks shared across the workers,
tables assembled on the client) gives the default engine's table, on short texts written for the test."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from factories import load_texts  # noqa: E402

from analysis import annotate  # noqa: E402
from analysis.annotate import dask_pipeline, pipeline  # noqa: E402
from analysis.annotate.tokenize import TOKEN_TYPES  # noqa: E402

TEXTS = {
    # "II" is a word here ...
    "a-band": "Band II ist erschienen. Die Kundengespräche im Rathaus waren lang.\n\nAntworten",
    # ... and a number here (an ordinal not followed by a word is split off its full stop)
    "b-ordinal": "Er las Band II.\n\nDanach kamen die Kundengespräche und Bürgerversammlungen.",
    "c-empty": "Dieser Text verliert unten seine Absätze.",
    "d-tweet": "@nutzer Die #Bürgerversammlung war gut :-) https://example.org/x 24. Mai, 10:30 Uhr!",
    "e-more": "Noch ein Band II steht im Regal. Kundengespräche, Kundengespräche, Rathaus.",
    "f-last": "Die Empfänger:innen lasen Band II.\n\nZum Schluss: Bürgerversammlungen im Rathaus.",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    loaded = load_texts(tmp_path_factory.mktemp("texts"), {f"{name}.txt": text + "\n" for name, text in TEXTS.items()})
    paragraphs = loaded.paragraphs
    # a document with text but no paragraphs, hence no tokens
    return dataclasses.replace(loaded, paragraphs=paragraphs[paragraphs["doc_id"] != "c-empty"].reset_index(drop=True))


@pytest.fixture(scope="module")
def scheduler():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _ii(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["token"] == "II"][["doc_id", "token_type", "lemma", "is_content"]]


def test_a_corpus_with_a_word_of_two_types_and_a_document_without_tokens(corpus, scheduler):
    reference = annotate(corpus, cache=False, boilerplate=True)
    assert "c-empty" not in set(reference["doc_id"])
    ii = _ii(reference)  # each token of "II" has the features of its own type
    assert ii["token_type"].astype(str).tolist() == ["word", "number", "word", "number"]
    assert ii["is_content"].tolist() == [True, False, True, False]  # the number "II" is no content word
    got = annotate(corpus, cache=False, boilerplate=True, engine="dask", scheduler=scheduler)
    pd.testing.assert_frame_equal(got, reference)
    pd.testing.assert_frame_equal(
        annotate(corpus, cache=False, engine="dask", scheduler=scheduler), annotate(corpus, cache=False)
    )


def test_a_documents_tokens_do_not_depend_on_the_documents_annotated_with_it(corpus, scheduler, monkeypatch):
    reference = annotate(corpus, cache=False)
    # each document alone: "II" comes first as a number in some of them, as a word in others
    alone = pd.concat(
        [annotate(corpus.subset([d]), cache=False) for d in sorted(set(reference["doc_id"]))], ignore_index=True
    )
    pd.testing.assert_frame_equal(alone.astype({"doc_id": str}), reference.astype({"doc_id": str}))
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 1)  # one document per batch of the default engine
    pd.testing.assert_frame_equal(annotate(corpus, cache=False), reference)
    pd.testing.assert_frame_equal(annotate(corpus, cache=False, workers=2), reference)  # interleaved batches
    pd.testing.assert_frame_equal(annotate(corpus, cache=False, engine="dask", scheduler=scheduler), reference)


def test_cache_written_by_the_dask_engine_and_a_partly_cached_corpus(tmp_path, corpus, scheduler):
    # the same steps with each engine, each with a cache folder of its own: first two documents
    # (cached), then the corpus, whose other documents are annotated around the two cache entries
    part = corpus.subset(["b-ordinal", "e-more"])
    local, dask = tmp_path / "local", tmp_path / "dask"
    pd.testing.assert_frame_equal(
        annotate(part, cache=dask, engine="dask", scheduler=scheduler), annotate(part, cache=local)
    )
    assert sorted(p.name for p in dask.iterdir()) == sorted(p.name for p in local.iterdir())
    expected = annotate(corpus, cache=local, boilerplate=True)
    pd.testing.assert_frame_equal(
        annotate(corpus, cache=dask, boilerplate=True, engine="dask", scheduler=scheduler), expected
    )
    pd.testing.assert_frame_equal(annotate(corpus, cache=dask, boilerplate=True), expected)  # entries read back
    names = sorted(p.name for p in dask.glob("*.parquet"))
    assert len(names) == 6 and names == sorted(p.name for p in local.glob("*.parquet"))  # one per document


def test_annotate_on_dask_equals_one_batch_of_the_default_engine(scheduler):
    items = [
        ("Die Kundengespräche im Rathaus.", [(0, 31)]),
        ("", []),
        ("Kundengespräche! Rathaus? Bürgerversammlung.", [(0, 16), (17, 44)]),
        ("Kein Absatz hier.", []),
        ("Im Rathaus: Kundengespräche.", [(0, 28)]),
    ]
    table, lengths = dask_pipeline.annotate_on_dask(items, scheduler=scheduler)
    expected = pipeline.annotate_texts(items)
    assert lengths.tolist() == np.bincount(expected["doc_index"], minlength=len(items)).tolist()
    assert lengths[1] == 0 and lengths[3] == 0
    pd.testing.assert_frame_equal(table.frame(), expected.drop(columns="doc_index"))


def test_vocabulary_numbers_each_word_once_a_surface_with_two_types_twice():
    vocabulary = dask_pipeline._Vocabulary()
    word, number = TOKEN_TYPES.index("word"), TOKEN_TYPES.index("number")
    key = dask_pipeline._key
    first = vocabulary.add([key("Rathaus", word), key("II", word), key("und", word)])
    second = vocabulary.add([key("und", word), key("Band", word), key("II", number)])
    third = vocabulary.add([key("Band", word), key("II", word), key("II", number)])
    assert first.tolist() == [0, 1, 2] and second.tolist() == [2, 3, 4] and third.tolist() == [3, 1, 4]
    assert len(vocabulary) == 5
    features = dask_pipeline._word_features(dask_pipeline._join(vocabulary.keys))
    assert features["token"].tolist() == ["Rathaus", "II", "und", "Band", "II"]
    assert features["is_content"].tolist() == [True, True, False, True, False]
    assert features["is_stop"].tolist() == [False, False, True, False, False]


def test_words_travel_as_one_string():
    words = ["Rathaus", "#Bürger", ":-)", "24.", "Empfänger:innen"]
    assert dask_pipeline._split(dask_pipeline._join(words)) == words
    assert dask_pipeline._split(dask_pipeline._join([])) == []
    assert dask_pipeline._split(dask_pipeline._join(["x"])) == ["x"]
