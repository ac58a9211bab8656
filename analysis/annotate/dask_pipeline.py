"""Annotation on a Dask cluster with each distinct word's features computed once across the workers.

The default engine annotates a batch of documents in one process: it tokenizes, computes the word
features (lemma, compound split, stop-word flags …) once per distinct word, and spreads them to the
tokens. Sending such whole batches to Dask workers repeats the per-word work (most of cold
annotation's time) on every worker for the words they share, and ships full token tables with their
string columns back to the client. Here the work is split into two kinds of task:

1. :func:`tokenize_batch` on a batch of documents (runs of consecutive documents with about equal
   text, four per worker thread): the id and offset columns, the token type codes, per-token codes
   into the batch's distinct words, and those words as one string;
2. :func:`word_features` on a share of the distinct words: their feature columns.

A word is a surface with its token type (the same string can be a word and a number:
``Band II ist`` / ``Band II.``), written as one key: the type's letter, then the surface
(:func:`_key`). The client numbers the distinct keys across batches as tokenize results come in and
at once sends the keys it has not seen yet to ``word_features`` tasks, so the workers keep computing
while the client merges; each word is computed on one worker only. The client then concatenates the
batches' arrays (already in document order) and keeps the table unbuilt (``pipeline._LazyTokens``):
``annotate``'s finishing step builds each string column once, by integer lookups, for the rows it
keeps. A token's features depend on its surface and type only, so the table is the default
engine's however the documents are cut into batches.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import pipeline
from .engine import dask_client
from .pipeline import _FEATURES, _batch_tokens, _feature_columns, _features, _gc_paused, _LazyTokens
from .tokenize import TOKEN_TYPES

__all__ = ["annotate_on_dask", "tokenize_batch", "word_features"]

Item = tuple[str, list[tuple[int, int]]]
MIN_SHARE = 256  # words per word_features task at least (a task costs about a millisecond)
BATCHES_PER_THREAD = 4  # tokenize tasks per worker thread: smaller batches balance the load


@_gc_paused
def tokenize_batch(items: list[Item]) -> dict[str, object]:
    """A batch's tokens without their word features (run on a worker): ``numeric`` (the id and
    offset columns ``para_id`` … ``end``), ``lengths`` (tokens per item), ``kind`` (token type codes),
    ``codes`` (per token, into ``words``) and ``words`` (the keys of the distinct words, in order of
    first appearance, as one string)."""
    _features("Kundengespräche", "word")  # loads the dictionaries (once per worker process) for word_features
    batch = _batch_tokens(items)
    numeric = batch.numeric
    lengths = np.bincount(numeric.pop("doc_index"), minlength=len(items))
    surfaces = batch.surfaces
    keys = [_key(surfaces[i], k) for i, k in zip(batch.unique_ids.tolist(), batch.word_kind.tolist())]
    return {
        "numeric": numeric,
        "lengths": lengths,
        "kind": np.asarray(batch.kind, dtype=np.int8),
        "codes": np.asarray(batch.codes, dtype=np.int32),
        "words": _join(keys),
    }


@_gc_paused
def word_features(keys: list[str]) -> dict[str, np.ndarray]:
    """``token`` and the ``_FEATURES`` columns of the words ``keys`` (:func:`_key`; run on a worker)."""
    kinds = np.fromiter((_KIND_OF[key[0]] for key in keys), dtype=np.int8, count=len(keys))
    return _feature_columns([key[1:] for key in keys], np.arange(len(keys)), kinds)


def _word_features(joined: str) -> dict[str, np.ndarray]:
    return word_features(_split(joined))


_LETTERS = "".join(chr(ord("A") + k) for k in range(len(TOKEN_TYPES)))  # one character per type, never a line break
_KIND_OF = {letter: k for k, letter in enumerate(_LETTERS)}


def _key(surface: str, kind: int) -> str:
    """A word (a surface with its token type code) as one string: the type's letter, then the surface."""
    return _LETTERS[kind] + surface


