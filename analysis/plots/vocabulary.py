"""Figures of the vocabulary section, drawn from result tables: keyword bars (:func:`plot_keyness`
of a keyness table), diversity and reading ease per document and speaker (:func:`plot_profile`),
word families (:func:`plot_families`) and vocabulary overlap (:func:`plot_overlap`) as heatmaps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .core import PALETTE, heatmap, style, wrap_label

__all__ = ["plot_families", "plot_keyness", "plot_overlap", "plot_profile"]


def _row_labels(table: pd.DataFrame) -> list[str]:
    """``doc_id`` for document rows, ``↳ speaker`` for speaker rows (which follow their document)."""
    docs = table["doc_id"].astype(str) if "doc_id" in table else pd.Series([""] * len(table))
    if "speaker" not in table.columns:
        return docs.tolist()
    return [f"  ↳ {s}" if isinstance(s, str) else d for d, s in zip(docs, table["speaker"])]


def plot_keyness(table: pd.DataFrame, *, n: int = 8, feature: str = "lemma", comparison: str | None = None):
    """Small multiples: the ``n`` most over-used words (G² bars, log ratio in the label) per target
    of one ``comparison`` of a keyness table (default: document_vs_rest when present, else
    document_vs_general)."""
    import matplotlib.pyplot as plt

    from ..textstats.keyness import top_keywords  # imported here: analysis.textstats re-exports these figures

    style()
    if comparison is None:
        present = set(table["comparison"])
        comparison = "document_vs_rest" if "document_vs_rest" in present else "document_vs_general"
    top = top_keywords(table[table["comparison"] == comparison], n=n, feature=feature)
    targets = list(dict.fromkeys(top["target"]))
    if not targets:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "no significant keywords", ha="center", va="center")
        return fig
    cols = min(3, len(targets))
    rows = math.ceil(len(targets) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.28 * n * rows + 1.2 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(targets):
            ax.axis("off")
            continue
        sub = top[top["target"] == targets[k]].iloc[::-1]
        labels = [f"{w} ({lr:+.1f})" for w, lr in zip(sub[feature], sub["log_ratio"])]
        ax.barh(labels, sub["g2"], color=PALETTE[k % len(PALETTE)])
        ax.set_title(wrap_label(targets[k], 34), fontsize=9)
        ax.set_xlabel("G² (log ratio in brackets)")
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(f"Keywords: {comparison.replace('_', ' ')}", fontweight="bold")
    fig.tight_layout()
    return fig


def plot_profile(diversity_table: pd.DataFrame, readability_table: pd.DataFrame):
    """Two panels per row (document, or speaker): MTLD (lexical diversity) and Flesch-Amstad
    reading ease. The tables come from :func:`analysis.textstats.diversity` and :func:`analysis.textstats.readability`
    with the same grouping."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    style()
    keys = [c for c in ("doc_id", "speaker") if c in diversity_table.columns and c in readability_table.columns]
    # a left merge keeps the given row order (each document followed by its speakers); an outer
    # merge would sort the keys and put a document's speaker rows above it
    merged = diversity_table.merge(readability_table, on=keys, how="left", sort=False)
    labels = _row_labels(merged)
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.35 * len(labels) + 1.4), sharey=True)
    # speaker rows lighter than their document's row
    speaker_row = np.array([lab.startswith("  ↳") for lab in labels], dtype=bool)
    alpha = np.where(speaker_row, 0.55, 1.0)
    axes[0].barh(labels, merged["mtld"].to_numpy(), color=[(*to_rgb(PALETTE[0]), a) for a in alpha])
    axes[0].set_title("Lexical diversity (MTLD)")
    axes[0].set_xlabel("mean length of a stretch with TTR > 0.72 (words)")
    axes[0].invert_yaxis()
    axes[1].barh(labels, merged["flesch_amstad"].to_numpy(), color=[(*to_rgb(PALETTE[1]), a) for a in alpha])
    axes[1].set_title("Reading ease (Flesch-Amstad)")
    axes[1].set_xlabel("0 very hard … 100 very easy")
    fig.tight_layout()
    return fig


def plot_families(table: pd.DataFrame, *, value: str = "per_1000"):
    """Heatmap of a :func:`analysis.extract.word_families` table: rows (documents, speakers) × families."""
    rows = table.drop_duplicates([c for c in ("doc_id", "speaker") if c in table.columns])
    labels = dict(zip(rows.index, _row_labels(rows)))
    order = list(dict.fromkeys(labels.values()))
    keys = [c for c in ("doc_id", "speaker") if c in table.columns]
    label_of = {tuple(r[k] if isinstance(r[k], str) else None for k in keys): labels[i] for i, r in rows.iterrows()}
    t = table.assign(
        _g=[
            label_of[tuple(v if isinstance(v, str) else None for v in row)]
            for row in table[keys].itertuples(index=False)
        ]
    )
    matrix = t.pivot_table(index="_g", columns="family", values=value, sort=False).reindex(order)
    matrix.index.name = None
    matrix.columns.name = None
    title = "Word families per 1,000 words" if value == "per_1000" else f"Word families ({value})"
    return heatmap(matrix, title=title, cmap="Oranges", fmt="{:.1f}")


def plot_overlap(table: pd.DataFrame, *, measure: str = "jaccard"):
    """Heatmap of :func:`analysis.textstats.overlap` (``measure``: jaccard or cosine)."""
    from ..textstats.overlap import overlap_matrix  # imported here: analysis.textstats re-exports these figures

    return heatmap(
        overlap_matrix(table, measure=measure), title=f"Vocabulary overlap ({measure}, content lemmas)", fmt="{:.2f}"
    )
