"""Where per-document work runs: in this process, on local worker processes, or on Dask.

:func:`map_documents` applies a picklable function to a list of items (one per document) and
returns the results in input order, whatever the engine:

* ``engine="local"`` with ``workers`` ≤ 1: a plain loop (the default; no start-up cost);
* ``engine="local"`` with ``workers`` > 1: a process pool on this machine;
* ``engine="dask"``: a ``dask.distributed`` cluster — the scheduler at ``scheduler``
  (``"tcp://host:8786"``) when given, else a local cluster of ``workers`` single-threaded processes.

Results are identical across engines because the work per item is deterministic and results are
gathered in input order (tests/test_engine.py compares them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["ENGINES", "annotate_batches", "map_documents"]

ENGINES = ("local", "dask")


def map_documents(
    func: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> list[Any]:
    """``[func(item) for item in items]``, possibly in parallel; order is kept."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    items = list(items)
    if not items:
        return []
    if engine == "dask":
        return _dask_map(func, items, workers=workers, scheduler=scheduler)
    if scheduler:
        raise ValueError("--scheduler needs --engine dask")
    if not workers or workers <= 1 or len(items) == 1:
        return [func(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    workers = min(workers, len(items))
    chunksize = max(1, len(items) // (workers * 4))
    # fork (where the platform has it) lets workers start with the parent's loaded dictionaries
    # and warm per-word caches instead of importing and loading everything again
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method)) as pool:
        return list(pool.map(func, items, chunksize=chunksize))


def annotate_batches(
    batches: Sequence[list], *, engine: str = "local", workers: int | None = None, scheduler: str | None = None
) -> list:
    """:func:`analysis.annotate.annotate_texts` on each batch, in order.

    On Dask the per-word work (lemma, stop word, compound split) is done once per distinct word
    of the whole corpus instead of once per worker that meets it: the workers tokenize their
    batches and keep the result, the distinct ``(surface, token_type)`` pairs are gathered and
    split into shards whose features the workers compute in parallel, the feature table is
    broadcast, and each worker builds the token tables of its own batches. Same tables as
    ``annotate_texts``; the other engines just map it."""
    from .annotate import annotate_texts, batch_frame, batch_types, tokenize_batch, word_features

    batches = list(batches)
    if engine != "dask" or not batches:
        return map_documents(annotate_texts, batches, engine=engine, workers=workers, scheduler=scheduler)
    with _dask_client(workers=workers, scheduler=scheduler) as client:
        tokenized = client.map(tokenize_batch, batches, pure=False)
        distinct = list(dict.fromkeys(p for pairs in client.gather(client.map(batch_types, tokenized)) for p in pairs))
        n_shards = max(1, len(client.scheduler_info().get("workers", {}))) * 4
        shards = [distinct[i::n_shards] for i in range(n_shards)]
        features: dict = {}
        for part in client.gather(client.map(word_features, shards, pure=False)):
            features.update(part)
        shared = client.scatter(features, broadcast=True, hash=False)
        return client.gather(client.map(batch_frame, tokenized, [shared] * len(tokenized), pure=False))


def _dask_map(func, items: list, *, workers: int | None, scheduler: str | None) -> list:
    with _dask_client(workers=workers, scheduler=scheduler) as client:
        futures = client.map(func, items, pure=False)
        return client.gather(futures)


@contextmanager
def _dask_client(*, workers: int | None, scheduler: str | None):
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers`` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # an optional engine: say how to get it
        raise ValueError(
            "the dask engine needs the packages dask and distributed (pip install 'dask[distributed]')"
        ) from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        client = Client(scheduler, timeout="30s")
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
