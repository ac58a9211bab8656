"""Keyness: which words a text (or a speaker, or the whole corpus) uses more than its reference.

Three comparisons, one tidy table each (``keyness_documents``, ``keyness_speakers``,
``keyness_general``), and :func:`keyness_table` that stacks them. Every row compares one word in a
*target* with a *reference*:

* ``g2`` — Dunning's (1993) log-likelihood statistic on the full 2 × 2 table
  ``[[a, c - a], [b, d - b]]`` (``a``, ``b`` the word's frequency in target and reference, ``c``,
  ``d`` their sizes): ``G² = 2 Σ O ln(O / E)`` with expected counts from the margins. It equals
  ``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")`` and NLTK's
  ``BigramAssocMeasures.likelihood_ratio``. (The two-cell short form of Rayson & Garside 2000,
  used by some web calculators, is slightly smaller.) Always ≥ 0.
* ``p_value`` — upper tail of χ² with one degree of freedom (no correction for the many words
  tested: with thousands of words, read p < 0.0001, G² > 15.13, as "notable").
* ``log_ratio`` — Hardie's (2014) effect size ``log2((a / c) / (b / d))``; a zero frequency is
  replaced by 0.5. Positive: used more in the target; +1 means twice as often.

Reference for "general German": :func:`general_german`, relative word frequencies from the
``wordfreq`` package (3.x; German list from web, subtitles, Wikipedia, news; CC BY-SA 4.0 data).
Relative frequencies ``f`` are turned into reference counts ``b = f × reference_size`` with a
notional reference corpus of ``reference_size`` tokens (default 10⁹, wordfreq's own scale: Zipf
values are log10 counts per billion). Because the notional corpus is much larger than any target,
G² then approximates a one-sample goodness-of-fit test of the target against general German and
barely depends on the exact size (doubling it changes G² by well under 1 %).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import xlogy
from scipy.stats import chi2

__all__ = [
    "KEYNESS_COLUMNS",
    "general_german",
    "keyness",
    "keyness_documents",
    "keyness_general",
    "keyness_speakers",
    "keyness_table",
    "log_likelihood",
    "top_keywords",
]

KEYNESS_COLUMNS = (
    "doc_id",
    "comparison",
    "target",
    "reference",
    "lemma",
    "freq_target",
    "freq_reference",
    "g2",
    "p_value",
    "log_ratio",
)
_WORD_TYPES = ("word", "hashtag")
GENERAL_REFERENCE = "general German (wordfreq)"


def log_likelihood(
    freq_target: np.ndarray | Sequence[float],
    freq_reference: np.ndarray | Sequence[float],
    total_target: float,
    total_reference: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(g2, p_value, log_ratio)`` for arrays of word frequencies in a target and a reference.

    ``total_target`` and ``total_reference`` are the sizes (tokens) of the two corpora. See the
    module docstring for the formulas.
    """
    a = np.asarray(freq_target, dtype=float)
    b = np.asarray(freq_reference, dtype=float)
    c = float(total_target)
    d = float(total_reference)
    n = c + d
    if c <= 0 or d <= 0:
        nan = np.full(a.shape, np.nan)
        return nan, nan, nan
    observed = (a, c - a, b, d - b)
    row_word = a + b
    row_rest = n - row_word
    expected = (c * row_word / n, c * row_rest / n, d * row_word / n, d * row_rest / n)
    g2 = np.zeros(a.shape)
    for o, e in zip(observed, expected):
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = g2 + np.where(o > 0, xlogy(o, np.where(o > 0, o, 1.0) / np.where(e > 0, e, 1.0)), 0.0)
    g2 = np.maximum(2.0 * g2, 0.0)  # rounding can give -1e-15
    p = chi2.sf(g2, 1)
    a_adj = np.where(a > 0, a, 0.5)
    b_adj = np.where(b > 0, b, 0.5)
    log_ratio = np.log2((a_adj / c) / (b_adj / d))
    return g2, p, log_ratio


