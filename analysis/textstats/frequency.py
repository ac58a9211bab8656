"""Word frequencies, n-grams and collocations per group (document, speaker, metadata group).

Every function takes the token table of :func:`analysis.annotate` and returns a new tidy
DataFrame, sorted and deterministic; ``by`` names the grouping columns (``"doc_id"``,
``["doc_id", "speaker"]`` for the speakers of dialogues and interviews, or ``None`` for the whole
corpus; rows with a missing group value, such as paragraphs without a speaker, are left out; see
:mod:`analysis.counts`). ``n`` is how many rows to keep per group.

* :func:`frequencies` — counts by lemma or word form, content words or all words, from the
  document-feature matrix (:func:`analysis.counts.count_matrix`);
* :func:`ngrams` — word n-grams within sentences;
* :func:`collocations` — association measures of word pairs within sentences (NLTK's, see
  :mod:`analysis.textstats.association`);
* :func:`per_document_and_speaker` — any per-group statistic per document and per speaker, stacked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..annotate.pipeline import word_rows
from ..counts import WORD_TYPES, By, by_columns, count_matrix, sort_rows, text_ordered
from .association import MEASURES, association

__all__ = ["collocations", "frequencies", "ngrams", "per_document_and_speaker"]


def _head(df: pd.DataFrame, by: list[str], n: int | None) -> pd.DataFrame:
    """The first ``n`` rows of each group of ``by`` (of the table for ``by=[]``; all for ``None``)."""
    if n is None:
        return df
    return (df.groupby(by, sort=False).head(n) if by else df.head(n)).reset_index(drop=True)


def frequencies(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    feature: str = "lemma",
    content_only: bool = True,
    min_count: int = 1,
    n: int | None = None,
) -> pd.DataFrame:
    """Word counts per group: ``*by, <feature>, n, per_1000, rank``.

    ``feature``: ``"lemma"``, ``"norm"`` (lower-cased form) or ``"token"`` (surface form). Words are
    tokens of type word and hashtag; ``content_only`` keeps content words (no stop words, no
    negations). ``per_1000``: occurrences per 1,000 counted words of the group. ``rank``: 1 = most
    frequent (ties share the smallest rank). Sorted by group, descending count, then word; ``n``
    keeps the ``n`` most frequent rows per group. The long form of
    :func:`analysis.counts.count_matrix`.
    """
    dfm = count_matrix(tokens, by=by, feature=feature, content_only=content_only)
    by = list(dfm.by)
    counts = dfm.to_frame()
    totals = np.repeat(dfm.row_totals(), np.diff(dfm.matrix.indptr))  # the row of each cell, in CSR order
    counts["per_1000"] = 1000.0 * counts["n"].to_numpy() / totals
    counts = counts[counts["n"] >= min_count]
    counts = sort_rows(counts, by, ["n", feature], [False, True])
    grouped = counts.groupby(by, sort=False)["n"] if by else counts["n"]
    counts["rank"] = grouped.rank(method="min", ascending=False).astype("int64")
    return _head(counts, by, n)[[*by, feature, "n", "per_1000", "rank"]]


def ngrams(
    tokens: pd.DataFrame,
    *,
    size: int = 2,
    by: By = "doc_id",
    feature: str = "lemma",
    content_only: bool = False,
    min_count: int = 1,
    n: int | None = None,
) -> pd.DataFrame:
    """Counts of word n-grams (``size`` consecutive words within a sentence; punctuation, URLs
    and numbers break a sequence): ``*by, ngram, n``. With ``content_only`` only n-grams made of
    content words are kept (``Soziale Medien`` yes, ``in den`` no). ``ngram`` joins the words with
    a space. Sorted by group, descending count, then n-gram; ``n`` keeps the ``n`` most frequent
    per group."""
    if size < 1:
        raise ValueError("size must be at least 1")
    by = by_columns(by)
    cols = [c for c in dict.fromkeys([*by, "doc_id", "sent_id", "token_id", "token_type", "is_content", feature])]
    t = text_ordered(tokens[cols]).reset_index(drop=True)
    is_word = t["token_type"].isin(WORD_TYPES).to_numpy()
    ok = (is_word & t["is_content"].to_numpy(dtype=bool)) if content_only else is_word
    rows = len(t)
    m = max(rows - size + 1, 0)
    # start positions of valid n-grams, all arrays at once: every word ok, one document, one
    # sentence, one group (rows with a missing group value never count)
    valid = np.ones(m, dtype=bool)
    docs = pd.factorize(t["doc_id"])[0]
    sents = t["sent_id"].to_numpy()
    group = t.groupby(by, sort=False, dropna=True).ngroup().to_numpy() if by else np.zeros(rows, dtype=np.int64)
    for x in range(size):
        valid &= ok[x : x + m]
    last = size - 1
    valid &= (docs[:m] == docs[last : last + m]) & (sents[:m] == sents[last : last + m])
    valid &= (group[:m] == group[last : last + m]) & (group[:m] >= 0)
    starts = np.flatnonzero(valid)
    del valid, docs, sents
    # each n-gram as a row of integer codes (group, word 1, …, word n), counted by sorting; its
    # string is joined once per distinct n-gram (a missing word makes the n-gram missing, as str.cat)
    codes, uniques = pd.factorize(t[feature].astype(str))
    uniques = np.asarray(uniques, dtype=object)
    first, counts = _distinct_rows(group[starts], *(codes[starts + x] for x in range(size)))
    rep = starts[first]  # one start of each distinct n-gram (its row gives the group's values)
    del first
    words = np.append(uniques, np.asarray([np.nan], dtype=object))  # code -1: the missing value
    grams = pd.Series(words[codes[rep]], dtype=object)
    if size > 1:
        grams = grams.str.cat([pd.Series(words[codes[rep + x]], dtype=object) for x in range(1, size)], sep=" ")
    found = t.loc[rep, by].reset_index(drop=True) if by else pd.DataFrame(index=range(len(rep)))
    found["ngram"] = grams.to_numpy(dtype=object)
    found["_n"] = counts
    # distinct code rows are distinct n-grams unless a word holds a space: summed per string
    out = found.groupby([*by, "ngram"], sort=False, dropna=False)["_n"].sum().rename("n").reset_index()
    out["n"] = out["n"].astype("int64")
    return _head(sort_rows(out[out["n"] >= min_count], by, ["n", "ngram"], [False, True]), by, n)


def collocations(
    tokens: pd.DataFrame,
    *,
    node: str | None = None,
    measure: str = "likelihood_ratio",
    window: int = 2,
    min_count: int = 2,
    feature: str = "lemma",
    content_only: bool = True,
    by: By = None,
    n: int | None = None,
) -> pd.DataFrame:
    """Word pairs that occur together more than chance: ``*by, word_1, word_2, n, measure, score``.

    Pairs are counted within sentences, ``word_2`` at most ``window − 1`` words after ``word_1``
    (stop words removed first when ``content_only``). Scores are NLTK's
    ``BigramAssocMeasures.<measure>`` (likelihood_ratio — Dunning's G², pmi, chi_sq, dice, jaccard,
    poisson_stirling, raw_freq, student_t). ``node`` keeps the pairs that contain that word
    (case-insensitive). Pairs seen fewer than ``min_count`` times are dropped. Sorted by group,
    descending score, then the words; ``n`` keeps the ``n`` best pairs per group.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}; not {measure!r}")
    if window < 2:
        raise ValueError("window must be at least 2")
    by = by_columns(by)
    columns = [*by, "doc_id", "sent_id", "token_id", feature]
    words = word_rows(tokens, content_only=content_only, columns=columns)
    words = text_ordered(words).reset_index(drop=True)
    node_key = node.casefold() if node else None
    group = words.groupby(by, sort=True, dropna=True).ngroup().to_numpy() if by else np.zeros(len(words), dtype=int)
    keys = words.groupby(by, sort=True, dropna=True).size().index if by else [()]
    # words as integer codes (a missing value: -1, never counted); strings only per distinct word
    codes, uniques = pd.factorize(words[feature].astype(str))
    uniques = np.asarray(uniques, dtype=object)
    docs = pd.factorize(words["doc_id"])[0]
    sents = words["sent_id"].to_numpy()
    del words
    # word pairs within a sentence, w2 at most window − 1 words after w1, all at once
    firsts, seconds = [], []
    for d in range(1, window):
        m = max(len(codes) - d, 0)
        same = (docs[:m] == docs[d:]) & (sents[:m] == sents[d:]) & (group[:m] == group[d:]) & (group[:m] >= 0)
        idx = np.flatnonzero(same)
        firsts.append(idx)
        seconds.append(idx + d)
    first = np.concatenate(firsts) if firsts else np.empty(0, dtype=int)
    second = np.concatenate(seconds) if seconds else np.empty(0, dtype=int)
    del firsts, seconds, docs, sents
    counted = (group >= 0) & (codes >= 0)
    w_group, w_code, w_n = _count_codes(group[counted], codes[counted])
    p_group, p_first, p_second = group[first], codes[first], codes[second]
    del first, second
    pair_ok = (p_first >= 0) & (p_second >= 0)
    p_group, p_first, p_second, p_n = _count_codes(p_group[pair_ok], p_first[pair_ok], p_second[pair_ok])
    # pairs below min_count are dropped (NLTK's apply_freq_filter: a pair's score depends only on its
    # own count, the counts of its two words and their total, never on the other pairs)
    frequent = p_n >= min_count
    p_group, p_first, p_second, p_n = p_group[frequent], p_first[frequent], p_second[frequent], p_n[frequent]
    if node_key:
        folded = np.array([w.casefold() == node_key for w in uniques.tolist()], dtype=bool)
        has_node = folded[p_first] | folded[p_second]
        p_group, p_first, p_second, p_n = p_group[has_node], p_first[has_node], p_second[has_node], p_n[has_node]
    # the marginals of each pair within its group, as NLTK's BigramCollocationFinder sets them: the
    # pair's count divided by window − 1 (Church and Hanks 1990), each word's count, all words
    w_key = w_group * len(uniques) + w_code  # sorted, as _count_codes sorts by group, then code
    n_first = w_n[np.searchsorted(w_key, p_group * len(uniques) + p_first)]
    n_second = w_n[np.searchsorted(w_key, p_group * len(uniques) + p_second)]
    group_total = np.bincount(w_group, weights=w_n, minlength=len(keys)).astype(np.int64)
    score = association(measure, p_n / (window - 1.0), n_first, n_second, group_total[p_group])
    key_rows = [key if isinstance(key, tuple) else (key,) for key in keys]
    out = pd.DataFrame({col: [key_rows[g][i] for g in p_group.tolist()] for i, col in enumerate(by)})
    out["word_1"] = uniques[p_first]
    out["word_2"] = uniques[p_second]
    out["n"] = p_n.astype("int64")
    out["measure"] = measure
    out["score"] = score
    return _head(sort_rows(out, by, ["score", "word_1", "word_2"], [False, True, True]), by, n)


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of equally long integer arrays, sorted (first array first): where each
    first occurs in the input and how often it occurs. Sorts the rows (no hashing of Python tuples)."""
    columns = tuple(np.asarray(c, dtype=np.int64) for c in columns)
    order = np.lexsort(columns[::-1])  # stable: equal rows keep their input order
    change = np.zeros(len(order), dtype=bool)
    if len(order):
        change[0] = True
        for c in columns:
            ordered = c[order]
            change[1:] |= ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, len(order))).astype(np.int64)
    return order[starts], counts


def _count_codes(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of equally long integer arrays, sorted (first array first), and how often
    each occurs: ``(*distinct columns, counts)``."""
    first, counts = _distinct_rows(*columns)
    return (*(np.asarray(c, dtype=np.int64)[first] for c in columns), counts)


def per_document_and_speaker(func, tokens: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """``func(tokens, by=...)`` per document (``speaker`` empty) and per document × speaker, stacked:
    each document's row followed by its speakers' rows. ``func`` is e.g.
    :func:`analysis.textstats.diversity`, :func:`analysis.extract.word_families` or
    :func:`analysis.textstats.readability`."""
    docs = func(tokens, by="doc_id", **kwargs)
    docs.insert(1, "speaker", None)
    speakers = (
        func(tokens[tokens["speaker"].notna()], by=["doc_id", "speaker"], **kwargs)
        if tokens["speaker"].notna().any()
        else None
    )
    frames = [docs] if speakers is None or speakers.empty else [docs, speakers]
    out = pd.concat(frames, ignore_index=True)
    out["speaker"] = out["speaker"].astype(object).where(out["speaker"].notna(), None)
    return (
        out.assign(_s=out["speaker"].fillna(""))
        .sort_values(["doc_id", "_s"], kind="mergesort")
        .drop(columns="_s")
        .reset_index(drop=True)
    )
