"""German discourse analysis: load German web texts into tidy DataFrames and compare them.

>>> from analysis import load_corpus, annotate
>>> corpus = load_corpus("data/texts")
>>> tokens = annotate(corpus)
"""

from .annotate.pipeline import annotate
from .corpus.load import Corpus, CorpusError, load_corpus

__all__ = ["Corpus", "CorpusError", "annotate", "load_corpus"]
__version__ = "0.1.0"
