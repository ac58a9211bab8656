"""The engines give the same results: plain loop, local process pool, Dask local cluster, Dask scheduler address."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.annotate.engine import map_documents

ROOT = Path(__file__).resolve().parents[2]


# a function the worker processes can import by name (test modules are imported under names of
# pytest's own, which a worker process cannot import): x ** 2
square = functools.partial(pow, exp=2)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "data" / "texts", quiet=True)


@pytest.fixture(scope="module")
def reference(corpus):
    return annotate(corpus, cache=False)


def test_map_documents_keeps_order_on_every_engine():
    items = list(range(20))
    expected = [x * x for x in items]
    assert map_documents(square, items) == expected
    assert map_documents(square, items, workers=2) == expected
    assert map_documents(square, items, engine="dask", workers=2) == expected
    assert map_documents(square, []) == []


def test_bad_engine_options_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        map_documents(square, [1], engine="spark")
    with pytest.raises(ValueError, match="--scheduler needs --engine dask"):
        map_documents(square, [1], scheduler="tcp://127.0.0.1:1")


def test_process_pool_annotation_equals_the_default(corpus, reference):
    pd.testing.assert_frame_equal(annotate(corpus, cache=False, workers=2), reference)


def test_dask_local_cluster_annotation_equals_the_default(corpus, reference):
    pd.testing.assert_frame_equal(annotate(corpus, cache=False, engine="dask", workers=2), reference)


def test_dask_scheduler_address_annotation_equals_the_default(corpus, reference):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        got = annotate(corpus, cache=False, engine="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(got, reference)
