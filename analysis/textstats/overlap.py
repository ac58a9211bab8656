"""Vocabulary overlap: Jaccard and cosine similarity of the groups' vocabularies (:func:`overlap`,
pivoted by :func:`overlap_matrix`), and how much of a reference text's vocabulary each document
uses (:func:`reference_overlap` of :func:`reference_tokens`, e.g. the Cluetrain theses). Both start
from the document-feature matrix (:func:`analysis.counts.count_matrix`) of case-folded words."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..counts import count_matrix
from .frequency import frequencies

__all__ = ["overlap", "overlap_matrix", "reference_overlap", "reference_tokens"]


def _pair_stats(X, Y):
    """Shared types, dot products (dense, rows of X × rows of Y), types and squared norms of X's rows."""
    BX, BY = X.copy(), Y.copy()
    BX.data[:] = 1
    BY.data[:] = 1
    shared = np.asarray((BX @ BY.T).toarray(), dtype=np.int64)
    dot = np.asarray((X @ Y.T).toarray(), dtype=float)
    n_types = np.diff(X.indptr).astype(np.int64)
    sq = np.asarray(X.multiply(X).sum(axis=1), dtype=float).ravel()
    return shared, dot, n_types, sq


def _similarities(shared, dot, n_a, n_b, sq_a, sq_b) -> tuple[np.ndarray, np.ndarray]:
    """``(jaccard, cosine)`` of pairs with ``shared`` types and count-vector dot product ``dot``:
    Jaccard NaN when neither side has a word, cosine NaN when one side has none."""
    union = n_a + n_b - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared / np.where(union > 0, union, 1), np.nan)
        cosine = dot / np.sqrt(sq_a * sq_b)
    return jaccard, cosine


def overlap(
    tokens: pd.DataFrame, *, by: str = "doc_id", feature: str = "lemma", content_only: bool = True
) -> pd.DataFrame:
    """Vocabulary overlap of every pair of groups (both orders and each group with itself):
    ``<by>_a, <by>_b, n_types_a, n_types_b, n_shared, jaccard, cosine``.

    Jaccard: shared distinct words / all distinct words of the pair. Cosine: of the two count
    vectors (raw frequencies). Words are case-folded ``feature`` values of content words unless
    ``content_only=False``.
    """
    dfm = count_matrix(tokens, by=by, feature=feature, content_only=content_only, casefold=True)
    groups = np.asarray(dfm.rows[by], dtype=object)
    shared, dot, n_types, sq = _pair_stats(dfm.matrix, dfm.matrix)
    g = len(groups)
    na = np.repeat(n_types, g)
    nb = np.tile(n_types, g)
    sh = shared.ravel()
    jaccard, cosine = _similarities(sh, dot.ravel(), na, nb, np.repeat(sq, g), np.tile(sq, g))
    return pd.DataFrame(
        {
            f"{by}_a": np.repeat(groups, g),
            f"{by}_b": np.tile(groups, g),
            "n_types_a": na.astype("int64"),
            "n_types_b": nb.astype("int64"),
            "n_shared": sh.astype("int64"),
            "jaccard": jaccard,
            "cosine": cosine,
        }
    )


def overlap_matrix(table: pd.DataFrame, *, measure: str = "jaccard") -> pd.DataFrame:
    """Pivot :func:`overlap` into a square matrix of ``measure`` (rows ``_a``, columns ``_b``)."""
    a, b = table.columns[0], table.columns[1]
    matrix = table.pivot(index=a, columns=b, values=measure)
    matrix.index.name = None
    matrix.columns.name = None
    return matrix


def reference_tokens(references: pd.DataFrame | str | os.PathLike[str], *, doc_id: str = "references") -> pd.DataFrame:
    """Token table of reference statements (:func:`analysis.corpus.references.load_references`, or
    the path of such a file), e.g. the Cluetrain theses: every statement is a paragraph of one
    document ``doc_id``."""
    from ..annotate.pipeline import annotate_text

    if not isinstance(references, pd.DataFrame):
        from ..corpus.references import load_references

        references = load_references(references)  # the one parser of reference files
    lines = references["statement"].tolist()
    text = "\n\n".join(lines)
    spans, pos = [], 0
    for line in lines:
        spans.append((pos, pos + len(line)))
        pos += len(line) + 2
    t = annotate_text(text, spans)
    t.insert(0, "doc_id", doc_id)
    return t.assign(kind="body", speaker=None, is_boilerplate=False)


def reference_overlap(
    tokens: pd.DataFrame, reference: pd.DataFrame, *, feature: str = "lemma", n: int = 10
) -> pd.DataFrame:
    """How much of a reference text's vocabulary each document uses: ``doc_id, n_types,
    n_reference_types, n_shared, jaccard, cosine, shared`` (``shared``: the most frequent shared
    content lemmas of the document, at most ``n``)."""
    docs = count_matrix(tokens, by="doc_id", feature=feature, casefold=True)
    ref = count_matrix(reference, by=None, feature=feature, casefold=True)
    shared, dot, n_types, sq = _pair_stats(docs.matrix, ref.reindex(docs.features))
    n_ref = int(ref.matrix.getnnz())
    sq_ref = float(ref.matrix.multiply(ref.matrix).sum())
    jaccard, cosine = _similarities(shared[:, 0], dot[:, 0], n_types, n_ref, sq, sq_ref)
    out = pd.DataFrame(
        {
            "doc_id": np.asarray(docs.rows["doc_id"], dtype=object),
            "n_types": n_types,
            "n_reference_types": n_ref,
            "n_shared": shared[:, 0],
            "jaccard": jaccard,
            "cosine": cosine,
        }
    )
    freqs = frequencies(tokens, by="doc_id", feature=feature)
    freqs = freqs[freqs[feature].str.casefold().isin(set(ref.features))]
    shared_words = freqs.groupby("doc_id")[feature].agg(lambda s: "; ".join(s.head(n)))
    out["shared"] = out["doc_id"].map(shared_words).fillna("")
    return out.sort_values("doc_id").reset_index(drop=True)
