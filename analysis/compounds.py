"""German compound splitting: ``Dialogmarketing`` → ``Dialog + Marketing``.

A frequency-based splitter in the manner of Koehn & Knight (2003, "Empirical methods for compound
splitting"): a closed compound is split where the geometric mean of the parts' corpus frequencies
is higher than the frequency of the whole word, allowing the German linking elements (Fugen)
-s-, -es-, -n-, -en-, -er-, -e-, -ns-. Frequencies are wordfreq's German list (CC BY-SA 4.0 data,
shipped in the package). Hyphenated compounds (``Social-Media-Team``) split at the hyphens first,
each piece then split again. Parts that are function words (``unter``, ``über``) are not accepted,
so ``Unternehmen`` stays whole.

The last part is the *head* (``Marketing`` in ``Online-Marketing``), the others are *modifiers*;
the head is lemmatised (``Dialogmarketingtrends`` → head ``Trend``).
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["compound_parts", "split_compound"]

_LINKS = ("", "s", "es", "n", "en", "er", "e", "ns")
_MIN_PART = 3
_MIN_WORD = 7


@lru_cache(maxsize=1)
def _zipf() -> dict[str, float]:
    import wordfreq

    freqs = wordfreq.get_frequency_dict("de", wordlist="best")
    return {w: math.log10(f * 1e9) for w, f in freqs.items() if f > 0 and w.isalpha()}


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from stop_words import get_stop_words

    return frozenset(w.casefold() for w in get_stop_words("german"))


# derivational suffixes and inflection endings that are also (rare or foreign) words in the list
_NOT_PARTS = frozenset(
    "heit keit ung ungen schaft schaften nis nisse tum lich ling chen lein ten men ern tion "
    "tionen ität ismus isch ende enden ter tern ler lern ner nern rung gen ens erin erinnen "
    # bound Greek/Latin prefixes: Monolog, Interaktion, Manifest are not compounds of free words
    "mono inter multi mani poly hyper trans anti meta para".split()
)
_VOWELS = frozenset("aeiouäöüy")
# a split must beat the whole word's Zipf frequency by this much: frequent, lexicalised words
# (Geschäftsführer, Manifest) stay whole, rare compounds (Kundenbindung) are split
_MARGIN = 0.5


@lru_cache(maxsize=100_000)
def _known_head(part: str) -> bool:
    """A head must be a German word simplemma knows (rules out names such as ``Erin``)."""
    import simplemma

    return simplemma.is_known(part[:1].upper() + part[1:], lang="de") or simplemma.is_known(part, lang="de")


def _part_ok(part: str, zipf: dict[str, float]) -> float | None:
    """Zipf frequency of an acceptable part, else None."""
    if len(part) < _MIN_PART or part in _function_words() or part in _NOT_PARTS or not _VOWELS & set(part):
        return None
    z = zipf.get(part)
    if z is None:
        return None
    threshold = 4.2 if len(part) == 3 else 3.0 if len(part) == 4 else 2.5
    return z if z >= threshold else None


@lru_cache(maxsize=200_000)
def _split_closed(word: str) -> tuple[str, ...]:
    """Split one lower-case closed compound (no hyphens) into surface parts (linking -s- dropped)."""
    zipf = _zipf()
    if len(word) < _MIN_WORD or not word.isalpha():
        return (word,)
    whole = zipf.get(word, 0.0)
    best: tuple[float, tuple[str, ...]] | None = None
    for i in range(_MIN_PART, len(word) - _MIN_PART + 1):
        left, right = word[:i], word[i:]
        z_right = _part_ok(right, zipf)
        if z_right is None or not _known_head(right):
            continue
        for link in _LINKS:
            if link and not left.endswith(link):
                continue
            base = left[: len(left) - len(link)] if link else left
            z_left = _part_ok(base, zipf)
            if z_left is not None:
                left_parts: tuple[str, ...] = (base,)
            elif len(base) >= _MIN_WORD and (sub := _split_closed(base)) != (base,):
                left_parts = sub
                z_left = sum(zipf.get(p, 0.0) for p in sub) / len(sub)
            else:
                continue
            score = (z_left + z_right) / 2
            if best is None or score > best[0]:
                best = (score, (*left_parts, right))
    if best is None or best[0] <= whole + _MARGIN:
        return (word,)
    parts = best[1]
    # the head may itself be a compound (Marketing|kosten|rechnung)
    head = _split_closed(parts[-1]) if len(parts[-1]) >= _MIN_WORD else (parts[-1],)
    return (*(_strip_link(p, zipf) for p in parts[:-1]), *head)


def _strip_link(part: str, zipf: dict[str, float]) -> str:
    """``leistungs`` → ``leistung``: drop a linking element left on a modifier by recursion."""
    for link in ("s", "es"):
        base = part[: -len(link)]
        if part.endswith(link) and len(base) >= _MIN_PART and zipf.get(base, 0.0) > zipf.get(part, 0.0):
            return base
    return part


def _restore_case(part: str, original: str, *, is_head: bool) -> str:
    if original[:1].isupper() or is_head:
        return part[:1].upper() + part[1:]
    return part


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a German compound, or ``()`` when ``word`` is not one.

    >>> split_compound("Dialogmarketing")
    ('Dialog', 'Marketing')
    >>> split_compound("Social-Media-Team")
    ('Social', 'Media', 'Team')
    """
    w = word.lstrip("#")
    if ":" in w or "*" in w or "_" in w:  # gender forms: Mitarbeiter:innen
        w = w.split(":")[0].split("*")[0].split("_")[0]
    pieces = [p for p in w.split("-") if p]
    if not pieces:
        return ()
    parts: list[str] = []
    for k, piece in enumerate(pieces):
        sub = _split_closed(piece.casefold()) if piece.isalpha() else (piece.casefold(),)
        if len(sub) == 1:
            parts.append(piece)
        else:
            last = k == len(pieces) - 1
            for j, s in enumerate(sub):
                parts.append(_restore_case(s, piece if j == 0 else "X", is_head=last and j == len(sub) - 1))
    if len(parts) < 2:
        return ()
    return tuple(parts)


def compound_parts(word: str, lemmatize) -> tuple[str, str, str]:
    """``(parts, head, modifier)`` strings for the token table; empty strings for non-compounds.

    ``parts`` joins the parts with ``|``; ``head`` is the lemmatised last part; ``modifier`` the
    first part.
    """
    parts = split_compound(word)
    if not parts:
        return "", "", ""
    head = lemmatize(parts[-1][:1].upper() + parts[-1][1:])
    return "|".join(parts[:-1] + (head,)), head, parts[0]