def keyness(
    target: pd.Series,
    reference: pd.Series,
    *,
    total_target: float | None = None,
    total_reference: float | None = None,
    min_freq: int = 2,
    name: str = "lemma",
) -> pd.DataFrame:
    """Keyness of every word of ``target`` (counts indexed by word) against ``reference``.

    Totals default to the sums of the Series. Words with fewer than ``min_freq`` occurrences in
    the target are left out (words absent from the target are never listed). Returns ``name,
    freq_target, freq_reference, g2, p_value, log_ratio`` sorted from the most over-used word
    (largest G² with positive log ratio) to the most under-used.
    """
    target = target[target > 0]
    total_target = float(target.sum()) if total_target is None else float(total_target)
    total_reference = float(reference.sum()) if total_reference is None else float(total_reference)
    target = target[target >= min_freq]
    ref = reference.reindex(target.index).fillna(0.0)
    g2, p, lr = log_likelihood(target.to_numpy(), ref.to_numpy(), total_target, total_reference)
    out = pd.DataFrame(
        {
            name: target.index.astype(str),
            "freq_target": target.to_numpy(dtype="int64"),
            "freq_reference": ref.to_numpy(dtype=float),
            "g2": g2,
            "p_value": p,
            "log_ratio": lr,
        }
    )
    return _sort(out, name)


def _sort(df: pd.DataFrame, name: str) -> pd.DataFrame:
    key = df["g2"] * np.sign(df["log_ratio"])
    order = np.lexsort((df[name].to_numpy(), -key.to_numpy()))
    return df.iloc[order].reset_index(drop=True)


def _words(tokens: pd.DataFrame, *, content_only: bool) -> pd.DataFrame:
    mask = tokens["token_type"].isin(_WORD_TYPES)
    if content_only:
        mask &= tokens["is_content"]
    return tokens[mask]


def _counts(words: pd.DataFrame, unit: str) -> pd.Series:
    return words[unit].value_counts().sort_index()


def _frame(rows: list[pd.DataFrame], unit: str) -> pd.DataFrame:
    columns = [c if c != "lemma" else unit for c in KEYNESS_COLUMNS]
    if not rows:
        empty = pd.DataFrame(
            {
                c: pd.Series(dtype=float if c in ("freq_reference", "g2", "p_value", "log_ratio") else object)
                for c in columns
            }
        )
        empty["freq_target"] = empty["freq_target"].astype("int64")
        return empty
    return pd.concat(rows, ignore_index=True)[columns]


def keyness_documents(
    tokens: pd.DataFrame, *, unit: str = "lemma", content_only: bool = True, min_freq: int = 2
) -> pd.DataFrame:
    """Each document against the rest of the corpus (``comparison = "document_vs_rest"``).

    Frequencies count content words (``is_content``) unless ``content_only=False``; the sizes are
    the numbers of counted words. Empty for a one-document corpus.
    """
    words = _words(tokens, content_only=content_only)
    docs = sorted(words["doc_id"].unique())
    rows = []
    if len(docs) >= 2:
        total = _counts(words, unit)
        for doc_id in docs:
            target = _counts(words[words["doc_id"] == doc_id], unit)
            reference = total.sub(target, fill_value=0)
            k = keyness(target, reference, min_freq=min_freq, name=unit)
            rows.append(
                k.assign(doc_id=doc_id, comparison="document_vs_rest", target=doc_id, reference="rest of corpus")
            )
    return _frame(rows, unit)


def keyness_speakers(
    tokens: pd.DataFrame, *, unit: str = "lemma", content_only: bool = True, min_freq: int = 2
) -> pd.DataFrame:
    """Within each document with two or more speakers, each speaker against the others
    (``comparison = "speaker_vs_speaker"``; ``target`` is the speaker, ``reference`` the other(s))."""
    words = _words(tokens, content_only=content_only)
    words = words[words["speaker"].notna()]
    rows = []
    for doc_id, doc_words in sorted(words.groupby("doc_id"), key=lambda kv: kv[0]):
        speakers = sorted(doc_words["speaker"].unique())
        if len(speakers) < 2:
            continue
        total = _counts(doc_words, unit)
        for speaker in speakers:
            target = _counts(doc_words[doc_words["speaker"] == speaker], unit)
            reference = total.sub(target, fill_value=0)
            others = "; ".join(s for s in speakers if s != speaker)
            k = keyness(target, reference, min_freq=min_freq, name=unit)
            rows.append(k.assign(doc_id=doc_id, comparison="speaker_vs_speaker", target=speaker, reference=others))
    return _frame(rows, unit)


