"""Lexical diversity: TTR, MATTR (Covington & McFall 2010), MTLD (McCarthy & Jarvis 2010) and HD-D
(McCarthy & Jarvis 2007). The single measures (:func:`ttr`, :func:`mattr`, :func:`mtld`,
:func:`hdd`) take any sequence of words; :func:`diversity` computes all four per group of the token
table (``by`` as in :mod:`analysis.counts`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from ..annotate.pipeline import word_rows
from ..counts import By, by_columns, sort_rows, text_ordered

__all__ = ["diversity", "hdd", "mattr", "mtld", "ttr"]


def _groups(df: pd.DataFrame, by: list[str]) -> Iterator[tuple[tuple, pd.DataFrame]]:
    """``(key tuple, rows)`` per group, sorted; missing keys dropped; one group for ``by=[]``."""
    if not by:
        yield (), df
        return
    for key, group in df.groupby(by, sort=True, dropna=True):
        yield (key if isinstance(key, tuple) else (key,)), group


def ttr(words: Sequence[Hashable]) -> float:
    """Type-token ratio: distinct words / words."""
    return len(set(words)) / len(words) if len(words) else float("nan")


def mattr(words: Sequence[Hashable], *, window: int = 50) -> float:
    """Moving-average TTR (Covington & McFall 2010): the mean TTR of every window of ``window``
    consecutive words. NaN when the text is shorter than the window."""
    if window < 1:
        raise ValueError("window must be a positive integer")
    n = len(words)
    if n < window:
        return float("nan")
    counts = Counter(words[:window])
    total = len(counts)
    for i in range(window, n):
        out_w, in_w = words[i - window], words[i]
        counts[out_w] -= 1
        if counts[out_w] == 0:
            del counts[out_w]
        counts[in_w] += 1
        total += len(counts)
    return total / ((n - window + 1) * window)


def _mattr_codes(codes: np.ndarray, *, window: int = 50) -> float:
    """:func:`mattr` of a sequence of integer word codes, without a Python step per word: a word
    counts once in every window in which it is the first occurrence of its type, so the sum of the
    windows' type counts is, over the positions ``j``, the number of window starts ``s`` with
    ``max(previous occurrence + 1, j − window + 1, 0) <= s <= min(j, n − window)``. The sum is an
    exact integer, divided as in :func:`mattr`: the same float."""
    if window < 1:
        raise ValueError("window must be a positive integer")
    n = len(codes)
    if n < window:
        return float("nan")
    pos = np.arange(n, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    prev = np.full(n, -1, dtype=np.int64)
    same = codes[order][1:] == codes[order][:-1]
    prev[order[1:][same]] = order[:-1][same]
    lo = np.maximum(np.maximum(prev + 1, pos - window + 1), 0)
    hi = np.minimum(pos, n - window)
    total = int(np.clip(hi - lo + 1, 0, None).sum())
    return total / ((n - window + 1) * window)


def _casefold_codes(values: pd.Series) -> np.ndarray | None:
    """Integer codes of ``values`` case-folded (``str(value).casefold()``, computed once per
    distinct value; equal codes for equal folded forms), or ``None`` when a value is missing."""
    if values.isna().any():
        return None
    codes, uniques = pd.factorize(values)
    folded = np.array([str(u).casefold() for u in uniques], dtype=object)
    fcodes, _ = pd.factorize(folded)
    return fcodes[codes] if len(codes) else np.empty(0, dtype=np.int64)


def _mtld_pass(words: Iterable[Hashable], threshold: float) -> float:
    factors = 0.0
    seen: set = set()
    count = 0
    current = 1.0
    n = 0
    for w in words:
        n += 1
        count += 1
        seen.add(w)
        current = len(seen) / count
        if current <= threshold:
            factors += 1.0
            seen = set()
            count = 0
    if count:
        factors += (1.0 - current) / (1.0 - threshold)
    return n / factors if factors > 0 else float(n)


def mtld(words: Sequence[Hashable], *, threshold: float = 0.72) -> float:
    """Measure of textual lexical diversity (McCarthy & Jarvis 2010): the mean length of the
    stretches of text whose running TTR stays above ``threshold`` (a stretch ends when the TTR
    reaches it; the rest counts as a partial factor ``(1 − TTR) / (1 − threshold)``), averaged over
    a forward and a backward pass. A text whose TTR never falls (all words different) gets its
    length."""
    if not 0 < threshold < 1:
        raise ValueError("threshold must be between 0 and 1")
    if not len(words):
        return float("nan")
    return (_mtld_pass(words, threshold) + _mtld_pass(reversed(list(words)), threshold)) / 2


def hdd(words: Sequence[Hashable], *, draws: int = 42) -> float:
    """HD-D (McCarthy & Jarvis 2007): the expected TTR of a random sample of ``draws`` words,
    ``Σ_types (1 − P(type absent from the sample)) / draws`` with hypergeometric probabilities.
    NaN when the text has fewer than ``draws`` words."""
    n = len(words)
    if draws < 1:
        raise ValueError("draws must be a positive integer")
    if n < draws:
        return float("nan")
    log_total = math.lgamma(n + 1) - math.lgamma(n - draws + 1)
    out = 0.0
    share: dict[int, float] = {}  # per count: most types share a few small counts
    for k in Counter(words).values():
        term = share.get(k)
        if term is None:
            rest = n - k
            p_absent = (
                0.0 if rest < draws else math.exp(math.lgamma(rest + 1) - math.lgamma(rest - draws + 1) - log_total)
            )
            term = share[k] = (1.0 - p_absent) / draws
        out += term  # summed in the same order, the same terms: the same float
    return out


def diversity(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    feature: str = "norm",
    content_only: bool = False,
    window: int = 50,
    threshold: float = 0.72,
    draws: int = 42,
) -> pd.DataFrame:
    """Lexical diversity per group: ``*by, n_tokens, n_types, ttr, mattr, mtld, hdd``.

    The word sequence is every word token (``content_only=False``) as ``feature`` (``"norm"``:
    lower-cased forms, the usual choice; ``"lemma"`` folds inflection), in text order. ``window``
    is MATTR's window, ``threshold`` MTLD's factor threshold, ``draws`` HD-D's sample size; MATTR
    and HD-D are NaN for groups shorter than ``window`` / ``draws``. TTR falls with text length;
    compare texts by MATTR, MTLD or HD-D.
    """
    by = by_columns(by)
    columns = [*by, "doc_id", "token_id", feature]  # only these are copied and sorted
    words = text_ordered(word_rows(tokens, content_only=content_only, columns=columns))
    codes = _casefold_codes(words[feature])
    if codes is not None:  # every word as the integer code of its case-folded form
        words = words.assign(_word=codes)
    rows = []
    for key, group in _groups(words, by):
        if codes is not None:
            arr = group["_word"].to_numpy()
            seq, window_mean = arr.tolist(), _mattr_codes(arr, window=window)
        else:
            seq = group[feature].astype(str).str.casefold().tolist()
            window_mean = mattr(seq, window=window)
        rows.append(
            (
                *key,
                len(seq),
                len(set(seq)),
                ttr(seq),
                window_mean,
                mtld(seq, threshold=threshold),
                hdd(seq, draws=draws),
            )
        )
    out = pd.DataFrame(rows, columns=[*by, "n_tokens", "n_types", "ttr", "mattr", "mtld", "hdd"])
    out[["n_tokens", "n_types"]] = out[["n_tokens", "n_types"]].astype("int64")
    return sort_rows(out, by, [], [])
