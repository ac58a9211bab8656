"""German readability: Flesch-Amstad reading ease and the first Wiener Sachtextformel.

* **Flesch-Amstad** (Amstad 1978, the German adaptation of Flesch 1948):
  ``FRE = 180 − ASL − 58.5 × ASW`` with ASL = words per sentence and ASW = syllables per word.
  0–30 very hard (academic), 60–70 plain, 80–100 easy.
* **Wiener Sachtextformel, first variant** (Bamberger & Vanecek 1984, for prose / non-fiction):
  ``WSTF1 = 0.1935 × MS + 0.1672 × SL + 0.1297 × IW − 0.0327 × ES − 0.875`` with MS = % words of
  three or more syllables, SL = words per sentence, IW = % words with more than six letters,
  ES = % one-syllable words. Roughly a school grade: 4 very easy … 15 very hard.

Words are the tokens of type ``word`` and ``hashtag`` (numbers, URLs, e-mails and emoji are not
words here); sentences are the annotator's sentences (``sent_id``) that contain at least one word;
titles, headings and speaker labels are left out by default (they are not sentences).

Syllables: :func:`count_syllables` counts German vowel groups (``ei``, ``ie``, ``au``, ``eu``,
``äu``, ``ai``, ``ey``, ``ay``, ``oi``, ``ou``, ``eau`` and double vowels are one syllable; the
``u`` of ``qu`` is not a vowel), word-final ``-ien`` after another vowel is two syllables (``Me-di-en``), and a small exception
list covers English loanwords and a few Latinate words (``resources/syllables_de.txt``). ``syllables="pyphen"`` instead counts the
hyphenation points of the LibreOffice German dictionary shipped with ``pyphen`` plus one — what
``textstat`` does; hyphenation never splits off a single letter, so it under-counts (``Abend``,
``Idee``, ``Oper``). The formulas are German: a text that does not look German gets a warning and
its ``language`` column says what it looks like.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import regex

from ..corpus.language import _WORD_RE, language_of_counts, profile_hits
from ..lang import read_rows

__all__ = ["count_syllables", "flesch_amstad", "readability", "syllable_exceptions", "wiener_sachtextformel"]

_VOWELS = frozenset("aeiouäöüyéèêàâáóôíîú")
# vowel sequences that are one syllable, longest first
_NUCLEI = ("eau", "äu", "eu", "au", "ai", "ei", "ey", "ay", "ie", "oi", "ou", "aa", "ee", "oo")
_LETTERS = regex.compile(r"\p{L}+")
_EXCLUDED_KINDS = ("title", "heading", "speaker_label")


@lru_cache(maxsize=1)
def syllable_exceptions() -> dict[str, int]:
    """Words whose syllables the vowel-group rules miscount (``resources/syllables_de.txt``)."""
    return {word.strip(): int(n) for word, n in read_rows("syllables_de.txt")}


@lru_cache(maxsize=1)
def _longest_exception() -> int:
    return max(map(len, syllable_exceptions()), default=0)


# a syllable nucleus where the scan of _rule_count_simple finds one: at each vowel the first of the
# nuclei (longest first) that starts there, else the vowel alone; the "u" of "qu" starts none
_NUCLEUS = regex.compile(
    "|".join(regex.escape(n) for n in _NUCLEI) + "|(?<!q)u|[" + "".join(sorted(_VOWELS - {"u"})) + "]"
)


def _rule_count(word: str) -> int:
    count = len(_NUCLEUS.findall(word))
    # Latinate plurals in -ien are -i-en (Me-di-en, Stu-di-en, Ka-te-go-ri-en), unlike schien, Wien
    if word.endswith("ien") and len(word) > 3 and word[-4] not in _VOWELS and count >= 2:
        count += 1
    return count


def _rule_count_simple(word: str) -> int:
    """:func:`_rule_count` character by character (the reference the tests compare it with)."""
    count = 0
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        if ch not in _VOWELS or (ch == "u" and i > 0 and word[i - 1] == "q"):
            i += 1
            continue
        for nucleus in _NUCLEI:
            if word.startswith(nucleus, i):
                i += len(nucleus)
                break
        else:
            i += 1
        count += 1
    # Latinate plurals in -ien are -i-en (Me-di-en, Stu-di-en, Ka-te-go-ri-en), unlike schien, Wien
    if word.endswith("ien") and len(word) > 3 and word[-4] not in _VOWELS and count >= 2:
        count += 1
    return count


@lru_cache(maxsize=1)
def _exception_words() -> tuple[str, ...]:
    return tuple(syllable_exceptions())


def _piece_count(piece: str, exceptions: dict[str, int]) -> int:
    if piece in exceptions:
        return exceptions[piece]
    words = _exception_words()
    if not (piece.startswith(words) or piece.endswith(words)):  # no exception at either end: the rules
        return _rule_count(piece)
    # an exception word at the start or end of a closed compound (Onlinekampagne, Firmenwebsite);
    # a head or tail longer than the longest exception is none
    for size in range(min(len(piece) - 3, _longest_exception()), 4, -1):
        head, tail = piece[:size], piece[size:]
        if head in exceptions:
            return exceptions[head] + _rule_count(tail)
        head, tail = piece[:-size], piece[-size:]
        if tail in exceptions:
            return _rule_count(head) + exceptions[tail]
    return _rule_count(piece)


@lru_cache(maxsize=200_000)
def count_syllables(word: str) -> int:
    """Number of syllables of a German word (at least 1 for a word with letters, 0 without).

    >>> count_syllables("Gesprächspartner"), count_syllables("Online-Marketing")
    (4, 5)
    """
    pieces = [p.casefold() for p in _LETTERS.findall(word)]
    if not pieces:
        return 0
    exceptions = syllable_exceptions()
    return sum(max(1, _piece_count(p, exceptions)) for p in pieces)


@lru_cache(maxsize=1)
def _pyphen():
    import pyphen

    return pyphen.Pyphen(lang="de")


@lru_cache(maxsize=200_000)
def _pyphen_count(word: str) -> int:
    return len(_pyphen().positions(word.lower())) + 1


def flesch_amstad(words_per_sentence: float, syllables_per_word: float) -> float:
    """Amstad's German Flesch reading ease: ``180 − ASL − 58.5 × ASW``."""
    return 180.0 - words_per_sentence - 58.5 * syllables_per_word


