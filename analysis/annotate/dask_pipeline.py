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

The client numbers the distinct words across batches as tokenize results come in and at once sends
the words it has not seen yet to ``word_features`` tasks, so the workers keep computing while the
client merges; each word is computed on one worker only. The client then concatenates the batches'
arrays (already in document order) and keeps the table unbuilt (``pipeline._LazyTokens``):
``annotate``'s finishing step builds each string column once, by integer lookups, for the rows it
keeps.

The table is identical to the default engine's. A word's features depend on its token type, and
the default engine uses the type of the word's first token in its batch (``BATCH_CHARS`` characters
of consecutive documents). A word met with more than one type (rare: ``II`` as a word and as the
number in ``Band II.``) is resolved here in the same way, per batch of the default engine.
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
    offset columns ``para_id`` … ``end``), ``lengths`` (tokens per item), ``kind`` (token type codes), ``codes``
    (per token, into ``words``), ``words`` (the distinct surfaces in order of first appearance),
    ``first_kind`` (the type of each word's first token) and ``mixed`` (whether a word also comes
    with another type in this batch)."""
    _features("Kundengespräche", "word")  # loads the dictionaries (once per worker process) for word_features
    batch = _batch_tokens(items)
    numeric = batch.numeric
    lengths = np.bincount(numeric.pop("doc_index"), minlength=len(items))
    surfaces = batch.surfaces
    codes = np.asarray(batch.codes, dtype=np.int32)
    first_kind = np.asarray(batch.first_kind, dtype=np.int8)
    kind = np.asarray(batch.kind, dtype=np.int8)
    mixed = np.zeros(len(first_kind), dtype=bool)
    mixed[codes[kind != first_kind[codes]]] = True
    return {
        "numeric": numeric,
        "lengths": lengths,
        "kind": kind,
        "codes": codes,
        "words": _join([surfaces[i] for i in batch.unique_ids.tolist()]),
        "first_kind": first_kind,
        "mixed": mixed,
    }


@_gc_paused
def word_features(words: list[str], kinds: np.ndarray) -> dict[str, np.ndarray]:
    """The ``_FEATURES`` columns of ``words`` with token type codes ``kinds`` (run on a worker)."""
    columns = _feature_columns(words, np.arange(len(words)), np.asarray(kinds, dtype=np.int8))
    del columns["token"]
    return columns


def _word_features(words: str, kinds: np.ndarray) -> dict[str, np.ndarray]:
    return word_features(_split(words), kinds)


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
    """The distinct words of all batches, numbered in the order the client meets them, each with the
    token type its features are computed for; ``ambiguous`` marks words met with another type."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.kind = np.zeros(0, dtype=np.int8)
        self.ambiguous = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return len(self.words)

    def add(self, words: list[str], first_kind: np.ndarray, mixed: np.ndarray) -> np.ndarray:
        """The ids of a batch's ``words``; new words are appended."""
        ids = self.ids
        before = len(ids)
        gids = np.fromiter((ids.setdefault(w, len(ids)) for w in words), dtype=np.int64, count=len(words))
        new = gids >= before
        self.words.extend(w for w, is_new in zip(words, new.tolist()) if is_new)
        old = ~new
        self.kind = np.concatenate([self.kind, first_kind[new]])
        self.ambiguous = np.concatenate([self.ambiguous, np.zeros(int(new.sum()), dtype=bool)])
        self.ambiguous[gids[old][self.kind[gids[old]] != first_kind[old]]] = True
        self.ambiguous[gids[mixed]] = True
        return gids


def _cuts(items: list[Item], n: int) -> list[int]:
    """Where to cut ``items`` into ``n`` runs of consecutive items with about equal text (the runs'
    tables then follow each other in document order)."""
    sizes = np.cumsum([len(text) + 1 for text, _ in items])
    inner = np.searchsorted(sizes, sizes[-1] * np.arange(1, n) / n, side="right")
    return sorted({0, len(items), *np.clip(inner, 1, len(items) - 1).tolist()}) if len(items) > 1 else [0, len(items)]


def _default_batch_of(items: list[Item]) -> np.ndarray:
    """The default engine's batch number of each item (``pipeline._batches``: consecutive items of
    about ``BATCH_CHARS`` characters)."""
    sizes = [len(batch) for batch in pipeline._batches(items, pipeline.BATCH_CHARS)]
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


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
            part["gids"] = vocabulary.add(_split(part.pop("words")), part["first_kind"], part["mixed"])
            parts[position[future.key]] = part
            new = len(vocabulary) - start
            n_shares = max(1, min(slots, new // MIN_SHARE))
            cuts = np.linspace(start, start + new, n_shares + 1).astype(np.int64).tolist()
            for a, b in zip(cuts, cuts[1:]):
                if b > a:
                    shares.append(
                        client.submit(_word_features, _join(vocabulary.words[a:b]), vocabulary.kind[a:b], pure=False)
                    )
            del future
        futures.clear()
        # the tokens in document order (the batches' order), while the workers compute the last features
        lengths = np.concatenate([p["lengths"] for p in parts])
        numeric = {name: np.concatenate([p["numeric"][name] for p in parts]) for name in parts[0]["numeric"]}
        kind = np.concatenate([p["kind"] for p in parts])
        gid = np.concatenate([p.pop("gids")[p.pop("codes")] for p in parts])
        del parts
        row = gid
        words = vocabulary.words
        if vocabulary.ambiguous.any():
            row, extra = _per_default_batch(items, lengths, gid, kind, vocabulary)
            if extra:
                kinds = np.asarray([k for _, k in extra], dtype=np.int8)
                shares.append(client.submit(_word_features, _join([w for w, _ in extra]), kinds, pure=False))
                words = words + [w for w, _ in extra]
        results = client.gather(shares)
    columns: dict[str, np.ndarray] = {"token": np.asarray(words, dtype=object).reshape(-1)}
    for name in _FEATURES:
        dtype = bool if name.startswith("is_") else object
        columns[name] = np.concatenate([r[name] for r in results]) if results else np.zeros(0, dtype=dtype)
    return _LazyTokens(numeric, kind, row, columns), lengths


def _per_default_batch(
    items: list[Item], lengths: np.ndarray, gid: np.ndarray, kind: np.ndarray, vocabulary: _Vocabulary
) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """Rows of the word columns for every token where some words come with several token types: such
    a word's tokens take the features of the type of its first token in their batch of the default
    engine. Returns the row per token (``gid`` unless another type is needed) and the extra
    ``(word, type code)`` pairs whose features are to be appended to the vocabulary's, in order."""
    t = np.flatnonzero(vocabulary.ambiguous[gid])  # the tokens of such words, in document order
    batch = _default_batch_of(items)[np.repeat(np.arange(len(items)), lengths)[t]]
    size = len(vocabulary)
    _, first, inverse = np.unique(batch * size + gid[t], return_index=True, return_inverse=True)
    wanted = kind[t][first][inverse.reshape(-1)]
    other = wanted != vocabulary.kind[gid[t]]
    row = gid.copy()
    if not other.any():
        return row, []
    width = len(TOKEN_TYPES)
    pairs, pair_of = np.unique(gid[t][other] * width + wanted[other], return_inverse=True)
    row[t[other]] = size + pair_of.reshape(-1)
    return row, [(vocabulary.words[p // width], p % width) for p in pairs.tolist()]
