"""What is in a corpus: sizes, structure (paragraph kinds, boilerplate share), speakers, quotes.

Each function takes the :class:`~analysis.corpus.Corpus` (and the token table where counts of
tokens are needed) and returns a new tidy DataFrame sorted by ``doc_id``; ``plot_structure``
draws the paragraph kinds per document.
"""

from __future__ import annotations

import pandas as pd

from ..context import CAPS
from ..corpus.load import Corpus
from ..corpus.structure import BOILERPLATE_KINDS, PARAGRAPH_KINDS

__all__ = ["document_summary", "kind_table", "plot_structure", "quote_table", "speaker_table"]


def document_summary(corpus: Corpus, tokens: pd.DataFrame) -> pd.DataFrame:
    """One row per document: metadata, words/sentences/tokens in the analysed text, boilerplate share.

    ``tokens`` is the default (boilerplate-free) output of :func:`~analysis.annotate.annotate`.
    """
    docs = corpus.documents[["doc_id", "title", "genre", "year", "language"]].copy()
    paras = corpus.paragraphs
    words = paras.groupby(["doc_id", "is_boilerplate"])["n_words"].sum().unstack(fill_value=0)
    words = words.reindex(columns=[False, True], fill_value=0)
    docs["words_total"] = docs["doc_id"].map(words.sum(axis=1)).fillna(0).astype(int)
    docs["boilerplate_share"] = docs["doc_id"].map(words[True] / words.sum(axis=1).where(lambda s: s > 0)).fillna(0.0)
    by_doc = tokens.groupby("doc_id")
    docs["sentences"] = docs["doc_id"].map(by_doc["sent_id"].nunique()).fillna(0).astype(int)
    docs["tokens"] = docs["doc_id"].map(by_doc.size()).fillna(0).astype(int)
    docs["content_tokens"] = docs["doc_id"].map(by_doc["is_content"].sum()).fillna(0).astype(int)
    docs["compounds"] = (
        docs["doc_id"].map(by_doc["compound"].apply(lambda s: int((s != "").sum()))).fillna(0).astype(int)
    )
    docs["quotes"] = docs["doc_id"].map(corpus.quotes.groupby("doc_id").size()).fillna(0).astype(int)
    docs["boilerplate_share"] = docs["boilerplate_share"].round(3)
    return docs.sort_values("doc_id").reset_index(drop=True)


def kind_table(corpus: Corpus) -> pd.DataFrame:
    """Paragraph counts per document (rows) and kind (columns, in :data:`PARAGRAPH_KINDS` order)."""
    table = corpus.paragraphs.groupby(["doc_id", "kind"]).size().unstack(fill_value=0)
    cols = [k for k in PARAGRAPH_KINDS if k in table.columns]
    return table[cols].sort_index()


def speaker_table(corpus: Corpus) -> pd.DataFrame:
    """Paragraphs and words per document and speaker (only paragraphs with a speaker)."""
    paras = corpus.paragraphs.dropna(subset=["speaker"])
    if paras.empty:
        return pd.DataFrame(columns=["doc_id", "speaker", "paragraphs", "words", "questions", "answers"])
    out = (
        paras.groupby(["doc_id", "speaker"])
        .agg(
            paragraphs=("para_id", "size"),
            words=("n_words", "sum"),
            questions=("kind", lambda k: int((k == "question").sum())),
            answers=("kind", lambda k: int((k == "answer").sum())),
        )
        .reset_index()
    )
    return out.sort_values(["doc_id", "speaker"]).reset_index(drop=True)


def quote_table(corpus: Corpus, *, speech_only: bool = True, width: int = 70) -> pd.DataFrame:
    """Direct quotes with their speaker (where the text says who said it), text shortened to ``width``."""
    q = corpus.quotes
    if speech_only:
        q = q[q["quote_type"] == "speech"]
    out = q[["doc_id", "para_id", "speaker", "cue", "text"]].copy()
    out["text"] = out["text"].map(lambda t: t if len(t) <= width else t[: width - 1] + "…")
    return out.sort_values(["doc_id", "para_id"]).reset_index(drop=True)


def plot_structure(corpus: Corpus, *, max_documents: int = CAPS.structure_documents):
    """Stacked bars: words per paragraph kind in each document; boilerplate kinds hatched in pale
    colours. The legend, beside the bars, lists every kind (present or not) so figures of different
    corpora read the same way; each kind keeps its colour whatever else is present. At most
    ``max_documents`` bars (the documents with the most words)."""
    from .. import plots

    plots.style()
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
    colour = {k: plots.PALETTE[i % len(plots.PALETTE)] for i, k in enumerate(content)}
    colour.update({k: pale[i % len(pale)] for i, k in enumerate(boiler)})
    fig, ax = plt.subplots(figsize=(10, max(0.17 * len(kinds) + 0.6, 0.45 * len(words) + 1.2)))
    labels = [plots.wrap_label(i, 34) for i in words.index]
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
