"""Lemmas of compound parts and word frequencies, remembered between runs beside the annotation cache.

The annotation cache keeps each document's token table, so a second run on the same corpus
lemmatises nothing — except the parts of compounds, which the word families
(:mod:`analysis.extract.families`) and the topic features (:mod:`analysis.topics.model`) lemmatise
after annotation, and the general-German frequencies that keyness, the topic features and the theme
echoes look up in wordfreq (:func:`general_frequency`, :func:`general_zipf`). For those few thousand
words every process loaded simplemma's dictionary of 1.1 million forms, the splitter's frequency
lists and wordfreq's German list again (about 0.6 s and 0.5 s of CPU in the report and in the
notebooks' kernel). :func:`remembered` keeps each answer in a small JSON file in the cache folder,
named after the fingerprint of the annotation code, its word lists and the versions of simplemma
and wordfreq (:func:`analysis.annotate.pipeline._code_fingerprint`): the answers of another version
are never read. Every answer is the function's own, so results do not change; only where it comes
from does.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = ["general_frequency", "general_zipf", "memo_path", "remembered", "remembered_number", "save_memo"]

_lock = threading.Lock()
_memos: dict[Path, dict[str, dict[str, str]]] = {}  # per cache folder
_new: set[Path] = set()  # folders whose memo learned answers not yet written


def memo_path(cache_dir: Path | None = None) -> Path:
    """The memo file of this version of the annotation code in ``cache_dir`` (default: the
    annotation cache folder)."""
    from .pipeline import _code_fingerprint, default_cache_dir

    return (cache_dir or default_cache_dir()) / f"lexicon-memo-{_code_fingerprint()[:20]}.json"


def _load(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        kind: {k: v for k, v in words.items() if isinstance(k, str) and isinstance(v, str)}
        for kind, words in data.items()
        if isinstance(kind, str) and isinstance(words, dict)
    }


@lru_cache(maxsize=8)
def _folder(env: str | None) -> Path:
    """The cache folder for a value of ``$ANALYSIS_CACHE_DIR`` (:func:`~analysis.annotate.pipeline.default_cache_dir`),
    built once: :func:`remembered` runs for hundreds of thousands of words on a large corpus."""
    from .pipeline import default_cache_dir

    return default_cache_dir()


def remembered(kind: str, word: str, compute: Callable[[str], str]) -> str:
    """``compute(word)``, taken from the memo when an earlier run (of the same code) answered it;
    ``kind`` names the function. New answers are kept for :func:`save_memo` (called by the report,
    and when the process exits)."""
    folder = _folder(os.environ.get("ANALYSIS_CACHE_DIR"))
    with _lock:
        memo = _memos.get(folder)
        if memo is None:
            memo = _memos[folder] = _load(memo_path(folder))
        known = memo.get(kind, {}).get(word)
    if known is not None:
        return known
    value = compute(word)
    with _lock:
        memo.setdefault(kind, {})[word] = value
        if not _new:
            atexit.register(save_memo)
        _new.add(folder)
    return value


def remembered_number(kind: str, word: str, compute: Callable[[str], float]) -> float:
    """:func:`remembered` for a function that returns a float (kept as its exact ``repr``): the
    frequencies of general German that keyness, topics and theme echoes look up in wordfreq, whose
    German list (about 0.5 s to load) a warm run then never opens."""
    return float(remembered(kind, word, lambda w: repr(float(compute(w)))))


@lru_cache(maxsize=200_000)
def general_zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "de")`` — how common ``word`` is in general German, on the
    Zipf scale — remembered between runs (:func:`remembered_number`)."""
    return remembered_number("zipf_frequency", word, _wordfreq_zipf)


def _wordfreq_zipf(word: str) -> float:
    import wordfreq

    return wordfreq.zipf_frequency(word, "de")


@lru_cache(maxsize=100_000)
def general_frequency(word: str) -> float:
    """``wordfreq.word_frequency(word, "de")`` — the share of ``word`` among the words of general
    German — remembered between runs (:func:`remembered_number`)."""
    return remembered_number("word_frequency", word, _wordfreq_frequency)


def _wordfreq_frequency(word: str) -> float:
    import wordfreq

    return float(wordfreq.word_frequency(word, "de"))


def save_memo() -> list[Path]:
    """Write each memo that learned new answers in this process (merged with what another process
    wrote meanwhile; through a temporary file moved into place); return the files written. A cache
    folder that is not writable is skipped: the answers are computed again next time."""
    written = []
    with _lock:
        for folder in sorted(_new):
            path = memo_path(folder)
            merged = _load(path)
            for kind, words in _memos[folder].items():
                merged.setdefault(kind, {}).update(words)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_text(json.dumps(merged, ensure_ascii=False, sort_keys=True), encoding="utf-8")
                os.replace(tmp, path)
                for old in path.parent.glob("lexicon-memo-*.json"):
                    if old != path:  # the memo of an earlier version of the code
                        old.unlink(missing_ok=True)
                written.append(path)
            except OSError:
                tmp.unlink(missing_ok=True)
        _new.clear()
    return written
