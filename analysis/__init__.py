"""German discourse analysis: load German web texts into tidy DataFrames and compare them.

>>> from analysis import load_corpus, annotate
>>> corpus = load_corpus("data/texts")
>>> tokens = annotate(corpus)
"""

import os as _os
import sys as _sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version


def _command_line_threads() -> None:
    """Under ``python -m analysis`` (this package imported while ``-m`` locates it), one thread per
    math library — OpenBLAS, MKL, OpenMP, and Arrow's pool, which follows ``OMP_NUM_THREADS`` — set
    here because the imports below load NumPy, and the libraries read these variables when they load.

    A run's matrices are small (the topic models fit capped samples), and on the reference machine
    (2 cores) the libraries' threads cost more than they gave: they start at load and wait for work
    by spinning. Measured: the shipped corpus's run 6 % faster, the topics stage at 2M tokens
    23.2-23.9 s instead of 27.4 s. A value the user set is kept; ``import analysis`` anywhere else
    (a notebook, a script) changes nothing."""
    args = list(getattr(_sys, "orig_argv", []))
    if _sys.argv[:1] != ["-m"] or "-m" not in args:
        return
    at = args.index("-m")
    if args[at + 1 : at + 2] != [__name__]:
        return
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        _os.environ.setdefault(name, "1")


_command_line_threads()

from .annotate.lemma_dictionary import install as _install_lemma_dictionary  # noqa: E402 (after the thread counts)
from .annotate.pipeline import annotate  # noqa: E402
from .corpus.load import Corpus, CorpusError, load_corpus  # noqa: E402

_install_lemma_dictionary()  # simplemma's German dictionary from a snapshot in the cache folder (same entries)

__all__ = ["Corpus", "CorpusError", "annotate", "load_corpus"]
try:  # one version, in pyproject.toml
    __version__ = _version("german-discourse-analysis")
except PackageNotFoundError:  # run from a source tree that was not installed
    __version__ = "0+unknown"
