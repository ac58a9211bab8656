"""What is in a corpus: sizes, structure (paragraph kinds, boilerplate share), speakers, quotes.

Each function takes the :class:`~analysis.corpus.Corpus` (and the token table where counts of
tokens are needed) and returns a new tidy DataFrame sorted by ``doc_id``;
:func:`analysis.plots.structure.plot_structure` draws the paragraph kinds per document.
"""

from __future__ import annotations

import pandas as pd

from ..corpus.load import Corpus
from ..corpus.structure import PARAGRAPH_KINDS

__all__ = ["document_summary", "kind_table", "quote_table", "speaker_table"]


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
    # tokens with a compound split, counted per document in one pass (not one comparison per document)
    compounds = (tokens["compound"] != "").groupby(tokens["doc_id"]).sum()
    docs["compounds"] = docs["doc_id"].map(compounds).fillna(0).astype(int)
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
