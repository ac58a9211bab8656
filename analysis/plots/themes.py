"""Figures of the themes section: they take the result tables of :mod:`analysis.themes`."""

from __future__ import annotations

import pandas as pd

from .core import heatmap, wrap_label

__all__ = ["plot_theme_scores"]


def plot_theme_scores(doc_themes: pd.DataFrame, themes: dict):
    """Heatmap of documents × theme scores (matched words per 1,000 content words)."""

    cols = [f"score_{t}" for t in themes]
    table = doc_themes.set_index("doc_id")[cols]
    table.columns = [themes[t].label for t in themes]
    table.index = [f"{wrap_label(d, 34)} → {th}" for d, th in zip(doc_themes["doc_id"], doc_themes["theme"])]
    return heatmap(
        table,
        title="Theme scores per document (per 1,000 content words)",
        fmt="{:.0f}",
        colorbar_label="score",
        label_width=64,
    )