@lru_cache(maxsize=2)
def _general_lemmas(min_frequency: float) -> pd.Series:
    from importlib.metadata import version

    from .annotate import default_cache_dir

    tag = f"wordfreq-{version('wordfreq')}-simplemma-{version('simplemma')}-{min_frequency:g}-v1"
    path = default_cache_dir() / f"general-german-lemmas-{tag}.parquet"
    if path.is_file():
        try:
            return pd.read_parquet(path)["f"].rename(None)
        except Exception:  # a truncated or foreign file: recompute
            pass
    series = _lemmatise_wordfreq(min_frequency)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        series.rename("f").to_frame().to_parquet(tmp)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache: the next process lemmatises again
    return series


def _lemmatise_wordfreq(min_frequency: float) -> pd.Series:
    import simplemma
    import wordfreq

    freqs = wordfreq.get_frequency_dict("de", wordlist="best")
    keys, values = [], []
    for word, f in freqs.items():
        if f < min_frequency or not word.isalpha():
            continue
        # wordfreq forms are lower case: "markt" could be the noun Markt or a form of "marken";
        # credit the frequency to both readings (lemmatised as written and capitalised)
        for key in {
            simplemma.lemmatize(word, lang="de").casefold(),
            simplemma.lemmatize(word.capitalize(), lang="de").casefold(),
        }:
            keys.append(key)
            values.append(f)
    return pd.Series(values, index=keys, dtype=float).groupby(level=0).sum().sort_index()


def general_german(*, unit: str = "lemma", min_frequency: float = 1e-7) -> pd.Series:
    """Relative frequencies of German words from ``wordfreq`` (index: case-folded word).

    ``unit="norm"``: the word forms as wordfreq lists them (lower case). ``unit="lemma"``: forms
    with a relative frequency of at least ``min_frequency`` (default 10⁻⁷, Zipf ≥ 2: about 170,000
    forms) lemmatised with simplemma and summed per lemma. wordfreq's forms are lower case, so each
    form is lemmatised as written and capitalised, and its frequency credited to both readings
    (``markt`` → *Markt* and *marken*): ambiguous forms over- rather than under-estimate the
    reference. This takes about 6 s and is cached on disk next to the annotation cache
    (:func:`analysis.annotate.default_cache_dir`). Rarer lemmas are looked up form by form in
    :func:`keyness_general`.
    """
    if unit == "lemma":
        return _general_lemmas(min_frequency).copy()
    if unit in ("norm", "token"):
        import wordfreq

        freqs = wordfreq.get_frequency_dict("de", wordlist="best")
        return pd.Series(freqs, dtype=float).sort_index()
    raise ValueError(f"unit must be 'lemma', 'norm' or 'token', not {unit!r}")


@lru_cache(maxsize=100_000)
def _form_frequency(norm: str) -> float:
    import wordfreq

    return float(wordfreq.word_frequency(norm, "de"))


def _reference_counts(words: pd.DataFrame, unit: str, reference: pd.Series, reference_size: float) -> pd.Series:
    """Reference count per case-folded word of ``words``; form-by-form fallback for missing lemmas."""
    keys = words[unit].astype(str).str.casefold()
    wanted = sorted(set(keys))
    ref = reference.reindex(wanted)
    missing = ref[ref.isna()].index
    if len(missing) and "norm" in words.columns:
        forms = words.assign(_key=keys)[lambda d: d["_key"].isin(set(missing))]
        by_key = forms.groupby("_key")["norm"].agg(lambda s: sorted(set(s)))
        for key, norms in by_key.items():
            ref[key] = sum(_form_frequency(n.lstrip("#")) for n in norms)
    return ref.fillna(0.0) * reference_size


