"""Association measures of word pairs, computed for all pairs at once.

The measures and their formulas are NLTK's ``BigramAssocMeasures`` (Manning and Schütze 1999,
ch. 5; NLTK's ``nltk/metrics/association.py``): each takes the marginals of a pair's 2 × 2 contingency
table — ``n_ii`` (the pair), ``n_ix`` (the first word with anything), ``n_xi`` (anything with the second
word) and ``n_xx`` (all words) — as arrays, one element per pair, and returns one score per pair.
Every arithmetic step is done in NLTK's order and every logarithm and power with Python's floats, so each score equals
the one NLTK gives for the same marginals, bit for bit (``tests/textstats/test_association.py``
compares them); only the per-pair Python calls and NLTK's import (~0.7 s, with ``scipy.stats``) are gone.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["MEASURES", "association"]

_SMALL = 1e-20  # NLTK's guard against division by zero and log(0)


def _map(fn: Callable[[float], float], values: np.ndarray) -> np.ndarray:
    # logarithms and powers through Python's float functions (the C library's log, log2 and pow), not
    # numpy's: numpy's vectorised logarithms differ from them in the last bit for ~0.1 % of arguments
    # and numpy squares by multiplying, and the scores are to equal NLTK's
    return np.fromiter(map(fn, values.tolist()), dtype=float, count=len(values))


def _square(value: float) -> float:
    return value**2


def _sqrt(value: float) -> float:
    return value**0.5


def _contingency(n_ii, n_ix, n_xi, n_xx):
    n_oi = n_xi - n_ii
    n_io = n_ix - n_ii
    return n_ii, n_oi, n_io, n_xx - n_ii - n_oi - n_io


def _expected(cont):
    total = cont[0] + cont[1] + cont[2] + cont[3]
    return [(cont[i] + cont[i ^ 1]) * (cont[i] + cont[i ^ 2]) / total for i in range(4)]


def _likelihood_ratio(n_ii, n_ix, n_xi, n_xx):
    cont = _contingency(n_ii, n_ix, n_xi, n_xx)
    total = np.zeros(len(n_ii))
    for obs, exp in zip(cont, _expected(cont)):
        total = total + obs * _map(math.log, obs / (exp + _SMALL) + _SMALL)
    return 2 * total


def _chi_sq(n_ii, n_ix, n_xi, n_xx):
    a, b, c, d = _contingency(n_ii, n_ix, n_xi, n_xx)
    phi_sq = _map(_square, a * d - b * c) / ((a + b) * (a + c) * (b + d) * (c + d))
    return n_xx * phi_sq


def _pmi(n_ii, n_ix, n_xi, n_xx):
    return _map(math.log2, n_ii * n_xx) - _map(math.log2, (n_ix * n_xi).astype(float))


def _poisson_stirling(n_ii, n_ix, n_xi, n_xx):
    exp = n_ix * n_xi / n_xx
    return n_ii * (_map(math.log2, n_ii / exp) - 1)


def _student_t(n_ii, n_ix, n_xi, n_xx):
    return (n_ii - n_ix * n_xi / n_xx) / _map(_sqrt, n_ii + _SMALL)


def _jaccard(n_ii, n_ix, n_xi, n_xx):
    a, b, c, _ = _contingency(n_ii, n_ix, n_xi, n_xx)
    return a / (a + b + c)


def _dice(n_ii, n_ix, n_xi, n_xx):
    return 2 * n_ii / (n_ix + n_xi)


def _raw_freq(n_ii, n_ix, n_xi, n_xx):
    return n_ii / n_xx


MEASURES: dict[str, Callable[..., np.ndarray]] = {
    "likelihood_ratio": _likelihood_ratio,
    "pmi": _pmi,
    "chi_sq": _chi_sq,
    "dice": _dice,
    "jaccard": _jaccard,
    "poisson_stirling": _poisson_stirling,
    "raw_freq": _raw_freq,
    "student_t": _student_t,
}


def association(
    measure: str, n_ii: np.ndarray, n_ix: np.ndarray, n_xi: np.ndarray, n_xx: np.ndarray | int
) -> np.ndarray:
    """Score every pair with ``measure`` (a key of :data:`MEASURES`, named as NLTK's
    ``BigramAssocMeasures`` methods): ``n_ii`` the pair's count (a float: a collocation finder with a
    window of w words divides it by w − 1), ``n_ix``/``n_xi`` the counts of its first and second word,
    ``n_xx`` the number of words (integers, one element per pair or a scalar)."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}; not {measure!r}")
    n_ii = np.asarray(n_ii, dtype=float)
    n_ix = np.asarray(n_ix, dtype=np.int64)
    n_xi = np.asarray(n_xi, dtype=np.int64)
    n_xx = np.broadcast_to(np.asarray(n_xx, dtype=np.int64), n_ii.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(MEASURES[measure](n_ii, n_ix, n_xi, n_xx), dtype=float)
