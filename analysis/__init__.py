"""German discourse analysis: load German web texts into tidy DataFrames and compare them.

>>> from analysis import load_corpus, annotate
>>> corpus = load_corpus("data/texts")
>>> tokens = annotate(corpus)
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from .annotate.lemma_dictionary import install as _install_lemma_dictionary
from .annotate.pipeline import annotate
from .corpus.load import Corpus, CorpusError, load_corpus

_install_lemma_dictionary()  # simplemma's German dictionary from a snapshot in the cache folder (same entries)

__all__ = ["Corpus", "CorpusError", "annotate", "load_corpus"]
try:  # one version, in pyproject.toml
    __version__ = _version("german-discourse-analysis")
except PackageNotFoundError:  # run from a source tree that was not installed
    __version__ = "0+unknown"
