"""analysis.annotate.memo: answers kept between processes, only for the same annotation code."""

from __future__ import annotations

import json

import pytest

from analysis.annotate import memo, pipeline


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache folder and a process that has not read any memo yet."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(memo, "_memos", {})
    monkeypatch.setattr(memo, "_new", set())
    return tmp_path


def test_an_answer_is_computed_once_and_read_back_by_the_next_process(fresh, monkeypatch):
    calls = []

    def upper(word: str) -> str:
        calls.append(word)
        return word.upper()

    assert memo.remembered("test.upper", "kunde", upper) == "KUNDE"
    assert memo.remembered("test.upper", "kunde", upper) == "KUNDE"
    assert calls == ["kunde"]
    [path] = memo.save_memo()
    assert path == memo.memo_path(fresh)
    assert json.loads(path.read_text(encoding="utf-8")) == {"test.upper": {"kunde": "KUNDE"}}
    assert memo.save_memo() == []  # nothing new: nothing written
    monkeypatch.setattr(memo, "_memos", {})  # the next process
    assert memo.remembered("test.upper", "kunde", upper) == "KUNDE"
    assert calls == ["kunde"]


def test_two_processes_merge_their_answers(fresh, monkeypatch):
    memo.remembered("test.upper", "a", str.upper)
    memo.save_memo()
    # another process, which read the memo before "a" was written and learned "b"
    monkeypatch.setattr(memo, "_memos", {fresh: {"test.upper": {"b": "B"}}})
    monkeypatch.setattr(memo, "_new", {fresh})
    memo.save_memo()
    data = json.loads(memo.memo_path(fresh).read_text(encoding="utf-8"))
    assert data == {"test.upper": {"a": "A", "b": "B"}}


def test_the_memo_of_another_code_version_is_not_read(fresh, monkeypatch):
    memo.remembered("test.upper", "x", lambda w: "old answer")
    [old] = memo.save_memo()
    pipeline._code_fingerprint.cache_clear()
    monkeypatch.setattr(pipeline, "ANNOTATOR_VERSION", "changed")
    try:
        monkeypatch.setattr(memo, "_memos", {})
        assert memo.memo_path(fresh) != old
        assert memo.remembered("test.upper", "x", str.upper) == "X"
        [new] = memo.save_memo()
        assert not old.exists() and new.exists()  # the old version's memo is removed
    finally:
        pipeline._code_fingerprint.cache_clear()


def test_a_damaged_memo_is_ignored_and_a_read_only_folder_is_no_error(fresh, monkeypatch):
    memo.memo_path(fresh).write_text("{not json", encoding="utf-8")
    assert memo.remembered("test.upper", "y", str.upper) == "Y"
    monkeypatch.setattr(memo.os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError("read-only")))
    assert memo.save_memo() == []
    assert not list(fresh.glob("*.tmp"))


def test_numbers_come_back_exactly_as_computed(fresh, monkeypatch):
    values = {"a": 0.1 + 0.2, "b": 1e-300 / 3, "c": 4.0, "d": 2.0 / 3.0}
    for word, value in values.items():
        assert memo.remembered_number("test.number", word, values.__getitem__) == value
    memo.save_memo()
    monkeypatch.setattr(memo, "_memos", {})  # the next process reads them from the file

    def not_again(word: str) -> float:
        raise AssertionError(f"{word} computed again")

    for word, value in values.items():
        got = memo.remembered_number("test.number", word, not_again)
        assert got == value and type(got) is float  # bit for bit: repr of a float round-trips


@pytest.mark.parametrize(
    ("name", "lookup", "wordfreq_name", "words"),
    [
        ("general_zipf", "_wordfreq_zipf", "zipf_frequency", ["Kunde", "Kommunikation", "und", "Qxzvvbq"]),
        ("general_frequency", "_wordfreq_frequency", "word_frequency", ["kunde", "kommunikation", "und", "qxzvvbq"]),
    ],
)
def test_general_german_lookups_are_wordfreqs_and_are_remembered(
    fresh, monkeypatch, name, lookup, wordfreq_name, words
):
    import wordfreq

    expected = [getattr(wordfreq, wordfreq_name)(w, "de") for w in words]
    function = getattr(memo, name).__wrapped__  # without the lru_cache of earlier tests
    assert [function(w) for w in words] == expected
    memo.save_memo()
    monkeypatch.setattr(memo, "_memos", {})  # the next process
    monkeypatch.setattr(memo, lookup, lambda w: pytest.fail(f"{w} looked up in wordfreq again"))
    assert [function(w) for w in words] == expected
