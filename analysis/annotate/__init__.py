"""Token annotation: tokenizer, lemmas and compound splits, the annotation cache and the engines
(local processes or Dask) that run it."""

from __future__ import annotations

from .compounds import MAX_PARTS, MAX_PIECE, STATS, compound_parts, split_compound
from .engine import ENGINES, map_documents
from .pipeline import (
    ANNOTATOR_VERSION,
    TOKEN_COLUMNS,
    annotate,
    annotate_text,
    annotate_texts,
    default_cache_dir,
    factorize_pairs,
    stopwords,
    word_rows,
)
from .tokenize import TOKEN_TYPES, abbreviations, sentence_starts, split_sentences, tokenize

__all__ = [
    "ANNOTATOR_VERSION",
    "ENGINES",
    "MAX_PARTS",
    "MAX_PIECE",
    "STATS",
    "TOKEN_COLUMNS",
    "TOKEN_TYPES",
    "abbreviations",
    "annotate",
    "annotate_text",
    "annotate_texts",
    "compound_parts",
    "default_cache_dir",
    "factorize_pairs",
    "map_documents",
    "sentence_starts",
    "split_compound",
    "split_sentences",
    "stopwords",
    "tokenize",
    "word_rows",
]