def wiener_sachtextformel(
    pct_polysyllabic: float, words_per_sentence: float, pct_long: float, pct_monosyllabic: float
) -> float:
    """First Wiener Sachtextformel: ``0.1935 MS + 0.1672 SL + 0.1297 IW − 0.0327 ES − 0.875``
    (percentages as 0–100)."""
    return (
        0.1935 * pct_polysyllabic + 0.1672 * words_per_sentence + 0.1297 * pct_long - 0.0327 * pct_monosyllabic - 0.875
    )


def readability(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] = "doc_id",
    syllables: Literal["rules", "pyphen"] = "rules",
    exclude_kinds: Sequence[str] = _EXCLUDED_KINDS,
    warn: bool = True,
) -> pd.DataFrame:
    """Readability per group of ``tokens`` (``by="doc_id"``, or ``["doc_id", "speaker"]``).

    Returns ``*by, n_sentences, n_words, n_syllables, words_per_sentence, syllables_per_word,
    pct_polysyllabic, pct_long, pct_monosyllabic, flesch_amstad, wstf1, language``, one row per
    group with at least one word, sorted by ``by``. Groups with a missing ``by`` value (paragraphs
    without a speaker) are left out. Paragraphs of the ``exclude_kinds`` are left out when the
    token table has a ``kind`` column. ``language`` is :func:`analysis.language.detect_language`
    of the group's words; with ``warn=True`` a non-German group raises a ``UserWarning``.
    """
    by = [by] if isinstance(by, str) else list(by)
    mask = tokens["token_type"].isin(("word", "hashtag")).to_numpy()
    if "kind" in tokens.columns and exclude_kinds:
        mask = mask & ~tokens["kind"].isin(tuple(exclude_kinds)).to_numpy()
    needed = [*by, "doc_id", "sent_id", "token"]
    words = tokens.loc[mask, [c for c in dict.fromkeys(needed) if c in tokens.columns]]
    counter = count_syllables if syllables == "rules" else _pyphen_count
    if syllables not in ("rules", "pyphen"):
        raise ValueError(f"syllables must be 'rules' or 'pyphen', not {syllables!r}")
    columns = [
        *by,
        "n_sentences",
        "n_words",
        "n_syllables",
        "words_per_sentence",
        "syllables_per_word",
        "pct_polysyllabic",
        "pct_long",
        "pct_monosyllabic",
        "flesch_amstad",
        "wstf1",
        "language",
    ]
    # per distinct surface form: syllables and letters (the per-word work), then sums per group
    surface = words["token"].astype(str).str.lstrip("#")
    codes, forms = pd.factorize(surface)
    form_values = forms.tolist()
    if syllables == "rules":  # syllables and the language test's words from one pass over each form
        features = [_form_features(w) for w in form_values]
        syl_u = np.array([f[0] for f in features], dtype=np.int64)
        found = (np.array([f[1] for f in features], dtype=np.int64), [f[2] for f in features])
        del features
    else:
        syl_u = np.array([counter(w) for w in form_values], dtype=np.int64)
        found = None
    let_u = np.array([sum(map(str.isalpha, w)) for w in form_values], dtype=np.int64)
    syl, letters = syl_u[codes], let_u[codes]
    form_list = np.asarray(forms, dtype=object)
    w = pd.DataFrame(
        {
            "_syl": syl,
            "_poly": syl >= 3,
            "_mono": syl == 1,
            "_long": letters > 6,
            "_form": codes,
        },
        index=words.index,
    )
    for c in by:
        w[c] = words[c]
    w = w.dropna(subset=by)
    if "doc_id" in words and "sent_id" in words:
        sent_key = ["doc_id", "sent_id"]
    else:
        sent_key = ["sent_id"]
    for c in sent_key:
        if c not in w:
            w[c] = words[c]
    g = w.groupby(by, sort=True)
    stats = g.agg(
        n_words=("_syl", "size"),
        n_syllables=("_syl", "sum"),
        n_poly=("_poly", "sum"),
        n_mono=("_mono", "sum"),
        n_long=("_long", "sum"),
    )
    n_sent = w.drop_duplicates([*dict.fromkeys([*by, *sent_key])]).groupby(by, sort=True).size()
    languages = _group_languages(form_list, w["_form"].to_numpy(), g.ngroup().to_numpy(), len(stats), found=found)
    rows = []
    for key, st, ns, lang in zip(stats.index, stats.itertuples(index=False), n_sent.reindex(stats.index), languages):
        key = key if isinstance(key, tuple) else (key,)
        n_words = int(st.n_words)
        asl = n_words / ns
        asw = int(st.n_syllables) / n_words
        ms = 100.0 * int(st.n_poly) / n_words
        es = 100.0 * int(st.n_mono) / n_words
        iw = 100.0 * int(st.n_long) / n_words
        if warn and lang != "de":
            label = " / ".join(str(k) for k in key)
            warnings.warn(
                f"{label}: looks {'like ' + lang if lang != 'unknown' else 'not German'}; "
                "Flesch-Amstad and the Wiener Sachtextformel are German formulas",
                UserWarning,
                stacklevel=2,
            )
        rows.append(
            (
                *key,
                int(ns),
                n_words,
                int(st.n_syllables),
                asl,
                asw,
                ms,
                iw,
                es,
                flesch_amstad(asl, asw),
                wiener_sachtextformel(ms, asl, iw, es),
                lang,
            )
        )
    out = pd.DataFrame(rows, columns=columns)
    for c in ("n_sentences", "n_words", "n_syllables"):
        out[c] = out[c].astype("int64")
    return out.sort_values(by, kind="mergesort").reset_index(drop=True)


