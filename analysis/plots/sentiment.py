"""Figures of the sentiment section: they take the result tables of :mod:`analysis.sentiment`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .core import PALETTE, heatmap, style, wrap_label

__all__ = ["plot_documents", "plot_trajectory", "plot_themes"]


# ---------------------------------------------------------------- figures


def plot_documents(scores: pd.DataFrame, *, key: str = "doc_id", title: str = "Sentiment by document"):
    """Diverging bars per group (documents, speakers): the share of positive sentences to the right,
    of negative sentences to the left, with the counts and the :func:`tone_labels` tone beside them.
    (A mean score lies near 0 for any long text; the shares show what it hides.)"""
    import matplotlib.pyplot as plt

    style()
    d = scores.sort_values(["share_positive", key], ascending=[True, True], kind="stable") if len(scores) else scores
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.38 * len(d) + 1.2)))
    y = np.arange(len(d))
    if len(d):
        ax.barh(y, d["share_positive"], color=PALETTE[2], label="positive sentences")
        ax.barh(y, -d["share_negative"], color=PALETTE[3], label="negative sentences")
        for i, row in enumerate(d.itertuples(index=False)):
            note = f"{row.n_positive}+ / {row.n_negative}− of {row.n_sentences} · {row.tone}"
            ax.text(1.02, i, note, va="center", fontsize=7, color="#444", transform=ax.get_yaxis_transform())
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_yticks(y, [wrap_label(str(v)) for v in d[key]] if len(d) else [])
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("share of sentences (negative ← | → positive)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_trajectory(traj: pd.DataFrame, *, title: str = "Tone through each text"):
    """Small multiples: one panel per document, the smoothed sentence score against the relative
    position (0 = start, 1 = end), on one shared scale, with the neutral line."""
    import matplotlib.pyplot as plt

    style()
    groups = list(traj.groupby("doc_id", sort=True, observed=True)) if len(traj) else []
    n = max(1, len(groups))
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.95 * n + 1.1), sharex=True, sharey=True, squeeze=False)
    for i, (doc_id, d) in enumerate(groups):
        ax = axes[i, 0]
        ax.axhline(0, color="#999", linewidth=0.7)
        ax.plot(d["position"], d["smoothed"], color=PALETTE[i % len(PALETTE)], linewidth=1.4)
        ax.text(0.005, 0.96, wrap_label(doc_id), transform=ax.transAxes, fontsize=8, va="top")
        ax.tick_params(labelsize=7)
    if not groups:
        axes[0, 0].text(0.5, 0.5, "no sentences", ha="center", va="center", transform=axes[0, 0].transAxes)
    axes[-1, 0].set_xlabel("position in the text (0 = start, 1 = end)")
    fig.supylabel("sentence score (smoothed)", fontsize=9)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig


THEME_COLOUR_SPAN = 0.5  # the theme heatmap's colour scale is fixed at ±0.5: the same colour means the same score


def plot_themes(themes: pd.DataFrame, *, title: str = "How each text speaks of each theme", order: Sequence[str] = ()):
    """Heatmap documents × themes of the mean score of the sentences that mention the theme, each
    cell with its number of sentences; cells without a sentence are grey; a fixed colour scale
    (±:data:`THEME_COLOUR_SPAN`) so that one strong sentence does not set the scale. ``order``:
    the theme columns' order (default: the lexicon's order, then any other)."""
    if themes.empty:
        table = pd.DataFrame([[np.nan]], index=["(no theme mentions)"], columns=["-"])
        return heatmap(table, title=title, cmap="RdBu", center=0.0, colorbar_label="mean sentence score")
    if not order:
        from ..themes import load_themes

        order = list(load_themes())
    present = list(dict.fromkeys(themes["theme"].astype(str)))
    columns = [t for t in order if t in present] + sorted(t for t in present if t not in order)
    t = themes.assign(doc_id=themes["doc_id"].astype(str), theme=themes["theme"].astype(str))
    table = t.pivot(index="doc_id", columns="theme", values="score").reindex(columns=columns)
    counts = t.pivot(index="doc_id", columns="theme", values="n_sentences").reindex(columns=columns)
    text = table.map(lambda v: f"{v:+.2f}") + counts.map(lambda v: "" if pd.isna(v) else f"\nn={int(v)}")
    return heatmap(
        table,
        title=title,
        cmap="RdBu",
        annotations=text,
        vmin=-THEME_COLOUR_SPAN,
        vmax=THEME_COLOUR_SPAN,
        empty="–",
        colorbar_label="mean sentence score (n = sentences)",
    )
