"""The report section ``SENTIMENT``: sentence scores with the words behind them, aggregated to
paragraphs, documents, speakers and the themes the sentences speak of."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from ..context import RunContext, Section, corner_note

__all__ = ["SENTIMENT"]


def _sentiment(context: RunContext) -> dict[str, pd.DataFrame]:
    """The sentiment tables; with ``context.sentiment_embeddings`` the embedding stage is blended in
    up to ``caps.embedding_sentences`` sentences (beyond, the rules alone, with a warning)."""
    from .aggregate import sentiment_tables

    embedding = context.sentiment_embeddings
    if embedding:
        n = _sentence_count(context.tokens)
        if n > context.caps.embedding_sentences:
            warnings.warn(
                f"sentiment: {n:,} sentences are more than the embedding stage scores in a report "
                f"({context.caps.embedding_sentences:,}, a few hundred tokens a second); scored by the rules alone",
                stacklevel=2,
            )
            embedding = False
    return sentiment_tables(context.corpus, context.tokens, matches=context.theme_matches, embedding=embedding)


def _sentence_count(tokens: pd.DataFrame) -> int:
    return int(tokens[["doc_id", "sent_id"]].drop_duplicates().shape[0]) if len(tokens) else 0


def _sentiment_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Sentence shares per document (bars), per document and theme (heatmap) and the course of
    the score through each text (lines): of the largest documents on large corpora."""
    from ..plots.sentiment import plot_documents, plot_themes, plot_trajectory

    caps = context.caps
    shown = set(context.largest_documents(caps.figure_documents))
    lines = set(context.largest_documents(caps.trajectories))

    def of(name: str, docs: set) -> pd.DataFrame:
        table = tables[name]
        return table[table["doc_id"].isin(docs)]

    figures = {
        "sentiment_documents": plot_documents(of("sentiment_documents", shown)),
        "sentiment_themes": plot_themes(of("sentiment_themes", shown)),
        "sentiment_trajectory": plot_trajectory(of("sentiment_trajectory", lines)),
    }
    corner_note(figures["sentiment_documents"], context.capped_note(caps.figure_documents))
    corner_note(figures["sentiment_themes"], context.capped_note(caps.figure_documents))
    corner_note(figures["sentiment_trajectory"], context.capped_note(caps.trajectories))
    return figures


SENTIMENT = Section(
    "sentiment", "Sentiment", _sentiment, _sentiment_figures, required=("sentiment_documents", "sentiment_sentences")
)
