"""Which language is a text in? A function-word profile, enough to warn on non-German input.

The German analyses (lemmas, stop words, readability formulas, sentiment lexicon) are tuned for
German; :func:`detect_language` lets loaders and formulas warn when they get something else.
Function-word lists come from the ``stop-words`` package (BSD-3-Clause).
"""

from __future__ import annotations

from functools import lru_cache

import regex

__all__ = ["LANGUAGES", "detect_language"]

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
    if not words:
        return "unknown", 0.0
    best, best_share = "unknown", 0.0
    for code, profile in _profiles().items():
        share = sum(1 for w in words if w in profile) / len(words)
        if share > best_share:
            best, best_share = code, share
    if best_share < 0.05:
        return "unknown", round(best_share, 4)
    return best, round(best_share, 4)