def _join(words: list[str]) -> str:
    """Words as one string (one object to send instead of thousands): a token never holds a line
    break, as the tokenizer cuts the text at white space first."""
    joined = "\n".join(words)
    if len(words) > 1 and joined.count("\n") != len(words) - 1:  # cannot happen (see above)
        raise AssertionError("a token holds a line break")
    return joined


def _split(joined: str) -> list[str]:
    return joined.split("\n") if joined else []


class _Vocabulary:
    """The distinct words (keys, :func:`_key`) of all batches, numbered in the order the client meets them."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.keys: list[str] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, keys: list[str]) -> np.ndarray:
        """The ids of a batch's distinct ``keys``; new ones are appended."""
        ids = self.ids
        before = len(ids)
        gids = np.fromiter((ids.setdefault(k, len(ids)) for k in keys), dtype=np.int64, count=len(keys))
        self.keys.extend(k for k, gid in zip(keys, gids.tolist()) if gid >= before)
        return gids


def _cuts(items: list[Item], n: int) -> list[int]:
    """Where to cut ``items`` into ``n`` runs of consecutive items with about equal text (the runs'
    tables then follow each other in document order)."""
    sizes = np.cumsum([len(text) + 1 for text, _ in items])
    inner = np.searchsorted(sizes, sizes[-1] * np.arange(1, n) / n, side="right")
    return sorted({0, len(items), *np.clip(inner, 1, len(items) - 1).tolist()}) if len(items) > 1 else [0, len(items)]


def annotate_on_dask(
    items: Sequence[Item], *, workers: int | None = None, scheduler: str | None = None
) -> tuple[pd.DataFrame | _LazyTokens, np.ndarray]:
    """The token table of ``items`` (documents as ``(text, paragraph spans)``) in their order, without
    ``doc_index``, and the number of tokens of each; on the Dask scheduler at ``scheduler`` or a local
    cluster of ``workers`` processes. Equal to the default engine's batches put together."""
    items = list(items)
    if not items:
        return pipeline.annotate_texts([]).drop(columns="doc_index"), np.zeros(0, dtype=np.int64)
    with dask_client(workers=workers, scheduler=scheduler) as client:
        from dask.distributed import as_completed

        slots = max(1, sum(client.nthreads().values()))
        bounds = _cuts(items, min(len(items), slots * BATCHES_PER_THREAD))
        batches = [items[a:b] for a, b in zip(bounds, bounds[1:])]
        # each batch's texts sent to a worker (not inside the task graph, which is not meant for data)
        # and its task submitted at once, so the first batch is tokenized while the others travel
        futures = [
            client.submit(tokenize_batch, client.scatter([batch], hash=False)[0], pure=False) for batch in batches
        ]
        position = {f.key: i for i, f in enumerate(futures)}
        vocabulary = _Vocabulary()
        parts: list[dict | None] = [None] * len(batches)
        shares = []  # word_features futures, in word-id order
        for future in as_completed(futures):
            part = future.result()
            start = len(vocabulary)
            part["gids"] = vocabulary.add(_split(part.pop("words")))
            parts[position[future.key]] = part
            new = len(vocabulary) - start
            n_shares = max(1, min(slots, new // MIN_SHARE))
            cuts = np.linspace(start, start + new, n_shares + 1).astype(np.int64).tolist()
            for a, b in zip(cuts, cuts[1:]):
                if b > a:
                    shares.append(client.submit(_word_features, _join(vocabulary.keys[a:b]), pure=False))
            del future
        futures.clear()
        # the tokens in document order (the batches' order), while the workers compute the last features
        lengths = np.concatenate([p["lengths"] for p in parts])
        numeric = {name: np.concatenate([p["numeric"][name] for p in parts]) for name in parts[0]["numeric"]}
        kind = np.concatenate([p["kind"] for p in parts])
        row = np.concatenate([p.pop("gids")[p.pop("codes")] for p in parts])
        del parts
        results = client.gather(shares) or [word_features([])]  # no words: the empty columns
    columns = {name: np.concatenate([r[name] for r in results]) for name in ("token", *_FEATURES)}
    return _LazyTokens(numeric, kind, row, columns), lengths
