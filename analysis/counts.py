"""One document-feature matrix (quanteda's ``dfm``) that the counting statistics start from, and the
``by`` convention every grouped statistic shares.

    >>> dfm = count_matrix(tokens, by="doc_id", feature="lemma")   # content words, lemma counts
    >>> dfm.matrix            # scipy.sparse CSR, documents × lemmas, int64 counts
    >>> dfm.rows["doc_id"]    # the row labels (sorted); dfm.features: the vocabulary
    >>> dfm.to_frame()        # long form: doc_id, lemma, n (the non-zero cells)

``by`` names the grouping columns of the token table: ``"doc_id"``, ``["doc_id", "speaker"]`` (the
speakers of dialogues and interviews), any token column (``kind``) or a metadata column joined by
:func:`analysis.textstats.keyness.tokens_with_groups`, or ``None`` for the whole corpus as one row.
Rows with a missing group value (paragraphs without a speaker) are left out.

Word frequencies (:func:`analysis.textstats.frequencies`), keyness (documents vs rest, speakers,
groups), vocabulary overlap and the overlap with reference statements are computed from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from .annotate.pipeline import word_rows

__all__ = [
    "WORD_TYPES",
    "By",
    "CountMatrix",
    "by_columns",
    "count_matrix",
    "distinct_sorted",
    "in_text_order",
    "text_ordered",
    "round_floats",
    "sort_rows",
]

By = str | Sequence[str] | None
WORD_TYPES = ("word", "hashtag")  # the token types that count as words


def in_text_order(df: pd.DataFrame) -> bool:
    """Whether the rows are already in ``doc_id, token_id`` order (ties allowed: a stable sort keeps
    them), so that a stable sort would leave every row where it is; checked on integer codes.
    ``False`` with a missing ``doc_id`` or a categorical ``doc_id`` whose categories are not in
    sorted order (a sort follows the categories' order there)."""
    if len(df) < 2:
        return True
    doc = df["doc_id"]
    if isinstance(doc.dtype, pd.CategoricalDtype):
        if not doc.cat.categories.is_monotonic_increasing:
            return False
        codes = doc.cat.codes.to_numpy()
    else:
        codes = pd.factorize(doc, sort=True)[0]
    if (codes < 0).any():
        return False
    step = np.diff(codes)
    if (step < 0).any():
        return False
    return bool((np.diff(df["token_id"].to_numpy())[step == 0] >= 0).all())


def text_ordered(df: pd.DataFrame) -> pd.DataFrame:
    """``df.sort_values(["doc_id", "token_id"], kind="mergesort")``, without sorting (and copying)
    rows that are in that order already, as annotated tokens are (:func:`in_text_order`)."""
    if in_text_order(df):
        return df
    return df.sort_values(["doc_id", "token_id"], kind="mergesort")


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: what ``np.unique(values)`` returns, by
    sorting a copy. (NumPy 2.3+ finds the distinct values of ``np.unique(values)`` without other
    outputs with a hash table: on a million distinct integer keys about 100 times slower.)"""
    ordered = np.sort(np.asarray(values), kind="stable")
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def by_columns(by: By) -> list[str]:
    """``by`` as a list of column names (``[]`` for ``None``)."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def sort_rows(df: pd.DataFrame, by: list[str], columns: list[str], ascending: list[bool]) -> pd.DataFrame:
    """``df`` sorted by the groups ``by`` (ascending), then by ``columns`` (stable)."""
    return df.sort_values([*by, *columns], ascending=[True] * len(by) + ascending, kind="mergesort").reset_index(
        drop=True
    )


def round_floats(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    """A copy of ``df`` with every float column rounded to ``digits`` decimals and a fresh 0…n−1
    index: how a section's result tables are finished (stable CSV and Parquet across platforms)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class CountMatrix:
    """Counts of ``feature`` values per group of ``by``: ``matrix`` (CSR, rows × features, int64),
    ``rows`` (one row per matrix row: the ``by`` columns, dtype as in the token table, sorted),
    ``features`` (the vocabulary, in column order)."""

    matrix: csr_matrix
    rows: pd.DataFrame
    features: pd.Index
    by: tuple[str, ...]
    feature: str

    def row_totals(self) -> np.ndarray:
        """Counted words per row (int64)."""
        return np.asarray(self.matrix.sum(axis=1), dtype=np.int64).ravel()

    def feature_totals(self) -> np.ndarray:
        """Occurrences of each feature over all rows (int64)."""
        return np.asarray(self.matrix.sum(axis=0), dtype=np.int64).ravel()

    def to_frame(self) -> pd.DataFrame:
        """The non-zero cells in long form: ``*by, <feature>, n``, by row, then column."""
        coo = self.matrix.tocoo()
        out = self.rows.iloc[coo.row].reset_index(drop=True)
        out[self.feature] = self.features[coo.col]
        out["n"] = coo.data.astype(np.int64)
        return out

    def reindex(self, features: pd.Index) -> csr_matrix:
        """The matrix with the columns ``features`` (another matrix's vocabulary, quanteda's
        ``dfm_match``): features it lacks count 0, features not in ``features`` are dropped."""
        position = pd.Index(features).get_indexer(self.features)
        keep = np.flatnonzero(position >= 0)
        coo = self.matrix[:, keep].tocoo()
        return csr_matrix(
            (coo.data, (coo.row, position[keep][coo.col])), shape=(self.matrix.shape[0], len(features)), dtype=np.int64
        )


def count_matrix(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    feature: str = "lemma",
    content_only: bool = True,
    casefold: bool = False,
) -> CountMatrix:
    """The document-feature matrix of a token table: how often each ``feature`` value (``"lemma"``,
    ``"norm"``, ``"token"``) occurs in each group of ``by``.

    Words are tokens of type word and hashtag; ``content_only`` keeps content words (no stop words,
    no negations). ``casefold`` counts ``Unternehmen`` and ``unternehmen`` as one feature (its
    case-folded form). Rows are the groups in sorted order (``by=None``: one row, the corpus);
    features are in order of first occurrence.
    """
    by = by_columns(by)
    words = word_rows(tokens, content_only=content_only, columns=[*by, feature])
    keep = words[[*by, feature]].notna().all(axis=1).to_numpy()
    if not keep.all():
        words = words[keep]
    if not by:
        row_codes = np.zeros(len(words), dtype=np.int64)
        rows = pd.DataFrame(index=range(1))
    elif len(by) == 1:
        row_codes, labels = pd.factorize(words[by[0]], sort=True)
        rows = pd.DataFrame({by[0]: labels})
    else:
        grouped = words.groupby(by, sort=True, dropna=True, observed=True)
        row_codes = grouped.ngroup().to_numpy()
        rows = grouped.size().index.to_frame(index=False)
    values = words[feature].astype(str).str.casefold() if casefold else words[feature]
    feature_codes, features = pd.factorize(values)
    matrix = csr_matrix(
        (np.ones(len(words), dtype=np.int64), (row_codes, feature_codes)),
        shape=(len(rows), len(features)),
        dtype=np.int64,
    )
    matrix.sum_duplicates()
    return CountMatrix(matrix, rows, pd.Index(features), tuple(by), feature)
