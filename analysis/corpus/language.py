"""Which language is a text in? A function-word profile, enough to warn on non-German input.

The German analyses (lemmas, stop words, readability formulas, sentiment lexicon) are tuned for
German; :func:`detect_language` lets loaders and formulas warn when they get something else.
Function-word lists come from the ``stop-words`` package (BSD-3-Clause).
"""

from __future__ import annotations

from functools import lru_cache

import regex

__all__ = ["LANGUAGES", "detect_language", "language_of_counts", "profile_hits"]

LANGUAGES = {"de": "german", "en": "english", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch"}
_WORD_RE = regex.compile(r"\p{L}+")


@lru_cache(maxsize=1)
def _profiles() -> dict[str, frozenset[str]]:
    from stop_words import get_stop_words

    sets = {code: frozenset(w.casefold() for w in get_stop_words(name)) for code, name in LANGUAGES.items()}
    # keep only words that identify one language (drop "die", "in", "a" shared across lists)
    out = {}
    for code, words in sets.items():
        others = frozenset().union(*(s for c, s in sets.items() if c != code))
        out[code] = words - others
    return out


def detect_language(text: str, *, max_words: int = 5000) -> tuple[str, float]:
    """Return ``(code, share)``: the language whose distinctive function words cover the largest
    share of the first ``max_words`` words, or ``("unknown", share)`` below 5 % coverage."""
    words = [w.casefold() for w in _WORD_RE.findall(text[: max_words * 12])][:max_words]
    return language_of_counts(profile_hits(words), len(words))


def profile_hits(words: list[str]) -> list[int]:
    """How many of ``words`` (case-folded) are distinctive function words of each language, in
    the order of :data:`LANGUAGES`."""
    hits = [0] * len(LANGUAGES)
    language = _function_word_language()
    for w in words:
        k = language.get(w)
        if k is not None:
            hits[k] += 1
    return hits


@lru_cache(maxsize=1)
def _function_word_language() -> dict[str, int]:
    """Function word → the index (in the order of :data:`LANGUAGES`) of the one language whose
    distinctive words it is: the profiles share no word (:func:`_profiles` keeps only those)."""
    return {w: k for k, profile in enumerate(_profiles().values()) for w in profile}


def language_of_counts(hits: list[int], n_words: int) -> tuple[str, float]:
    """:func:`detect_language`'s decision from the counts of :func:`profile_hits` among
    ``n_words`` words: the language with the largest share, ``("unknown", share)`` below 5 %."""
    if not n_words:
        return "unknown", 0.0
    best, best_share = "unknown", 0.0
    for code, count in zip(_profiles(), hits):
        share = count / n_words
        if share > best_share:
            best, best_share = code, share
    if best_share < 0.05:
        return "unknown", round(best_share, 4)
    return best, round(best_share, 4)
