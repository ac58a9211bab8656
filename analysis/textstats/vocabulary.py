"""Vocabulary: what each text (and each speaker) says differently.

Every function takes the token table of :func:`analysis.annotate` and returns a new tidy
DataFrame, sorted and deterministic; ``by`` names the grouping columns (``"doc_id"``,
``["doc_id", "speaker"]`` for the speakers of dialogues and interviews, or ``None`` for the whole
corpus; rows with a missing group value, such as paragraphs without a speaker, are left out).

* :func:`frequencies`, :func:`ngrams` — counts by lemma or word form, content words or all words.
* :func:`diversity` — TTR, MATTR (Covington & McFall 2010), MTLD (McCarthy & Jarvis 2010) and
  HD-D (McCarthy & Jarvis 2007); the single measures are :func:`ttr`, :func:`mattr`, :func:`mtld`,
  :func:`hdd` on any sequence of words.
* :func:`overlap` — Jaccard and cosine similarity of the groups' vocabularies;
  :func:`overlap_matrix` pivots it.
* :func:`compound_families` — compounds grouped by their head (``Online-Marketing``,
  ``Dialogmarketing`` → *Marketing*) or modifier (``Marketinghype`` → *Marketing*), plus the
  simple word; :func:`word_families` — curated families (``resources/word_families_de.csv``:
  *Dialog/Gespräch* vs *Marketing/Werbung*) counted over lemmas, heads and modifiers.
* :func:`kwic` — keyword in context by lemma, compound-aware; :func:`collocations` — NLTK
  association measures within sentences.
* Readability: :mod:`analysis.readability`; keyness: :mod:`analysis.keyness`.

:func:`vocabulary_tables` assembles the tables of the report (:mod:`analysis.textstats.section`).
"""

from __future__ import annotations

import math
import os
import warnings
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..annotate.pipeline import factorize_pairs, word_rows
from ..context import CAPS, Caps
from .keyness import keyness_table, top_keywords
from .readability import readability

__all__ = [
    "collocations",
    "compound_families",
    "diversity",
    "family_leaning",
    "frequencies",
    "hdd",
    "kwic",
    "load_families",
    "mattr",
    "mtld",
    "ngrams",
    "overlap",
    "overlap_matrix",
    "per_document_and_speaker",
    "plot_families",
    "plot_keyness",
    "plot_overlap",
    "plot_profile",
    "reference_overlap",
    "reference_tokens",
    "ttr",
    "vocabulary_tables",
    "word_families",
]

By = str | Sequence[str] | None
_FAMILY_COLUMNS = ("family", "n", "n_lemma", "n_head", "n_modifier", "n_words", "per_1000", "lean", "members")
_WORD_TYPES = ("word", "hashtag")


# --------------------------------------------------------------------------- helpers
def _by(by: By) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _groups(df: pd.DataFrame, by: list[str]) -> Iterator[tuple[tuple, pd.DataFrame]]:
    """``(key tuple, rows)`` per group, sorted; missing keys dropped; one group for ``by=[]``."""
    if not by:
        yield (), df
        return
    for key, group in df.groupby(by, sort=True, dropna=True):
        yield (key if isinstance(key, tuple) else (key,)), group


