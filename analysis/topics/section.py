"""The report section ``TOPICS``: topics found bottom-up (NMF, LDA for comparison), their share
in every document, clusters of passages and a 2-D map of them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..context import RunContext, Section, corner_note

__all__ = ["TOPICS"]


def _topics(context: RunContext) -> dict[str, pd.DataFrame]:
    from .model import corpus_names, topic_tables

    return topic_tables(
        context.tokens,
        themes=context.themes,
        exclude=() if context.names else corpus_names(context.corpus),
        caps=context.caps,
        random_state=context.random_state,
    )


def _topics_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Document × NMF topic heatmap and the units' 2-D map coloured by document and by cluster
    (left out when the corpus is too small for a topic model). Large corpora show the largest
    documents and a seeded random sample of units (noted in the corner)."""
    from ..plots.topics import plot_document_topics, plot_unit_map

    if tables["topics"].empty:
        return {}
    caps = context.caps
    dt = tables["document_topics"]
    heat = plot_document_topics(dt[dt["doc_id"].isin(set(context.largest_documents(caps.figure_documents)))])
    corner_note(heat, context.capped_note(caps.figure_documents))
    units = tables["unit_topics"]
    shown = units
    if len(units) > caps.map_points:
        rows = np.sort(np.random.default_rng(0).choice(len(units), size=caps.map_points, replace=False))
        shown = units.iloc[rows]
    if len(context.document_words) > caps.map_documents:  # a legend entry per document would not fit
        named = set(context.largest_documents(caps.map_documents - 1))
        shown = shown.assign(doc_id=shown["doc_id"].where(shown["doc_id"].isin(named), "(other documents)"))
    unit_map = plot_unit_map(shown)
    if len(units) > caps.map_points:
        corner_note(unit_map, f"a random {caps.map_points:,} of {len(units):,} units")
    return {"topics_document_topics": heat, "topics_unit_map": unit_map}


TOPICS = Section("topics", "Topics", _topics, _topics_figures, required=("topics",))
