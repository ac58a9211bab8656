"""Figure of the documents section: the paragraph kinds of every document."""

from __future__ import annotations

import pandas as pd

from ..context import CAPS
from ..corpus.structure import BOILERPLATE_KINDS, PARAGRAPH_KINDS
from .core import PALETTE, style, wrap_label

__all__ = ["plot_structure"]


def plot_structure(corpus, *, max_documents: int = CAPS.structure_documents):
    """Stacked bars: words per paragraph kind in each document; boilerplate kinds hatched in pale
    colours. The legend, beside the bars, lists every kind (present or not) so figures of different
    corpora read the same way; each kind keeps its colour whatever else is present. At most
    ``max_documents`` bars (the documents with the most words)."""
    style()
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    words = corpus.paragraphs.groupby(["doc_id", "kind"], observed=True)["n_words"].sum().unstack(fill_value=0)
    kinds = list(PARAGRAPH_KINDS) + sorted(k for k in words.columns if k not in PARAGRAPH_KINDS)
    words = words.reindex(columns=kinds, fill_value=0).sort_index()
    n_docs = len(words)
    if n_docs > max_documents:  # one bar per document: 5,000 documents would be a 225,000-pixel figure
        total = words.sum(axis=1)
        keep = total.reset_index(name="w").sort_values(["w", "doc_id"], ascending=[False, True])["doc_id"]
        words = words.loc[sorted(keep.head(max_documents))]
    content = [k for k in kinds if k not in BOILERPLATE_KINDS]
    boiler = [k for k in kinds if k in BOILERPLATE_KINDS]
    pale = plt.get_cmap("Pastel2").colors + plt.get_cmap("Pastel1").colors
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(content)}
    colour.update({k: pale[i % len(pale)] for i, k in enumerate(boiler)})
    fig, ax = plt.subplots(figsize=(10, max(0.17 * len(kinds) + 0.6, 0.45 * len(words) + 1.2)))
    labels = [wrap_label(i, 34) for i in words.index]
    left = pd.Series(0.0, index=words.index)
    for kind in kinds:
        if words[kind].any():
            ax.barh(
                labels,
                words[kind],
                left=left,
                color=colour[kind],
                hatch="//" if kind in BOILERPLATE_KINDS else None,
                edgecolor="white" if kind not in BOILERPLATE_KINDS else "#777777",
                linewidth=0.3,
            )
            left += words[kind]
    ax.invert_yaxis()
    ax.set_xlabel("words")
    title = "Document structure: words per paragraph kind"
    if n_docs > len(words):
        title += f"\nthe {len(words)} longest documents; {n_docs - len(words):,} more in tables/documents.csv"
    ax.set_title(title)
    handles = [Patch(facecolor=colour[k], label=k) for k in content]
    handles += [Patch(facecolor=colour[k], hatch="//", edgecolor="#777777", label=f"{k} (boilerplate)") for k in boiler]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, ncol=1)
    fig.tight_layout()
    return fig