def _join_sorted(values: np.ndarray, group_codes: np.ndarray, sep: str = "; ") -> list[str]:
    """``sep``-joined ``values`` per run of equal ``group_codes`` (the codes must be sorted)."""
    if not len(group_codes):
        return []
    bounds = np.flatnonzero(np.diff(group_codes)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(group_codes)]])
    values = values.tolist()
    return [sep.join(values[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]


def _members(df: pd.DataFrame, keys: list[str], limit: int = 20) -> pd.DataFrame:
    """Per group of ``keys``: the distinct ``lemma`` values, most frequent first (ties by name), at most
    ``limit`` joined by "; " (with "; …" when there are more): ``*keys, members, n_members``.
    The vectorised equivalent of :func:`_join_members` applied per group."""
    counts = df.groupby([*keys, "lemma"], sort=False, dropna=False).size().rename("_c").reset_index()
    counts["_neg"] = -counts["_c"]
    counts = counts.sort_values([*keys, "_neg", "lemma"], kind="mergesort").reset_index(drop=True)
    group = counts.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    rank = counts.groupby(keys, sort=False, dropna=False).cumcount().to_numpy()
    n_members = np.bincount(group)
    keep = rank < limit
    heads = counts.loc[keep, keys].drop_duplicates().reset_index(drop=True)
    joined = _join_sorted(counts.loc[keep, "lemma"].astype(str).to_numpy(), group[keep])
    more = n_members > limit
    heads["members"] = [j + "; …" if m else j for j, m in zip(joined, more.tolist())]
    heads["n_members"] = n_members.astype("int64")
    return heads


def _order(df: pd.DataFrame, by: list[str], columns: list[str], ascending: list[bool]) -> pd.DataFrame:
    return df.sort_values([*by, *columns], ascending=[True] * len(by) + ascending, kind="mergesort").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- frequencies
def frequencies(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    unit: str = "lemma",
    content_only: bool = True,
    min_count: int = 1,
    top: int | None = None,
) -> pd.DataFrame:
    """Word counts per group: ``*by, <unit>, n, per_1000, rank``.

    ``unit``: ``"lemma"``, ``"norm"`` (lower-cased form) or ``"token"`` (surface form). Words are
    tokens of type word and hashtag; ``content_only`` keeps content words (no stop words, no
    negations). ``per_1000``: occurrences per 1,000 counted words of the group. ``rank``: 1 = most
    frequent (ties share the smallest rank). Sorted by group, descending count, then word; ``top``
    keeps the ``top`` most frequent rows per group.
    """
    by = _by(by)
    words = word_rows(tokens, content_only=content_only)
    counts = words.groupby([*by, unit], dropna=True).size().rename("n").reset_index()
    totals = words.groupby(by, dropna=True).size() if by else pd.Series({(): len(words)})
    if by:
        counts = counts.merge(totals.rename("_total").reset_index(), on=by)
    else:
        counts["_total"] = len(words)
    counts["per_1000"] = 1000.0 * counts["n"] / counts["_total"]
    counts = counts[counts["n"] >= min_count].drop(columns="_total")
    counts = _order(counts, by, ["n", unit], [False, True])
    grouped = counts.groupby(by, sort=False)["n"] if by else counts["n"]
    counts["rank"] = grouped.rank(method="min", ascending=False).astype("int64")
    if top is not None:
        counts = (counts.groupby(by, sort=False).head(top) if by else counts.head(top)).reset_index(drop=True)
    return counts[[*by, unit, "n", "per_1000", "rank"]]


def ngrams(
    tokens: pd.DataFrame,
    *,
    size: int = 2,
    by: By = "doc_id",
    unit: str = "lemma",
    content_only: bool = False,
    min_count: int = 1,
    top: int | None = None,
) -> pd.DataFrame:
    """Counts of word n-grams (``size`` consecutive words within a sentence; punctuation, URLs
    and numbers break a sequence): ``*by, ngram, n``. With ``content_only`` only n-grams made of
    content words are kept (``Soziale Medien`` yes, ``in den`` no). ``ngram`` joins the words with
    a space."""
    if size < 1:
        raise ValueError("size must be at least 1")
    by = _by(by)
    cols = [c for c in dict.fromkeys([*by, "doc_id", "sent_id", "token_id", "token_type", "is_content", unit])]
    t = tokens[cols].sort_values(["doc_id", "token_id"], kind="mergesort").reset_index(drop=True)
    is_word = t["token_type"].isin(_WORD_TYPES).to_numpy()
    ok = (is_word & t["is_content"].to_numpy(dtype=bool)) if content_only else is_word
    n = len(t)
    m = max(n - size + 1, 0)
    # start positions of valid n-grams, all arrays at once: every word ok, one document, one
    # sentence, one group (rows with a missing group value never count)
    valid = np.ones(m, dtype=bool)
    docs = pd.factorize(t["doc_id"])[0]
    sents = t["sent_id"].to_numpy()
    group = t.groupby(by, sort=False, dropna=True).ngroup().to_numpy() if by else np.zeros(n, dtype=np.int64)
    for x in range(size):
        valid &= ok[x : x + m]
    last = size - 1
    valid &= (docs[:m] == docs[last : last + m]) & (sents[:m] == sents[last : last + m])
    valid &= (group[:m] == group[last : last + m]) & (group[:m] >= 0)
    starts = np.flatnonzero(valid)
    values = t[unit].astype(str)
    grams = values.iloc[starts].reset_index(drop=True)
    if size > 1:
        grams = grams.str.cat([values.iloc[starts + x].reset_index(drop=True) for x in range(1, size)], sep=" ")
    found = t.loc[starts, by].reset_index(drop=True) if by else pd.DataFrame(index=range(len(starts)))
    found["ngram"] = grams.to_numpy(dtype=object)
    out = found.groupby([*by, "ngram"], sort=False, dropna=False).size().rename("n").reset_index()
    out["n"] = out["n"].astype("int64")
    out = _order(out[out["n"] >= min_count], by, ["n", "ngram"], [False, True])
    if top is not None:
        out = (out.groupby(by, sort=False).head(top) if by else out.head(top)).reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- diversity
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
    for k in Counter(words).values():
        rest = n - k
        p_absent = 0.0 if rest < draws else math.exp(math.lgamma(rest + 1) - math.lgamma(rest - draws + 1) - log_total)
        out += (1.0 - p_absent) / draws
    return out


def diversity(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    unit: str = "norm",
    content_only: bool = False,
    window: int = 50,
    threshold: float = 0.72,
    draws: int = 42,
) -> pd.DataFrame:
    """Lexical diversity per group: ``*by, n_tokens, n_types, ttr, mattr, mtld, hdd``.

    The word sequence is every word token (``content_only=False``) as ``unit`` (``"norm"``:
    lower-cased forms, the usual choice; ``"lemma"`` folds inflection), in text order. ``window``
    is MATTR's window, ``threshold`` MTLD's factor threshold, ``draws`` HD-D's sample size; MATTR
    and HD-D are NaN for groups shorter than ``window`` / ``draws``. TTR falls with text length;
    compare texts by MATTR, MTLD or HD-D.
    """
    by = _by(by)
    words = word_rows(tokens, content_only=content_only).sort_values(["doc_id", "token_id"], kind="mergesort")
    rows = []
    for key, group in _groups(words, by):
        seq = group[unit].astype(str).str.casefold().tolist()
        rows.append(
            (
                *key,
                len(seq),
                len(set(seq)),
                ttr(seq),
                mattr(seq, window=window),
                mtld(seq, threshold=threshold),
                hdd(seq, draws=draws),
            )
        )
    out = pd.DataFrame(rows, columns=[*by, "n_tokens", "n_types", "ttr", "mattr", "mtld", "hdd"])
    out[["n_tokens", "n_types"]] = out[["n_tokens", "n_types"]].astype("int64")
    return _order(out, by, [], [])


# --------------------------------------------------------------------------- overlap
def overlap(
    tokens: pd.DataFrame, *, by: str = "doc_id", unit: str = "lemma", content_only: bool = True
) -> pd.DataFrame:
    """Vocabulary overlap of every pair of groups (both orders and each group with itself):
    ``<by>_a, <by>_b, n_types_a, n_types_b, n_shared, jaccard, cosine``.

    Jaccard: shared distinct words / all distinct words of the pair. Cosine: of the two count
    vectors (raw frequencies). Words are case-folded ``unit`` values of content words unless
    ``content_only=False``.
    """
    words = word_rows(tokens, content_only=content_only)
    words = words[words[by].notna()]
    groups, X = _count_matrix(words, by, unit)
    shared, dot, n_types, sq = _pair_stats(X, X)
    g = len(groups)
    na = np.repeat(n_types, g)
    nb = np.tile(n_types, g)
    sh = shared.ravel()
    union = na + nb - sh
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, sh / np.where(union > 0, union, 1), np.nan)
        cosine = dot.ravel() / np.sqrt(np.repeat(sq, g) * np.tile(sq, g))
    out = pd.DataFrame(
        {
            f"{by}_a": np.repeat(groups, g),
            f"{by}_b": np.tile(groups, g),
            "n_types_a": na.astype("int64"),
            "n_types_b": nb.astype("int64"),
            "n_shared": sh.astype("int64"),
            "jaccard": jaccard,
            "cosine": cosine,
        }
    )
    return out


def _count_matrix(words: pd.DataFrame, by: str, unit: str):
    """``(sorted groups, sparse groups × words count matrix)`` of the case-folded ``unit`` values."""
    from scipy.sparse import csr_matrix

    keys = words[unit].astype(str).str.casefold()
    g_codes, groups = pd.factorize(words[by], sort=True)
    w_codes, vocab = pd.factorize(keys)
    X = csr_matrix(
        (np.ones(len(words), dtype=np.int64), (g_codes, w_codes)), shape=(len(groups), len(vocab)), dtype=np.int64
    )
    X.sum_duplicates()
    return np.asarray(groups, dtype=object), X


def _pair_stats(X, Y):
    """Shared types, dot products (dense, rows of X × rows of Y), types and squared norms of X's rows."""
    BX, BY = X.copy(), Y.copy()
    BX.data[:] = 1
    BY.data[:] = 1
    shared = np.asarray((BX @ BY.T).toarray(), dtype=np.int64)
    dot = np.asarray((X @ Y.T).toarray(), dtype=float)
    n_types = np.diff(X.indptr).astype(np.int64)
    sq = np.asarray(X.multiply(X).sum(axis=1), dtype=float).ravel()
    return shared, dot, n_types, sq


def overlap_matrix(table: pd.DataFrame, *, measure: str = "jaccard") -> pd.DataFrame:
    """Pivot :func:`overlap` into a square matrix of ``measure`` (rows ``_a``, columns ``_b``)."""
    a, b = table.columns[0], table.columns[1]
    matrix = table.pivot(index=a, columns=b, values=measure)
    matrix.index.name = None
    matrix.columns.name = None
    return matrix


# --------------------------------------------------------------------------- compounds and families
@lru_cache(maxsize=100_000)
def _part_lemma(part: str) -> str:
    """``Kunden`` → ``Kunde``, ``online`` → ``Online``: compound parts as capitalised lemmas."""
    import simplemma

    if not part:
        return part
    cap = part[:1].upper() + part[1:]
    return simplemma.lemmatize(cap, lang="de")


def _parts(compound: str) -> tuple[str, list[str]]:
    """``(head, [modifiers])`` of a compound string ``Dialog|Marketing|Trend``."""
    parts = compound.split("|")
    return parts[-1], [_part_lemma(p) for p in parts[:-1]]


def _join_members(values: pd.Series, limit: int = 20) -> str:
    counts = values.value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    names = [k for k, _ in ordered[:limit]]
    return "; ".join(names) + ("; …" if len(ordered) > limit else "")


def compound_families(
    tokens: pd.DataFrame,
    *,
    by: By = "doc_id",
    role: str = "head",
    include_simple: bool = True,
    min_count: int = 1,
) -> pd.DataFrame:
    """Compounds grouped by a shared part: ``*by, role, family, n, n_compounds, n_simple,
    n_members, members``.

    ``role="head"``: by the last part (``Online-Marketing``, ``Content-Marketing``,
    ``Dialogmarketing`` → *Marketing*); ``role="modifier"``: by any other part, lemmatised
    (``Marketinghype``, ``Marketingkategorien`` → *Marketing*; ``Kundenbindung`` → *Kunde*).
    With ``include_simple`` the simple word itself (lemma *Marketing*) counts too (``n_simple``).
    Only parts that occur in at least one compound of the token table form a family. ``members``:
    the family's lemmas, most frequent first (at most 20). Sorted by group, descending ``n``.
    """
    if role not in ("head", "modifier"):
        raise ValueError(f"role must be 'head' or 'modifier', not {role!r}")
    by = _by(by)
    words = word_rows(tokens, content_only=True)
    compound = words["compound"].fillna("").astype(str)
    comp = words.loc[compound != "", [*by, "lemma"]].assign(_c=compound[compound != ""])
    parts = {}
    for c in comp["_c"].unique().tolist():  # per distinct compound, not per token
        head, modifiers = _parts(c)
        parts[c] = [head] if role == "head" else sorted(set(modifiers))
    comp = comp.assign(_name=comp["_c"].map(parts)).explode("_name").dropna(subset=["_name"])
    frames = [comp.assign(is_compound=True)]
    if include_simple and len(comp):
        spellings = set(comp["_name"])  # case-sensitive: the noun Gut, not the adjective gut
        simple = words.loc[(compound == "") & words["lemma"].isin(spellings), [*by, "lemma"]]
        frames.append(simple.assign(_name=simple["lemma"], is_compound=False))
    columns = [*by, "role", "family", "n", "n_compounds", "n_simple", "n_members", "members"]
    df = pd.concat(frames, ignore_index=True)[[*by, "_name", "lemma", "is_compound"]]
    if df.empty:
        empty = pd.DataFrame(columns=columns)
        for c in ("n", "n_compounds", "n_simple", "n_members"):
            empty[c] = empty[c].astype("int64")
        return empty
    df["_name"] = df["_name"].astype(str)
    df["lemma"] = df["lemma"].astype(str)
    df["_key"] = df["_name"].str.casefold()
    df = df.dropna(subset=by) if by else df
    # display name: the most frequent spelling of the part
    names = (
        df.groupby(["_key", "_name"])
        .size()
        .reset_index(name="c")
        .sort_values(["_key", "c", "_name"], ascending=[True, False, True])
    )
    display = names.drop_duplicates("_key").set_index("_key")["_name"]
    out = (
        df.groupby([*by, "_key"], sort=True)
        .agg(n=("lemma", "size"), n_compounds=("is_compound", "sum"))
        .reset_index()
        .merge(_members(df, [*by, "_key"]), on=[*by, "_key"], how="left")
    )
    out["n_simple"] = out["n"] - out["n_compounds"]
    out = out[out["n_compounds"] > 0]
    out["family"] = out["_key"].map(display)
    out["role"] = role
    out = out[out["n"] >= min_count]
    for c in ("n", "n_compounds", "n_simple", "n_members"):
        out[c] = out[c].astype("int64")
    return _order(out, by, ["n", "family"], [False, True])[columns]


def load_families(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Word families as a table ``family, term`` (default ``resources/word_families_de.csv``;
    ``#`` lines are comments)."""
    if path is None:
        with resources.files("analysis.lang.de").joinpath("word_families_de.csv").open("r", encoding="utf-8") as fh:
            table = pd.read_csv(fh, comment="#", dtype=str)
    else:
        table = pd.read_csv(path, comment="#", dtype=str)
    missing = {"family", "term"} - set(table.columns)
    if missing:
        raise ValueError(f"word family table needs the columns family and term; missing: {', '.join(sorted(missing))}")
    return table[["family", "term"]].dropna().map(str.strip).drop_duplicates().reset_index(drop=True)


def _family_matches(words: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """One row per (token, family) with the role through which it matched (lemma > head > modifier)."""
    lookup: dict[str, list[str]] = {}
    for fam, term in families.itertuples(index=False):
        lookup.setdefault(term.casefold(), []).append(fam)
    codes, pairs = factorize_pairs(words["lemma"], words["compound"])
    u_rows = []
    for u, (lem, comp) in enumerate(pairs):  # per distinct (lemma, compound), not per token
        found: dict[str, str] = {}
        for fam in lookup.get(lem.casefold(), ()):
            found.setdefault(fam, "lemma")
        if comp:
            raw_parts = comp.split("|")
            head, modifiers = _parts(comp)
            for fam in lookup.get(head.casefold(), ()):
                found.setdefault(fam, "head")
            for part in {*modifiers, *raw_parts[:-1]}:
                for fam in lookup.get(part.casefold(), ()):
                    found.setdefault(fam, "modifier")
        u_rows.extend((u, fam, role) for fam, role in found.items())
    per_pair = pd.DataFrame(u_rows, columns=["_u", "family", "role"])
    tokens_codes = pd.DataFrame({"_idx": words.index, "_u": codes})
    out = tokens_codes[tokens_codes["_u"].isin(per_pair["_u"])].merge(per_pair, on="_u", sort=False)
    return out[["_idx", "family", "role"]].reset_index(drop=True)


def word_families(
    tokens: pd.DataFrame,
    *,
    families: pd.DataFrame | str | os.PathLike[str] | None = None,
    by: By = "doc_id",
) -> pd.DataFrame:
    """How often each group uses each word family: ``*by, family, n, n_lemma, n_head, n_modifier,
    n_words, per_1000, lean, members``.

    A word token belongs to a family when its lemma, its compound head or one of its compound
    modifiers is a term of the family (:func:`load_families`; a path or a ``family, term`` table
    may be given). ``n`` counts tokens once per family; ``n_lemma``/``n_head``/``n_modifier`` say
    through which part they matched first. ``per_1000``: per 1,000 content words of the group.
    ``lean``: ``per_1000`` divided by the family's rate in the whole token table (> 1: the group
    leans towards the family). Every group × family pair is listed, zeros included.
    """
    by = _by(by)
    fam_table = families if isinstance(families, pd.DataFrame) else load_families(families)
    family_names = sorted(fam_table["family"].unique())
    content = word_rows(tokens, content_only=True, columns=by)
    words = word_rows(tokens, content_only=False, columns=[*by, "lemma", "compound"])
    matches = _family_matches(words, fam_table)
    matched = words.loc[matches["_idx"], [*by, "lemma"]].reset_index(drop=True)
    matched = pd.concat([matched, matches[["family", "role"]].reset_index(drop=True)], axis=1)
    corpus_rate = {
        f: 1000.0 * (matched["family"] == f).sum() / len(content) if len(content) else np.nan for f in family_names
    }
    if by:
        sizes = content.groupby(by, sort=True, dropna=True).size().rename("n_words").reset_index()
    else:
        sizes = pd.DataFrame({"n_words": [len(content)]})
    grid = sizes.merge(pd.DataFrame({"family": family_names}), how="cross")
    m = matched.dropna(subset=by) if by else matched
    m = m.assign(
        _lemma=(m["role"] == "lemma").astype("int64"),
        _head=(m["role"] == "head").astype("int64"),
        _modifier=(m["role"] == "modifier").astype("int64"),
    )
    counts = (
        m.groupby([*by, "family"], sort=False)
        .agg(n=("family", "size"), n_lemma=("_lemma", "sum"), n_head=("_head", "sum"), n_modifier=("_modifier", "sum"))
        .reset_index()
    )
    counts = counts.merge(_members(m, [*by, "family"]).drop(columns="n_members"), on=[*by, "family"], how="left")
    grid = grid.merge(counts, on=[*by, "family"], how="left")
    for c in ("n", "n_lemma", "n_head", "n_modifier"):
        grid[c] = grid[c].fillna(0).astype("int64")
    grid["members"] = grid["members"].where(grid["n"] > 0, "").fillna("")
    per = 1000.0 * grid["n"] / grid["n_words"].where(grid["n_words"] > 0)
    rate = grid["family"].map(corpus_rate).astype(float)
    grid["per_1000"] = per
    grid["lean"] = (per / rate.where(rate.fillna(0) != 0)).where(rate.fillna(1) != 0)
    columns = [*by, "family", "n", "n_lemma", "n_head", "n_modifier", "n_words", "per_1000", "lean", "members"]
    out = grid[columns]
    for c in ("n", "n_lemma", "n_head", "n_modifier", "n_words"):
        out[c] = out[c].astype("int64")
    return _order(out, by, ["family"], [True])


def family_leaning(table: pd.DataFrame) -> pd.DataFrame:
    """Per row group of a :func:`word_families` table (documents, and speakers when present), the
    family it leans towards most: ``*by, leaning, lean`` (the family with the largest ``lean``;
    ``""`` when no family occurs; ties go to the family named first alphabetically). Groups keep
    the order of ``table``."""
    by = [c for c in table.columns if c not in _FAMILY_COLUMNS]
    rows = []
    for key, group in table.groupby(by, sort=False, dropna=False) if by else [((), table)]:
        key = key if isinstance(key, tuple) else (key,)
        g = group[group["n"] > 0].sort_values(["lean", "family"], ascending=[False, True], kind="mergesort")
        rows.append((*key, g["family"].iloc[0] if len(g) else "", float(g["lean"].iloc[0]) if len(g) else np.nan))
    out = pd.DataFrame(rows, columns=[*by, "leaning", "lean"])
    for c in by:
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


# --------------------------------------------------------------------------- KWIC and collocations
def context_windows(
    t: pd.DataFrame, rows: Sequence[int], *, corpus=None, window: int = 6
) -> tuple[list[str], list[str]]:
    """Left and right context of the tokens at positions ``rows`` of ``t`` (a token table sorted by
    ``doc_id, token_id``): up to ``window`` tokens on each side within the same paragraph, cut from
    the document text when ``corpus`` is given (original spacing, white space folded), else the
    tokens joined by spaces. Shared by :func:`kwic` and the exploration page's KWIC index."""
    texts = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["text"])) if corpus is not None else {}
    docs = t["doc_id"].astype(str).to_numpy()
    paras = t["para_id"].to_numpy()
    starts, ends = t["start"].to_numpy(), t["end"].to_numpy()
    surfaces = t["token"].astype(str).to_numpy()
    n = len(t)
    lefts, rights = [], []
    for i in rows:
        lo, hi = i, i
        while lo > 0 and i - lo < window and docs[lo - 1] == docs[i] and paras[lo - 1] == paras[i]:
            lo -= 1
        while hi < n - 1 and hi - i < window and docs[hi + 1] == docs[i] and paras[hi + 1] == paras[i]:
            hi += 1
        text = texts.get(docs[i])
        if text is not None:
            lefts.append(" ".join(text[starts[lo] : starts[i]].split()) if lo < i else "")
            rights.append(" ".join(text[ends[i] : ends[hi]].split()) if hi > i else "")
        else:
            lefts.append(" ".join(surfaces[lo:i]))
            rights.append(" ".join(surfaces[i + 1 : hi + 1]))
    return lefts, rights


def kwic(
    tokens: pd.DataFrame,
    keyword: str,
    *,
    corpus=None,
    window: int = 6,
    unit: str = "lemma",
    compound_aware: bool = True,
) -> pd.DataFrame:
    """Keyword in context: ``doc_id, para_id, sent_id, token_id, speaker, left, keyword, right,
    match``.

    A token matches when its ``unit`` (case-folded) equals ``keyword``; with ``compound_aware`` also
    when ``keyword`` is its compound head (``match="head"``: *Marketing* finds
    ``Online-Marketing``) or one of its modifiers (``match="modifier"``: ``Marketinghype``).
    ``left``/``right`` hold ``window`` tokens of context from the same paragraph, cut from the
    document text when ``corpus`` is given (original spacing), else tokens joined by spaces.
    """
    key = keyword.casefold().lstrip("#")
    t = tokens.sort_values(["doc_id", "token_id"], kind="mergesort").reset_index(drop=True)
    is_word = t["token_type"].isin(_WORD_TYPES)
    matches: list[tuple[int, str]] = []
    for i, value, compound in zip(t.index[is_word], t.loc[is_word, unit].astype(str), t.loc[is_word, "compound"]):
        if value.casefold() == key:
            matches.append((i, unit))
        elif compound_aware and compound:
            head, modifiers = _parts(compound)
            if head.casefold() == key:
                matches.append((i, "head"))
            elif key in {m.casefold() for m in modifiers} | {p.casefold() for p in compound.split("|")[:-1]}:
                matches.append((i, "modifier"))
    docs = t["doc_id"].to_numpy()
    paras = t["para_id"].to_numpy()
    surfaces = t["token"].astype(str).to_numpy()
    speakers = t["speaker"].to_numpy() if "speaker" in t.columns else np.full(len(t), None)
    lefts, rights = context_windows(t, [i for i, _ in matches], corpus=corpus, window=window)
    rows = []
    for (i, how), left, right in zip(matches, lefts, rights):
        speaker = speakers[i] if isinstance(speakers[i], str) else None
        rows.append(
            (
                docs[i],
                int(paras[i]),
                int(t.at[i, "sent_id"]),
                int(t.at[i, "token_id"]),
                speaker,
                left,
                surfaces[i],
                right,
                how,
            )
        )
    columns = ["doc_id", "para_id", "sent_id", "token_id", "speaker", "left", "keyword", "right", "match"]
    out = pd.DataFrame(rows, columns=columns)
    for c in ("para_id", "sent_id", "token_id"):
        out[c] = out[c].astype("int64")
    return out


_MEASURES = ("likelihood_ratio", "pmi", "chi_sq", "dice", "jaccard", "poisson_stirling", "raw_freq", "student_t")


def collocations(
    tokens: pd.DataFrame,
    *,
    node: str | None = None,
    measure: str = "likelihood_ratio",
    window: int = 2,
    min_count: int = 2,
    unit: str = "lemma",
    content_only: bool = True,
    by: By = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Word pairs that occur together more than chance: ``*by, word_1, word_2, n, measure, score``.

    Pairs are counted within sentences, ``word_2`` at most ``window − 1`` words after ``word_1``
    (stop words removed first when ``content_only``). Scores are NLTK's
    ``BigramAssocMeasures.<measure>`` (likelihood_ratio — Dunning's G², pmi, chi_sq, dice, jaccard,
    poisson_stirling, raw_freq, student_t). ``node`` keeps the pairs that contain that word
    (case-insensitive). Pairs seen fewer than ``min_count`` times are dropped. Sorted by group,
    descending score, then the words.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
    from nltk.probability import FreqDist

    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {', '.join(_MEASURES)}; not {measure!r}")
    if window < 2:
        raise ValueError("window must be at least 2")
    by = _by(by)
    words = word_rows(tokens, content_only=content_only).sort_values(["doc_id", "token_id"], kind="mergesort")
    node_key = node.casefold() if node else None
    words = words.reset_index(drop=True)
    group = words.groupby(by, sort=True, dropna=True).ngroup().to_numpy() if by else np.zeros(len(words), dtype=int)
    keys = words.groupby(by, sort=True, dropna=True).size().index if by else [()]
    values = words[unit].astype(str).to_numpy(dtype=object)
    docs = pd.factorize(words["doc_id"])[0]
    sents = words["sent_id"].to_numpy()
    # word pairs within a sentence, w2 at most window − 1 words after w1, all at once
    firsts, seconds = [], []
    for d in range(1, window):
        m = max(len(words) - d, 0)
        same = (docs[:m] == docs[d:]) & (sents[:m] == sents[d:]) & (group[:m] == group[d:]) & (group[:m] >= 0)
        idx = np.flatnonzero(same)
        firsts.append(idx)
        seconds.append(idx + d)
    first = np.concatenate(firsts) if firsts else np.empty(0, dtype=int)
    second = np.concatenate(seconds) if seconds else np.empty(0, dtype=int)
    word_counts = pd.DataFrame({"g": group, "w": values})
    word_counts = word_counts[word_counts["g"] >= 0].groupby(["g", "w"], sort=False).size()
    pair_counts = pd.DataFrame({"g": group[first], "w1": values[first], "w2": values[second]})
    pair_counts = pair_counts.groupby(["g", "w1", "w2"], sort=False).size()
    rows = []
    present = set(pair_counts.index.get_level_values(0).tolist())
    for g, key in enumerate(keys):
        key = key if isinstance(key, tuple) else (key,)
        if g not in present:
            continue
        word_fd = FreqDist({w: int(n) for w, n in word_counts.loc[g].items()})
        pair_fd = FreqDist({(a, b): int(n) for (a, b), n in pair_counts.loc[g].items()})
        finder = BigramCollocationFinder(word_fd, pair_fd, window_size=window)
        finder.apply_freq_filter(min_count)
        if node_key:
            finder.apply_ngram_filter(lambda w1, w2: node_key not in (w1.casefold(), w2.casefold()))
        for (w1, w2), score in finder.score_ngrams(getattr(BigramAssocMeasures, measure)):
            rows.append((*key, w1, w2, int(finder.ngram_fd[(w1, w2)]), measure, float(score)))
    out = pd.DataFrame(rows, columns=[*by, "word_1", "word_2", "n", "measure", "score"])
    out["n"] = out["n"].astype("int64")
    out = _order(out, by, ["score", "word_1", "word_2"], [False, True, True])
    if top is not None:
        out = (out.groupby(by, sort=False).head(top) if by else out.head(top)).reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- reference statements
def reference_tokens(references: pd.DataFrame | str | os.PathLike[str], *, doc_id: str = "references") -> pd.DataFrame:
    """Token table of reference statements (:func:`analysis.corpus.references.load_references`, or
    the path of such a file), e.g. the Cluetrain theses: every statement is a paragraph of one
    document ``doc_id``."""
    from ..annotate.pipeline import annotate_text

    if not isinstance(references, pd.DataFrame):
        from ..corpus.references import load_references

        references = load_references(references)  # the one parser of reference files
    lines = references["statement"].tolist()
    text = "\n\n".join(lines)
    spans, pos = [], 0
    for line in lines:
        spans.append((pos, pos + len(line)))
        pos += len(line) + 2
    t = annotate_text(text, spans)
    t.insert(0, "doc_id", doc_id)
    return t.assign(kind="body", speaker=None, is_boilerplate=False)


def reference_overlap(
    tokens: pd.DataFrame, reference: pd.DataFrame, *, unit: str = "lemma", top: int = 10
) -> pd.DataFrame:
    """How much of a reference text's vocabulary each document uses: ``doc_id, n_types,
    n_reference_types, n_shared, jaccard, cosine, shared`` (``shared``: the most frequent shared
    content lemmas of the document, at most ``top``)."""
    ref_id = "\u0000reference"
    words = word_rows(tokens, content_only=True)
    words = words[words["doc_id"].notna()]
    ref = word_rows(reference, content_only=True).assign(doc_id=ref_id)
    groups, X = _count_matrix(pd.concat([words, ref], ignore_index=True), "doc_id", unit)
    is_ref = groups == ref_id
    R = X[np.flatnonzero(is_ref)]
    D = X[np.flatnonzero(~is_ref)]
    shared, dot, n_types, sq = _pair_stats(D, R)
    n_ref = int(np.diff(R.indptr)[0]) if R.shape[0] else 0
    sq_ref = float(R.multiply(R).sum()) if R.shape[0] else 0.0
    shared = shared[:, 0] if shared.shape[1] else np.zeros(len(n_types), dtype=np.int64)
    dot = dot[:, 0] if dot.shape[1] else np.zeros(len(n_types))
    union = n_types + n_ref - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared / np.where(union > 0, union, 1), np.nan)
        cosine = dot / np.sqrt(sq * sq_ref)
    ov = pd.DataFrame(
        {
            "doc_id_a": groups[~is_ref],
            "n_types_a": n_types,
            "n_types_b": n_ref,
            "n_shared": shared,
            "jaccard": jaccard,
            "cosine": cosine,
        }
    )
    ref_words = set(word_rows(reference, content_only=True)[unit].astype(str).str.casefold())
    freqs = frequencies(tokens, by="doc_id", unit=unit)
    freqs = freqs[freqs[unit].str.casefold().isin(ref_words)]
    shared = freqs.groupby("doc_id")[unit].agg(lambda s: "; ".join(s.head(top)))
    out = pd.DataFrame(
        {
            "doc_id": ov["doc_id_a"].to_numpy(),
            "n_types": ov["n_types_a"].to_numpy(),
            "n_reference_types": ov["n_types_b"].to_numpy(),
            "n_shared": ov["n_shared"].to_numpy(),
            "jaccard": ov["jaccard"].to_numpy(),
            "cosine": ov["cosine"].to_numpy(),
        }
    )
    out["shared"] = out["doc_id"].map(shared).fillna("")
    return out.sort_values("doc_id").reset_index(drop=True)


# --------------------------------------------------------------------------- figures
def _row_labels(table: pd.DataFrame) -> list[str]:
    """``doc_id`` for document rows, ``↳ speaker`` for speaker rows (which follow their document)."""
    docs = table["doc_id"].astype(str) if "doc_id" in table else pd.Series([""] * len(table))
    if "speaker" not in table.columns:
        return docs.tolist()
    return [f"  ↳ {s}" if isinstance(s, str) else d for d, s in zip(docs, table["speaker"])]


def plot_keyness(table: pd.DataFrame, *, n: int = 8, unit: str = "lemma", comparison: str | None = None):
    """Small multiples: the ``n`` most over-used words (G² bars, log ratio in the label) per target
    of one ``comparison`` of a keyness table (default: document_vs_rest when present, else
    document_vs_general)."""
    import matplotlib.pyplot as plt

    from ..plots.core import PALETTE, style, wrap_label

    style()
    if comparison is None:
        present = set(table["comparison"])
        comparison = "document_vs_rest" if "document_vs_rest" in present else "document_vs_general"
    top = top_keywords(table[table["comparison"] == comparison], n=n, unit=unit)
    targets = list(dict.fromkeys(top["target"]))
    if not targets:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "no significant keywords", ha="center", va="center")
        return fig
    cols = min(3, len(targets))
    rows = math.ceil(len(targets) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.28 * n * rows + 1.2 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(targets):
            ax.axis("off")
            continue
        sub = top[top["target"] == targets[k]].iloc[::-1]
        labels = [f"{w} ({lr:+.1f})" for w, lr in zip(sub[unit], sub["log_ratio"])]
        ax.barh(labels, sub["g2"], color=PALETTE[k % len(PALETTE)])
        ax.set_title(wrap_label(targets[k], 34), fontsize=9)
        ax.set_xlabel("G² (log ratio in brackets)")
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(f"Keywords: {comparison.replace('_', ' ')}", fontweight="bold")
    fig.tight_layout()
    return fig


def plot_profile(diversity_table: pd.DataFrame, readability_table: pd.DataFrame):
    """Two panels per row (document, or speaker): MTLD (lexical diversity) and Flesch-Amstad
    reading ease. The tables come from :func:`diversity` and :func:`analysis.readability.readability`
    with the same grouping."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    from ..plots.core import PALETTE, style

    style()
    keys = [c for c in ("doc_id", "speaker") if c in diversity_table.columns and c in readability_table.columns]
    # a left merge keeps the given row order (each document followed by its speakers); an outer
    # merge would sort the keys and put a document's speaker rows above it
    merged = diversity_table.merge(readability_table, on=keys, how="left", sort=False)
    labels = _row_labels(merged)
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.35 * len(labels) + 1.4), sharey=True)
    # speaker rows lighter than their document's row
    speaker_row = np.array([lab.startswith("  ↳") for lab in labels], dtype=bool)
    alpha = np.where(speaker_row, 0.55, 1.0)
    axes[0].barh(labels, merged["mtld"].to_numpy(), color=[(*to_rgb(PALETTE[0]), a) for a in alpha])
    axes[0].set_title("Lexical diversity (MTLD)")
    axes[0].set_xlabel("mean length of a stretch with TTR > 0.72 (words)")
    axes[0].invert_yaxis()
    axes[1].barh(labels, merged["flesch_amstad"].to_numpy(), color=[(*to_rgb(PALETTE[1]), a) for a in alpha])
    axes[1].set_title("Reading ease (Flesch-Amstad)")
    axes[1].set_xlabel("0 very hard … 100 very easy")
    fig.tight_layout()
    return fig


def plot_families(table: pd.DataFrame, *, value: str = "per_1000"):
    """Heatmap of a :func:`word_families` table: rows (documents, speakers) × families."""
    from ..plots.core import heatmap

    rows = table.drop_duplicates([c for c in ("doc_id", "speaker") if c in table.columns])
    labels = dict(zip(rows.index, _row_labels(rows)))
    order = list(dict.fromkeys(labels.values()))
    keys = [c for c in ("doc_id", "speaker") if c in table.columns]
    label_of = {tuple(r[k] if isinstance(r[k], str) else None for k in keys): labels[i] for i, r in rows.iterrows()}
    t = table.assign(
        _g=[
            label_of[tuple(v if isinstance(v, str) else None for v in row)]
            for row in table[keys].itertuples(index=False)
        ]
    )
    matrix = t.pivot_table(index="_g", columns="family", values=value, sort=False).reindex(order)
    matrix.index.name = None
    matrix.columns.name = None
    title = "Word families per 1,000 words" if value == "per_1000" else f"Word families ({value})"
    return heatmap(matrix, title=title, cmap="Oranges", fmt="{:.1f}")


def plot_overlap(table: pd.DataFrame, *, measure: str = "jaccard"):
    """Heatmap of :func:`overlap` (``measure``: jaccard or cosine)."""
    from ..plots.core import heatmap

    return heatmap(
        overlap_matrix(table, measure=measure), title=f"Vocabulary overlap ({measure}, content lemmas)", fmt="{:.2f}"
    )


# --------------------------------------------------------------------------- report
def per_document_and_speaker(func, tokens: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """``func(tokens, by=...)`` per document (``speaker`` empty) and per document × speaker, stacked:
    each document's row followed by its speakers' rows. ``func`` is e.g. :func:`diversity`,
    :func:`word_families` or :func:`analysis.readability.readability`."""
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


def _largest_documents(tokens: pd.DataFrame, n: int) -> pd.DataFrame:
    """The tokens of the ``n`` documents with the most words (ties by doc_id); all when there are fewer."""
    sizes = tokens.loc[tokens["token_type"].isin(_WORD_TYPES), "doc_id"].value_counts()
    if len(sizes) <= n:
        return tokens
    ranked = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return tokens[tokens["doc_id"].isin({d for d, _ in ranked})]


def _rows_per_target(keyness: pd.DataFrame, max_rows: int) -> int:
    """100 keywords per target, fewer when a comparison has so many targets (documents) that the
    table would pass ``max_rows`` rows, but at least 10."""
    if keyness.empty:
        return 100
    targets = int(keyness.groupby("comparison")["target"].nunique().max())
    return int(min(100, max(10, max_rows // max(targets, 1))))


def vocabulary_tables(
    tokens: pd.DataFrame, *, references: pd.DataFrame | None = None, caps: Caps = CAPS
) -> dict[str, pd.DataFrame]:
    """The vocabulary tables of the report (CSV names without ``.csv``):

    * ``frequencies`` — top 50 content lemmas per document (:func:`frequencies`);
    * ``ngrams`` — top 30 content-word bigrams per document seen at least twice;
    * ``diversity`` / ``readability`` — per document (``speaker`` empty) and per speaker;
    * ``keyness`` — :func:`analysis.keyness.keyness_table`, words with p < 0.05, at most 100
      rows per comparison and target (fewer, at least 10, when a comparison has more than 1,000
      targets: at most ``caps.keyness_rows`` rows per comparison);
    * ``compound_families`` — by head and by modifier per document;
    * ``word_families`` — the Dialog/Gespräch and Marketing/Werbung families per document and
      per speaker; ``overlap`` — Jaccard/cosine of every document pair (of the
      ``caps.overlap_documents`` largest documents when there are more); ``collocations`` — top 50
      corpus-wide collocations (G²);
    * ``reference_overlap`` — only with ``references`` (reference statements).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        readability_table = per_document_and_speaker(readability, tokens)
    keyness = keyness_table(tokens)
    keyness = keyness[keyness["p_value"] < 0.05]
    per_target = _rows_per_target(keyness, caps.keyness_rows)
    keyness = (
        keyness.groupby(["comparison", "target"], sort=False, dropna=False).head(per_target).reset_index(drop=True)
    )
    compounds = pd.concat(
        [compound_families(tokens, role="head"), compound_families(tokens, role="modifier")], ignore_index=True
    ).sort_values(["doc_id", "role", "n", "family"], ascending=[True, True, False, True], kind="mergesort")
    tables = {
        "frequencies": frequencies(tokens, top=50),
        "ngrams": ngrams(tokens, content_only=True, min_count=2, top=30),
        "diversity": per_document_and_speaker(diversity, tokens),
        "readability": readability_table,
        "keyness": keyness,
        "compound_families": compounds.reset_index(drop=True),
        "word_families": per_document_and_speaker(word_families, tokens),
        "overlap": overlap(_largest_documents(tokens, caps.overlap_documents)),
        "collocations": collocations(tokens, top=50),
    }
    if references is not None:
        tables["reference_overlap"] = reference_overlap(tokens, reference_tokens(references))
    return tables