def keyness_general(
    tokens: pd.DataFrame,
    *,
    unit: str = "lemma",
    content_only: bool = True,
    min_freq: int = 2,
    reference: pd.Series | None = None,
    reference_size: float = 1e9,
    documents: bool = True,
) -> pd.DataFrame:
    """The corpus (``corpus_vs_general``, ``doc_id`` empty) and, with ``documents=True``, each
    document (``document_vs_general``) against general German.

    ``reference``: relative frequencies indexed by case-folded word (default
    :func:`general_german` for ``unit``). A relative frequency ``f`` counts as ``f ×
    reference_size`` occurrences in a notional reference corpus of ``reference_size`` tokens
    (default 10⁹; see the module docstring). Words are compared case-folded (``Unternehmen`` and
    ``unternehmen`` are one word, shown in its most frequent spelling); lemmas missing from the
    reference are looked up by their word forms with ``wordfreq.word_frequency``, which also
    estimates hyphenated forms (``Online-Marketing``) from their parts. wordfreq's frequencies are
    shares of all word tokens, so the target's size is the number of all its words (stop words
    included) even when only content words are scored.
    """
    words = _words(tokens, content_only=content_only)
    all_words = _words(tokens, content_only=False)
    if reference is None:
        reference = general_german(unit=unit)
    groups: list[tuple[str | None, str, pd.DataFrame]] = [(None, "corpus_vs_general", words)]
    if documents:
        groups += [(d, "document_vs_general", g) for d, g in sorted(words.groupby("doc_id"), key=lambda kv: kv[0])]
    rows = []
    for doc_id, comparison, group in groups:
        if group.empty:
            continue
        keys = group[unit].astype(str).str.casefold()
        target = keys.value_counts().sort_index()
        display = (
            group.assign(_key=keys)
            .groupby(["_key", unit])
            .size()
            .reset_index(name="n")
            .sort_values(["_key", "n", unit], ascending=[True, False, True])
            .drop_duplicates("_key")
            .set_index("_key")[unit]
        )
        ref_counts = _reference_counts(group, unit, reference, reference_size)
        # wordfreq's frequencies are shares of all word tokens: the target size is all its words
        n_all = int(all_words.shape[0] if doc_id is None else (all_words["doc_id"] == doc_id).sum())
        k = keyness(
            target, ref_counts, total_target=n_all, total_reference=reference_size, min_freq=min_freq, name=unit
        )
        k[unit] = k[unit].map(display)
        rows.append(
            k.assign(doc_id=doc_id, comparison=comparison, target=doc_id or "corpus", reference=GENERAL_REFERENCE)
        )
    out = _frame(rows, unit)
    return out


def keyness_table(
    tokens: pd.DataFrame,
    *,
    unit: str = "lemma",
    content_only: bool = True,
    min_freq: int = 2,
    general: bool = True,
    reference_size: float = 1e9,
) -> pd.DataFrame:
    """All comparisons stacked: document_vs_rest, speaker_vs_speaker, document_vs_general and
    corpus_vs_general, sorted by comparison, doc_id, target and keyness (over-used first)."""
    parts = [
        keyness_documents(tokens, unit=unit, content_only=content_only, min_freq=min_freq),
        keyness_speakers(tokens, unit=unit, content_only=content_only, min_freq=min_freq),
    ]
    if general:
        parts.append(
            keyness_general(
                tokens, unit=unit, content_only=content_only, min_freq=min_freq, reference_size=reference_size
            )
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _frame([], unit)
    out = pd.concat(parts, ignore_index=True)
    order = {"document_vs_rest": 0, "speaker_vs_speaker": 1, "document_vs_general": 2, "corpus_vs_general": 3}
    signed = out["g2"] * np.sign(out["log_ratio"])
    out = (
        out.assign(_c=out["comparison"].map(order), _d=out["doc_id"].fillna(""), _k=-signed)
        .sort_values(["_c", "_d", "target", "_k", unit], kind="mergesort")
        .drop(columns=["_c", "_d", "_k"])
        .reset_index(drop=True)
    )
    return out


def top_keywords(table: pd.DataFrame, *, n: int = 10, unit: str = "lemma", max_p: float = 0.05) -> pd.DataFrame:
    """The ``n`` most over-used words per comparison and target (``log_ratio > 0``, ``p_value <
    max_p``), in the order of ``table``."""
    over = table[(table["log_ratio"] > 0) & (table["p_value"] < max_p)]
    return over.groupby(["comparison", "target"], sort=False, dropna=False).head(n).reset_index(drop=True)
