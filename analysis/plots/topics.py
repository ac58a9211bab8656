"""Figures of the topics section: they take the result tables of :mod:`analysis.topics`."""

from __future__ import annotations

import pandas as pd

from .core import PALETTE, heatmap, style, wrap_label

__all__ = ["plot_document_topics", "plot_unit_map"]


def plot_document_topics(doc_topics: pd.DataFrame, *, model: str = "nmf"):
    """Heatmap of documents × topics (topic shares) for one model."""
    d = doc_topics[doc_topics["model"] == model]
    table = d.pivot_table(index="doc_id", columns=["topic_id", "topic_name"], values="weight", fill_value=0.0)
    table.columns = [f"{i}: {name}" for i, name in table.columns]
    return heatmap(table, title=f"Topic shares per document ({model.upper()})", colorbar_label="share")


def plot_unit_map(unit_topics: pd.DataFrame):
    """Two scatter panels of the units' 2-D map: coloured by document and by cluster."""
    import matplotlib.pyplot as plt

    style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True)
    for ax, col, title in ((axes[0], "doc_id", "Units by document"), (axes[1], "cluster", "Units by cluster")):
        for i, (key, grp) in enumerate(unit_topics.groupby(col, sort=True)):
            marker = "os^D"[(i // len(PALETTE)) % 4]  # more groups than colours: the shape tells them apart
            ax.scatter(
                grp["x"],
                grp["y"],
                s=22,
                color=PALETTE[i % len(PALETTE)],
                marker=marker,
                label=wrap_label(key, 24),
                alpha=0.85,
            )
        ax.set_title(title)
        ax.set_xlabel("LSA dimension 1")
        ax.legend(fontsize=7, loc="best", frameon=False)
    axes[0].set_ylabel("LSA dimension 2")
    fig.tight_layout()
    return fig
