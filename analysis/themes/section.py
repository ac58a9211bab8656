"""The report section ``THEMES``: theme scores and the dominant theme per document, paragraph and
speaker, and, with reference texts, where the corpus echoes them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..context import RunContext, Section, corner_note

__all__ = ["THEMES"]


def _themes(context: RunContext) -> dict[str, pd.DataFrame]:
    from .score import theme_tables

    tables = theme_tables(
        context.tokens,
        doc_ids=list(context.corpus.documents["doc_id"]),
        themes=context.themes,
        rules=context.dominant_rules,
        matches=context.theme_matches,
    )
    if context.references is not None:
        from .echoes import find_echoes

        tables["reference_echoes"] = find_echoes(context.tokens, context.references, corpus=context.corpus)
    return tables


def _themes_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Document × theme scores (of the largest documents on large corpora, noted in the corner)."""
    from ..plots.themes import plot_theme_scores

    n = context.caps.figure_documents
    docs = tables["themes"]
    fig = plot_theme_scores(docs[docs["doc_id"].isin(set(context.largest_documents(n)))], context.themes)
    corner_note(fig, context.capped_note(n))
    return {"themes_documents": fig}


THEMES = Section("themes", "Themes", _themes, _themes_figures, required=("themes",))
