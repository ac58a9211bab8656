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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["ENGINES", "dask_client", "map_documents"]

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


def _dask_map(func, items: list, *, workers: int | None, scheduler: str | None) -> list:
    with dask_client(workers=workers, scheduler=scheduler) as client:
        futures = client.map(func, items, pure=False)
        return client.gather(futures)


@contextmanager
def dask_client(*, workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A ``dask.distributed`` client of the scheduler at ``scheduler``, or of a local cluster of
    ``workers`` single-threaded processes (default: one per CPU) that is closed afterwards."""
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
