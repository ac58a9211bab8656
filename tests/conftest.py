"""Shared pytest configuration: Hypothesis profiles (CI is bounded, `make fuzz` runs 10,000 examples)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    """No test writes to the user's home: annotations are cached in a temporary folder for the session
    (unless ANALYSIS_CACHE_DIR is set, as CI sets it to a folder of its own)."""
    if not os.environ.get("ANALYSIS_CACHE_DIR"):
        import tempfile

        folder = tempfile.mkdtemp(prefix="analysis-test-cache-")
        os.environ["ANALYSIS_CACHE_DIR"] = folder
        config._analysis_cache_dir = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_analysis_cache_dir", None)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


# test modules import their helpers with `from factories import …` from any sub-folder of tests/
sys.path.insert(0, str(Path(__file__).resolve().parent))

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "data" / "texts"


@pytest.fixture(scope="session")
def sample():
    """The shipped sample corpus and its tokens, loaded and annotated once for the whole session
    (into the session's temporary cache). Tests must not modify them: copy before changing."""
    from analysis import annotate, load_corpus

    corpus = load_corpus(SAMPLE_CORPUS, quiet=True)
    return corpus, annotate(corpus)
