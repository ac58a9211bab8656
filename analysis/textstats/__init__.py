"""Statistics over the token table, one module per task: :mod:`.frequency` (frequencies, n-grams,
collocations), :mod:`.diversity`, :mod:`.readability`, :mod:`.keyness`, :mod:`.overlap` and the
document overview (:mod:`.overview`); the report sections in :mod:`.section`. Counts start from
the document-feature matrix of :mod:`analysis.counts`.

Re-exported here for convenience (the notebooks import them from this package): the word families
and KWIC of :mod:`analysis.extract` and the vocabulary figures of :mod:`analysis.plots.vocabulary`
(loaded on first use, so that importing the statistics does not import matplotlib)."""

from __future__ import annotations

from .._lazy import lazy_exports
from ..extract import compound_families, family_leaning, kwic, load_families, word_families
from .diversity import diversity, hdd, mattr, mtld, ttr
from .frequency import collocations, frequencies, ngrams, per_document_and_speaker
from .keyness import (
    KEYNESS_COLUMNS,
    general_german,
    group_labels,
    group_tables,
    keyness,
    keyness_documents,
    keyness_general,
    keyness_groups,
    keyness_speakers,
    keyness_table,
    log_likelihood,
    tokens_with_groups,
    top_keywords,
)
from .overlap import overlap, overlap_matrix, reference_overlap, reference_tokens
from .overview import document_summary, kind_table, quote_table, speaker_table
from .readability import count_syllables, flesch_amstad, readability, syllable_exceptions, wiener_sachtextformel
from .section import DOCUMENTS, GROUPS, VOCABULARY, vocabulary_tables

__all__ = [
    "DOCUMENTS",
    "GROUPS",
    "KEYNESS_COLUMNS",
    "VOCABULARY",
    "collocations",
    "compound_families",
    "count_syllables",
    "diversity",
    "document_summary",
    "family_leaning",
    "flesch_amstad",
    "frequencies",
    "general_german",
    "group_labels",
    "group_tables",
    "hdd",
    "keyness",
    "keyness_documents",
    "keyness_general",
    "keyness_groups",
    "keyness_speakers",
    "keyness_table",
    "kind_table",
    "kwic",
    "load_families",
    "log_likelihood",
    "mattr",
    "mtld",
    "ngrams",
    "overlap",
    "overlap_matrix",
    "per_document_and_speaker",
    "plot_families",
    "plot_keyness",
    "plot_overlap",
    "plot_profile",
    "quote_table",
    "readability",
    "reference_overlap",
    "reference_tokens",
    "speaker_table",
    "syllable_exceptions",
    "tokens_with_groups",
    "top_keywords",
    "ttr",
    "vocabulary_tables",
    "wiener_sachtextformel",
    "word_families",
]

# the vocabulary figures, imported on first use (importing the statistics does not import matplotlib)
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(("plot_families", "plot_keyness", "plot_overlap", "plot_profile"), "..plots.vocabulary")
)