def _form_features(form: str) -> tuple[int, int, tuple[int, ...]]:
    """``(count_syllables(form), words, function-word hits per language)`` of a word form, its
    letter runs found once for both (:func:`count_syllables` and :func:`_form_hits`)."""
    pieces = [p.casefold() for p in _LETTERS.findall(form)]
    exceptions = syllable_exceptions()
    syllables = sum(max(1, _piece_count(p, exceptions)) for p in pieces) if pieces else 0
    return syllables, len(pieces), _hits(pieces)


def _form_words(form: str) -> list[str]:
    """The words of ``form`` as :func:`analysis.corpus.detect_language` reads them (case-folded)."""
    return [w.casefold() for w in _WORD_RE.findall(form)]


@lru_cache(maxsize=200_000)
def _form_hits(form: str) -> tuple[int, tuple[int, ...]]:
    """How many words ``form`` has and how many of them are function words of each language."""
    words = _form_words(form)
    return len(words), _hits(words)


def _hits(words: list[str]) -> tuple[int, ...]:
    """How many of ``words`` (case-folded) are function words of each language (:func:`profile_hits`)."""
    return tuple(profile_hits(words))


def _group_languages(
    forms: np.ndarray,
    codes: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    *,
    max_words: int = 5000,
    found: tuple[np.ndarray, list[tuple[int, ...]]] | None = None,
) -> list[str]:
    """Per group, :func:`analysis.corpus.detect_language` of its words (``forms[codes]`` of its
    rows, in row order) joined by spaces, without joining them: each distinct form's words and
    function-word hits are found once, and a group's text is cut where ``detect_language`` cuts it
    (``max_words × 12`` characters, then ``max_words`` words; a form cut there is looked at on
    its own). ``found``: each form's word count and hits (:func:`_form_hits`) when the caller has them."""
    if not n_groups:
        return []
    n_lang = len(profile_hits([]))
    if found is None:
        per_form = [_form_hits(f) for f in forms.tolist()]
        found = (np.array([n for n, _ in per_form], dtype=np.int64), [h for _, h in per_form])
    n_words_f = found[0]
    hits_f = np.array(found[1], dtype=np.int64).reshape(len(found[1]), n_lang)
    length_f = np.array([len(f) for f in forms.tolist()], dtype=np.int64)
    order = np.argsort(group, kind="stable")  # rows by group, in row order within a group
    c, gr = codes[order], group[order].astype(np.int64)
    first = np.searchsorted(gr, np.arange(n_groups))  # first position of each group

    def before(values: np.ndarray) -> np.ndarray:  # sum of the earlier rows of the same group
        total = np.cumsum(values) - values
        return total - total[first][gr]

    limit = max_words * 12
    char_start = before(length_f[c] + 1)  # the text is the forms joined by one space
    whole = char_start + length_f[c] <= limit
    cut = (char_start < limit) & ~whole
    n_row = np.where(whole, n_words_f[c], 0)
    cut_words: dict[int, list[str]] = {}
    for i in np.flatnonzero(cut).tolist():  # at most one row per group: the form the limit cuts
        cut_words[i] = _form_words(forms[c[i]][: limit - char_start[i]])
        n_row[i] = len(cut_words[i])
    take = np.clip(max_words - before(n_row), 0, n_row)
    n_words = np.bincount(gr, weights=take, minlength=n_groups).astype(np.int64)
    plain = (take == n_row) & ~cut & (take > 0)  # rows whose words all count
    rows = np.flatnonzero(plain & hits_f.any(axis=1)[c])
    hits = np.zeros((n_groups, n_lang), dtype=np.int64)
    for lang in range(n_lang):  # integer sums (exact in float64)
        hits[:, lang] = np.bincount(gr[rows], weights=hits_f[c[rows], lang], minlength=n_groups).astype(np.int64)
    for i in np.flatnonzero(~plain & (take > 0)).tolist():  # cut rows and the row the word limit cuts
        words = cut_words[i] if i in cut_words else _form_words(forms[c[i]])
        hits[gr[i]] += profile_hits(words[: take[i]])
    return [language_of_counts(h, n)[0] for h, n in zip(hits.tolist(), n_words.tolist())]
