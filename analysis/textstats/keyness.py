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

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.special import chdtrc, xlogy

from ..annotate.memo import general_frequency
from ..annotate.pipeline import word_rows
from ..counts import WORD_TYPES, count_matrix

__all__ = [
    "KEYNESS_COLUMNS",
    "general_german",
    "keyness",
    "keyness_documents",
    "keyness_general",
    "keyness_groups",
    "group_labels",
    "group_tables",
    "tokens_with_groups",
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
GENERAL_REFERENCE = "general German (wordfreq)"


def log_likelihood(
    freq_target: np.ndarray | Sequence[float],
    freq_reference: np.ndarray | Sequence[float],
    total_target: float,
    total_reference: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(g2, p_value, log_ratio)`` for arrays of word frequencies in a target and a reference.

    ``total_target`` and ``total_reference`` are the sizes (tokens) of the two corpora, either one
    number each or one per word (many targets scored at once). See the module docstring for the
    formulas.
    """
    a = np.asarray(freq_target, dtype=float)
    b = np.asarray(freq_reference, dtype=float)
    if np.ndim(total_target) == 0 and np.ndim(total_reference) == 0:
        c = float(total_target)
        d = float(total_reference)
        if c <= 0 or d <= 0:
            nan = np.full(a.shape, np.nan)
            return nan, nan, nan
    else:  # one total per word (many targets at once): the same formulas, element by element
        c = np.broadcast_to(np.asarray(total_target, dtype=float), a.shape)
        d = np.broadcast_to(np.asarray(total_reference, dtype=float), a.shape)
        bad = (c <= 0) | (d <= 0)
        if bad.any():
            c, d = np.where(bad, 1.0, c), np.where(bad, 1.0, d)
            g2, p, lr = log_likelihood(a, b, c, d)
            return np.where(bad, np.nan, g2), np.where(bad, np.nan, p), np.where(bad, np.nan, lr)
    n = c + d
    observed = (a, c - a, b, d - b)
    row_word = a + b
    row_rest = n - row_word
    expected = (c * row_word / n, c * row_rest / n, d * row_word / n, d * row_rest / n)
    g2 = np.zeros(a.shape)
    for o, e in zip(observed, expected):
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = g2 + np.where(o > 0, xlogy(o, np.where(o > 0, o, 1.0) / np.where(e > 0, e, 1.0)), 0.0)
    g2 = np.maximum(2.0 * g2, 0.0)  # rounding can give -1e-15
    # the upper tail of chi² with 1 degree of freedom: what scipy.stats.chi2.sf(g2, 1) computes (it
    # calls this function), without importing scipy.stats (~0.7 s per process)
    p = chdtrc(1, g2)
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


def _frame(rows: list[pd.DataFrame], feature: str) -> pd.DataFrame:
    columns = [c if c != "lemma" else feature for c in KEYNESS_COLUMNS]
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
    tokens: pd.DataFrame, *, feature: str = "lemma", content_only: bool = True, min_freq: int = 2
) -> pd.DataFrame:
    """Each document against the rest of the corpus (``comparison = "document_vs_rest"``).

    Frequencies count content words (``is_content``) unless ``content_only=False``; the sizes are
    the numbers of counted words. Empty for a one-document corpus.
    """
    dfm = count_matrix(tokens, by="doc_id", feature=feature, content_only=content_only)
    if dfm.matrix.shape[0] < 2:
        return _frame([], feature)
    # every document at once: counts per (document, word), the rest of the corpus by subtraction
    cells = dfm.matrix.tocoo()
    doc_size = dfm.row_totals()
    counts = pd.DataFrame(
        {
            "doc_id": dfm.rows["doc_id"].to_numpy()[cells.row],
            feature: dfm.features[cells.col],
            "a": cells.data,
            "c": doc_size[cells.row].astype(float),
        }
    )
    counts["d"] = float(doc_size.sum()) - counts["c"]
    counts["b"] = dfm.feature_totals()[cells.col].astype(float) - counts["a"]
    counts = counts[counts["a"] >= min_freq]
    out = _scored(counts, feature, group="doc_id")
    return _frame(
        [out.assign(comparison="document_vs_rest", target=out["doc_id"], reference="rest of corpus")], feature
    )


def _scored(counts: pd.DataFrame, feature: str, *, group: str) -> pd.DataFrame:
    """G², p and log ratio for rows ``group, feature, a, b, c, d`` (word counts a, b; sizes c, d), sorted
    per group from the most over-used word to the most under-used (as :func:`keyness`)."""
    g2, p, lr = log_likelihood(
        counts["a"].to_numpy(), counts["b"].to_numpy(), counts["c"].to_numpy(), counts["d"].to_numpy()
    )
    out = pd.DataFrame(
        {
            group: counts[group].to_numpy(),
            feature: counts[feature].astype(str).to_numpy(),
            "freq_target": counts["a"].to_numpy(dtype="int64"),
            "freq_reference": counts["b"].to_numpy(dtype=float),
            "g2": g2,
            "p_value": p,
            "log_ratio": lr,
        }
    )
    key = out["g2"].to_numpy() * np.sign(out["log_ratio"].to_numpy())
    group_code = pd.factorize(out[group], sort=True)[0]
    order = np.lexsort((out[feature].to_numpy(), -key, group_code))
    return out.iloc[order].reset_index(drop=True)


def keyness_speakers(
    tokens: pd.DataFrame, *, feature: str = "lemma", content_only: bool = True, min_freq: int = 2
) -> pd.DataFrame:
    """Within each document with two or more speakers, each speaker against the others
    (``comparison = "speaker_vs_speaker"``; ``target`` is the speaker, ``reference`` the other(s))."""
    dfm = count_matrix(tokens, by=["doc_id", "speaker"], feature=feature, content_only=content_only)
    docs = dfm.rows["doc_id"].astype(str).to_numpy(dtype=object)
    speakers = dfm.rows["speaker"].astype(str).to_numpy(dtype=object)
    doc_code = pd.factorize(docs)[0]
    many = np.bincount(doc_code, minlength=1)[doc_code] >= 2  # rows of documents with two or more speakers
    if not many.any():
        return _frame([], feature)
    # every speaker at once: the document's counts (sum of its speaker rows), the others by subtraction
    order = sorted(range(len(docs)), key=lambda r: (docs[r], speakers[r]))
    rank = np.empty(len(docs), dtype=np.int64)
    rank[order] = np.arange(len(docs))
    to_document = csr_matrix((np.ones(len(docs), dtype=np.int64), (doc_code, np.arange(len(docs)))))
    doc_counts = (to_document @ dfm.matrix).tocsr()
    size = dfm.row_totals()
    doc_size = to_document @ size
    cells = dfm.matrix.tocoo()
    keep = many[cells.row]
    row, col, a = cells.row[keep], cells.col[keep], cells.data[keep]
    counts = pd.DataFrame(
        {
            "_speaker": rank[row],
            feature: dfm.features[col],
            "a": a,
            "b": np.asarray(doc_counts[doc_code[row], col], dtype=float).ravel() - a,
            "c": size[row].astype(float),
            "d": (doc_size[doc_code[row]] - size[row]).astype(float),
        }
    )
    scored = _scored(counts[counts["a"] >= min_freq], feature, group="_speaker")
    rows = np.asarray(order, dtype=np.int64)[scored.pop("_speaker").to_numpy()]
    speakers_of_document: dict[int, list[str]] = {}
    for r in order:  # sorted, so each document's list is sorted
        speakers_of_document.setdefault(doc_code[r], []).append(speakers[r])
    others = np.asarray(
        ["; ".join(s for s in speakers_of_document[doc_code[r]] if s != speakers[r]) for r in range(len(docs))],
        dtype=object,
    )
    return _frame(
        [
            scored.assign(
                doc_id=docs[rows],
                comparison="speaker_vs_speaker",
                target=speakers[rows],
                reference=others[rows],
            )
        ],
        feature,
    )


@lru_cache(maxsize=2)
def _general_lemmas(min_frequency: float) -> pd.Series:
    from importlib.metadata import version

    from ..annotate.pipeline import default_cache_dir, read_parquet_cache, write_parquet_atomic

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]  # a code change never reads a stale file
    tag = f"wordfreq-{version('wordfreq')}-simplemma-{version('simplemma')}-{min_frequency:g}-{code}"
    path = default_cache_dir() / f"general-german-lemmas-{tag}.parquet"
    cached = read_parquet_cache(path)
    if cached is not None and "f" in cached:
        return cached["f"].rename(None)
    series = _lemmatise_wordfreq(min_frequency)
    try:
        write_parquet_atomic(series.rename("f").to_frame(), path, index=True)  # the index holds the lemmas
    except OSError:
        pass  # no cache: the next process lemmatises again
    return series


def _lemmatise_wordfreq(min_frequency: float) -> pd.Series:
    import simplemma
    import wordfreq

    freqs = wordfreq.get_frequency_dict("de", "best")  # positional: the cache word_frequency uses
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


def general_german(*, feature: str = "lemma", min_frequency: float = 1e-7) -> pd.Series:
    """Relative frequencies of German words from ``wordfreq`` (index: case-folded word).

    ``feature="norm"``: the word forms as wordfreq lists them (lower case). ``feature="lemma"``: forms
    with a relative frequency of at least ``min_frequency`` (default 10⁻⁷, Zipf ≥ 2: about 170,000
    forms) lemmatised with simplemma and summed per lemma. wordfreq's forms are lower case, so each
    form is lemmatised as written and capitalised, and its frequency credited to both readings
    (``markt`` → *Markt* and *marken*): ambiguous forms over- rather than under-estimate the
    reference. This takes about 6 s and is cached on disk next to the annotation cache
    (:func:`analysis.annotate.default_cache_dir`). Rarer lemmas are looked up form by form in
    :func:`keyness_general`.
    """
    if feature == "lemma":
        return _general_lemmas(min_frequency).copy()
    if feature in ("norm", "token"):
        import wordfreq

        freqs = wordfreq.get_frequency_dict("de", "best")  # positional: the cache word_frequency uses
        return pd.Series(freqs, dtype=float).sort_index()
    raise ValueError(f"feature must be 'lemma', 'norm' or 'token', not {feature!r}")


def keyness_general(
    tokens: pd.DataFrame,
    *,
    feature: str = "lemma",
    content_only: bool = True,
    min_freq: int = 2,
    reference: pd.Series | None = None,
    reference_size: float = 1e9,
    documents: bool = True,
) -> pd.DataFrame:
    """The corpus (``corpus_vs_general``, ``doc_id`` empty) and, with ``documents=True``, each
    document (``document_vs_general``) against general German.

    ``reference``: relative frequencies indexed by case-folded word (default
    :func:`general_german` for ``feature``). A relative frequency ``f`` counts as ``f ×
    reference_size`` occurrences in a notional reference corpus of ``reference_size`` tokens
    (default 10⁹; see the module docstring). Words are compared case-folded (``Unternehmen`` and
    ``unternehmen`` are one word, shown in its most frequent spelling); lemmas missing from the
    reference are looked up by their word forms with ``wordfreq.word_frequency``, which also
    estimates hyphenated forms (``Online-Marketing``) from their parts. wordfreq's frequencies are
    shares of all word tokens, so the target's size is the number of all its words (stop words
    included) even when only content words are scored.
    """
    columns = ["doc_id", feature] + (["norm"] if "norm" in tokens.columns and feature != "norm" else [])
    words = word_rows(tokens, content_only=content_only, columns=columns)
    all_mask = tokens["token_type"].isin(WORD_TYPES).to_numpy()
    if reference is None:
        reference = general_german(feature=feature)
    parts = []
    known: dict[str, float] = {}  # forms looked up for the corpus, looked up again for each document
    if len(words):
        parts.append(
            _general_rows(words, float(all_mask.sum()), None, feature, reference, reference_size, min_freq, known)
        )
    if documents:
        sizes = tokens["doc_id"][all_mask].value_counts()
        parts.append(_general_rows(words, sizes, "doc_id", feature, reference, reference_size, min_freq, known))
    parts = [p for p in parts if len(p)]
    return _frame(parts, feature)


def _general_rows(
    words: pd.DataFrame,
    sizes: pd.Series | float,
    group: str | None,
    feature: str,
    reference: pd.Series,
    reference_size: float,
    min_freq: int,
    known: dict[str, float] | None = None,
) -> pd.DataFrame:
    """keyness_general for every group at once (``group=None``: the corpus as one target).
    ``known``: general frequencies of word forms already looked up (filled in here).

    ``sizes``: all words (stop words included) per group, or of the corpus. Works on integer codes
    of groups, case-folded words and spellings, so memory stays a few arrays of the word count."""
    n = len(words)
    if group:
        g, g_values = pd.factorize(words[group], sort=True)
        g_values = np.asarray(g_values, dtype=object)
    else:
        g, g_values = np.zeros(n, dtype=np.int64), np.asarray([None], dtype=object)
    u, u_values = pd.factorize(words[feature], sort=True)  # spellings, in code-point order
    u_values = np.asarray(u_values.astype(str), dtype=object)
    k_of_u, k_values = pd.factorize(pd.Index(u_values).str.casefold(), sort=True)
    k_values = np.asarray(k_values, dtype=object)
    ok = (g >= 0) & (u >= 0)
    g, u = g[ok].astype(np.int64), u[ok].astype(np.int64)
    k = k_of_u[u].astype(np.int64)
    # counts per (group, word) and the most frequent spelling of each word within its group (the
    # first spelling in code-point order on ties): the spelling decides the word (k = k_of_u[u]), so
    # one integer key per (group, spelling) is counted, and only the distinct pairs are sorted
    width = max(len(u_values), 1)
    pair, n_pair = np.unique(g * width + u, return_counts=True)
    pg, pu = pair // width, pair % width
    pk = k_of_u[pu].astype(np.int64)
    order = np.lexsort((pu, -n_pair, pk, pg))
    pg, pk, pu, n_pair = pg[order], pk[order], pu[order], n_pair[order].astype(np.int64)
    first = np.flatnonzero(np.r_[True, (pg[1:] != pg[:-1]) | (pk[1:] != pk[:-1])]) if len(pg) else pg
    counts = pd.DataFrame(
        {
            "g": pg[first],
            "k": pk[first],
            "a": np.add.reduceat(n_pair, first) if len(first) else n_pair,
            "u": pu[first],
        }
    )
    # reference counts: the lemma list, else the group's word forms looked up one by one
    ref_k = reference.reindex(k_values).to_numpy(dtype=float)
    ref = ref_k[counts["k"].to_numpy()]
    missing = np.isnan(ref)
    if missing.any() and "norm" in words.columns:
        m_k = np.zeros(len(k_values), dtype=bool)
        m_k[counts["k"].to_numpy()[missing]] = True
        rows = m_k[k]
        # only these rows' word forms (taking them from the column first: no Python string per word)
        nm, nm_values = pd.factorize(words["norm"].iloc[np.flatnonzero(ok)[rows]])
        forms = pd.DataFrame({"g": g[rows], "k": k[rows], "m": nm}).drop_duplicates()
        known = {} if known is None else known
        freq = np.empty(len(nm_values), dtype=float)
        for i, x in enumerate(nm_values.tolist()):
            form = str(x).lstrip("#")
            f = known.get(form)
            if f is None:
                f = known[form] = general_frequency(form)
            freq[i] = f
        forms["f"] = freq[forms["m"].to_numpy()]
        sums = forms.groupby(["g", "k"], sort=False)["f"].sum()
        index = pd.MultiIndex.from_arrays([counts["g"].to_numpy()[missing], counts["k"].to_numpy()[missing]])
        ref[missing] = sums.reindex(index).to_numpy(dtype=float)
    counts["b"] = np.nan_to_num(ref, nan=0.0) * reference_size
    # wordfreq's frequencies are shares of all word tokens: the target size is all its words
    if group:
        counts["c"] = sizes.reindex(g_values).to_numpy(dtype=float)[counts["g"].to_numpy()]
    else:
        counts["c"] = float(sizes)
    counts["d"] = float(reference_size)
    counts = counts[counts["a"] >= min_freq]
    counts = counts.assign(_group=g_values[counts["g"].to_numpy()], **{feature: k_values[counts["k"].to_numpy()]})
    scored = _scored(counts, feature, group="_group")
    # show each word in its most frequent spelling
    spelling = pd.Series(
        u_values[counts["u"].to_numpy()], index=pd.MultiIndex.from_arrays([counts["_group"], counts[feature]])
    )
    scored[feature] = spelling.reindex(pd.MultiIndex.from_arrays([scored["_group"], scored[feature]])).to_numpy()
    doc_id = scored["_group"] if group else None
    return scored.drop(columns="_group").assign(
        doc_id=doc_id,
        comparison="document_vs_general" if group else "corpus_vs_general",
        target=scored["_group"].astype(str) if group else "corpus",
        reference=GENERAL_REFERENCE,
    )


def keyness_table(
    tokens: pd.DataFrame,
    *,
    feature: str = "lemma",
    content_only: bool = True,
    min_freq: int = 2,
    general: bool = True,
    reference_size: float = 1e9,
) -> pd.DataFrame:
    """All comparisons stacked: document_vs_rest, speaker_vs_speaker, document_vs_general and
    corpus_vs_general, sorted by comparison, doc_id, target and keyness (over-used first)."""
    parts = [
        keyness_documents(tokens, feature=feature, content_only=content_only, min_freq=min_freq),
        keyness_speakers(tokens, feature=feature, content_only=content_only, min_freq=min_freq),
    ]
    if general:
        parts.append(
            keyness_general(
                tokens, feature=feature, content_only=content_only, min_freq=min_freq, reference_size=reference_size
            )
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _frame([], feature)
    out = pd.concat(parts, ignore_index=True)
    order = {"document_vs_rest": 0, "speaker_vs_speaker": 1, "document_vs_general": 2, "corpus_vs_general": 3}
    signed = out["g2"] * np.sign(out["log_ratio"])
    out = (
        out.assign(_c=out["comparison"].map(order), _d=out["doc_id"].fillna(""), _k=-signed)
        .sort_values(["_c", "_d", "target", "_k", feature], kind="mergesort")
        .drop(columns=["_c", "_d", "_k"])
        .reset_index(drop=True)
    )
    return out


def top_keywords(table: pd.DataFrame, *, n: int = 10, feature: str = "lemma", max_p: float = 0.05) -> pd.DataFrame:
    """The ``n`` most over-used words per comparison and target (``log_ratio > 0``, ``p_value <
    max_p``), in the order of ``table``."""
    over = table[(table["log_ratio"] > 0) & (table["p_value"] < max_p)]
    return over.groupby(["comparison", "target"], sort=False, dropna=False).head(n).reset_index(drop=True)


# --------------------------------------------------------------------------- groups of documents
def _label(value) -> str | None:
    """A metadata value as a group label: missing → None, ``2009.0`` → ``"2009"``, else ``str``."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def group_labels(documents: pd.DataFrame, by: str) -> pd.Series:
    """``doc_id`` → group label of the metadata column ``by`` (documents without a value are left
    out). Numbers that are whole (``year`` read as ``2009.0``) become ``"2009"``."""
    if by not in documents.columns:
        raise ValueError(f"no metadata column {by!r}; the documents have: {', '.join(map(str, documents.columns))}")
    labels = pd.Series([_label(v) for v in documents[by].tolist()], index=documents["doc_id"].astype(str).tolist())
    return labels.dropna().sort_index()


def tokens_with_groups(
    tokens: pd.DataFrame, documents: pd.DataFrame | None, by: str, *, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The token rows (only ``columns`` when given) with a column ``by``: the token's own column
    when it has one (``speaker``, ``kind``, ``doc_id``), else the document's metadata value joined
    on ``doc_id`` (quanteda's docvars). Rows without a group value are dropped."""
    keep = list(dict.fromkeys([*(columns or tokens.columns), "doc_id"]))
    if by in tokens.columns:
        out = tokens[list(dict.fromkeys([*keep, by]))]
        return out[out[by].notna()]
    if documents is None:
        raise ValueError(f"{by!r} is not a token column; pass the corpus documents to group by metadata")
    labels = group_labels(documents, by)
    out = tokens[[c for c in keep if c in tokens.columns]].copy()
    out[by] = pd.Categorical(out["doc_id"].astype(str).map(labels), categories=sorted(set(labels)))
    return out[out[by].notna()]


def keyness_groups(
    tokens: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    by: str = "genre",
    target: str | None = None,
    reference: str | None = None,
    feature: str = "lemma",
    content_only: bool = True,
    min_freq: int = 2,
) -> pd.DataFrame:
    """Keyness between groups of documents formed by any metadata column (quanteda's ``dfm_group``).

    ``by`` is a column of ``documents`` (``genre``, ``year``, ``authors``, your own) or of the token
    table (``speaker``, ``kind``). Each group (or only ``target``) is compared with the rest of the
    grouped corpus (``comparison = "group_vs_rest"``), or with the group ``reference``
    (``"group_vs_group"``). Documents without a value in ``by`` are left out of both sides. Columns
    as :data:`KEYNESS_COLUMNS` (``doc_id`` empty) plus ``by``; G², p and log ratio as in
    :func:`log_likelihood`; words with fewer than ``min_freq`` occurrences in the target are not
    listed. Sorted by target, then from the most over-used word to the most under-used.
    """
    words = word_rows(tokens, content_only=content_only, columns=["doc_id", feature, by, "token_type", "is_content"])
    words = tokens_with_groups(words, documents, by, columns=["doc_id", feature, "token_type", "is_content"])
    dfm = count_matrix(words, by=by, feature=feature, content_only=content_only)
    labels = dfm.rows[by].astype(str).tolist()
    groups = sorted(labels)
    for name, value in (("target", target), ("reference", reference)):
        if value is not None and value not in groups:
            raise ValueError(f"{name} {value!r} is not a value of {by!r}; the groups are: {', '.join(groups)}")
    if reference is not None and reference == target:
        raise ValueError("target and reference must be different groups")
    position = {label: k for k, label in enumerate(labels)}
    sizes = dfm.row_totals()
    total_word = dfm.feature_totals()
    targets = [target] if target is not None else [g for g in groups if g != reference]
    if reference is None and len(groups) < 2:
        targets = []
    rows = []
    for t in targets:
        row = dfm.matrix[position[t]]
        part = pd.DataFrame({"target": t, feature: dfm.features[row.indices], "a": row.data})
        part["c"] = float(sizes[position[t]])
        if reference is None:
            part["b"] = total_word[row.indices].astype(float) - part["a"]
            part["d"] = float(sizes.sum()) - part["c"]
            ref_name, comparison = "rest", "group_vs_rest"
        else:
            ref_counts = dfm.matrix[position[reference]].toarray().ravel()
            part["b"] = ref_counts[row.indices].astype(float)
            part["d"] = float(sizes[position[reference]])
            ref_name, comparison = reference, "group_vs_group"
        part = part[part["a"] >= min_freq]
        if part.empty:
            continue
        out = _scored(part, feature, group="target")
        rows.append(out.assign(doc_id=None, comparison=comparison, reference=ref_name))
    return _frame(rows, feature).assign(by=by)


def group_tables(
    corpus,
    tokens: pd.DataFrame,
    *,
    by: str,
    n: int = 100,
    themes: dict | None = None,
    matches: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables of ``python -m analysis run --group-by COLUMN``: ``keyness_groups`` (each group vs
    the rest, p < 0.05, the ``n`` most over- and under-used words per group), ``frequencies_groups``
    (the ``n`` content lemmas per group: ``n``, ``per_1000``, ``rank``), ``diversity_groups``
    (MATTR, MTLD, HD-D per group), ``themes_groups`` (theme scores per group, as ``theme_scores``)
    and ``sentiment_groups`` (the group's sentences aggregated, as ``aggregate_scores``). ``by`` is a metadata column of ``corpus.documents`` or a token
    column such as ``speaker``. ``themes`` and their ``matches`` default to the packaged themes."""
    from .diversity import diversity
    from .frequency import frequencies

    documents = corpus.documents if corpus is not None else None
    key = keyness_groups(tokens, documents, by=by)
    key = key[key["p_value"] < 0.05]
    over = key[key["log_ratio"] > 0].groupby("target", sort=False).head(n)
    under = key[key["log_ratio"] <= 0].groupby("target", sort=False).tail(n)
    key = key.loc[sorted(set(over.index) | set(under.index))].reset_index(drop=True)
    grouped = tokens_with_groups(tokens, documents, by)
    freq = frequencies(grouped, by=by, n=n)
    div = diversity(grouped, by=by)
    theme_table = _theme_groups(grouped, by, themes=themes, matches=matches)
    sentiment = _sentiment_groups(tokens, documents, by)
    for table in (freq, div, theme_table, sentiment):
        table[by] = table[by].astype(str)
    return {
        "keyness_groups": key,
        "frequencies_groups": freq,
        "diversity_groups": div,
        "themes_groups": theme_table,
        "sentiment_groups": sentiment,
    }


def _theme_groups(grouped: pd.DataFrame, by: str, *, themes=None, matches=None) -> pd.DataFrame:
    """Theme scores per group: matched theme terms per 1,000 content words (``themes.theme_scores``)."""
    from ..themes import theme_scores

    return theme_scores(grouped, themes, by=by, matches=matches)


def _sentiment_groups(tokens: pd.DataFrame, documents: pd.DataFrame | None, by: str) -> pd.DataFrame:
    """Sentiment per group: the group's sentences scored and aggregated as for documents
    (``sentiment.aggregate_scores``)."""
    from ..sentiment import aggregate_scores, score_sentences

    sentences = score_sentences(tokens)
    if by not in sentences.columns:
        if by in tokens.columns:  # a token column other than speaker: the sentence's first token's value
            first = tokens.drop_duplicates(["doc_id", "sent_id"])[["doc_id", "sent_id", by]]
            sentences = sentences.merge(first, on=["doc_id", "sent_id"], how="left")
        else:
            labels = group_labels(documents, by)
            sentences[by] = sentences["doc_id"].astype(str).map(labels)
    sentences = sentences[sentences[by].notna()]
    return aggregate_scores(sentences, by=[by])
