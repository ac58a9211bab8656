"""The data behind the exploration page, computed once in Python and capped so that the page stays
small: term lists, a compound-aware KWIC index, dispersion, collocates and per-group counts.

Every function is pure and deterministic (sorted outputs; where rows are thinned, they are taken at
evenly spaced positions in text order, not at random).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..annotate.pipeline import word_rows
from ..counts import distinct_sorted, in_text_order
from ..extract.kwic import context_windows
from ..textstats.frequency import frequencies
from ..textstats.keyness import group_labels, log_likelihood

__all__ = ["collocates", "dispersion", "doc_terms", "group_counts", "kwic_index", "term_list"]


def _content(tokens: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The content words' ``columns`` (with ``doc_id`` and ``token_id``) in text order; not sorted
    again (a second copy) when they are in that order already, as annotated."""
    words = word_rows(tokens, content_only=True, columns=columns)
    if in_text_order(words):
        return words.reset_index(drop=True)
    return words.sort_values(["doc_id", "token_id"], kind="mergesort").reset_index(drop=True)


def term_list(tokens: pd.DataFrame, *, top: int = 20_000) -> pd.DataFrame:
    """Voyant's Terms / AntConc's Word List for the corpus: ``lemma, n, per_1000, n_docs, forms``
    (content words; ``forms``: the three most frequent surface forms), the ``top`` most frequent."""
    words = _content(tokens, ["doc_id", "token_id", "lemma", "token"])
    if words.empty:
        return pd.DataFrame({c: [] for c in ("lemma", "n", "per_1000", "n_docs", "forms")})
    lemma = words["lemma"].astype(str)
    n = lemma.value_counts()
    # documents per lemma and forms per lemma counted on integer codes: a string per row would
    # cost more than the word table itself
    l_codes, l_names = pd.factorize(lemma)
    d_codes = pd.factorize(words["doc_id"])[0] + 1  # a missing doc_id (code -1) counts as one more
    has = l_codes >= 0
    width = int(d_codes.max()) + 1
    pairs = distinct_sorted(l_codes[has].astype(np.int64) * width + d_codes[has])
    n_docs = pd.Series(np.bincount(pairs // width, minlength=len(l_names)), index=l_names)
    del d_codes, pairs
    out = pd.DataFrame({"lemma": n.index.astype(str), "n": n.to_numpy(dtype="int64")})
    out = out.sort_values(["n", "lemma"], ascending=[False, True], kind="mergesort").head(top)
    f_codes, f_names = pd.factorize(words["token"].astype(str))
    in_top = np.append(l_names.isin(set(out["lemma"])), False)  # code -1 (no lemma): not counted
    has &= in_top[l_codes] & (f_codes >= 0)
    pair, c = np.unique(l_codes[has].astype(np.int64) * max(len(f_names), 1) + f_codes[has], return_counts=True)
    del l_codes, f_codes, has
    forms = pd.DataFrame(
        {
            "l": np.asarray(l_names, dtype=object)[pair // max(len(f_names), 1)],
            "f": np.asarray(f_names, dtype=object)[pair % max(len(f_names), 1)],
            "c": c,
        }
    )
    forms = forms.sort_values(["l", "c", "f"], ascending=[True, False, True], kind="mergesort")
    # the first three forms of each lemma, joined per run of equal lemmas (sorted: one run each)
    lemmas = forms["l"].to_numpy()
    first = np.r_[True, lemmas[1:] != lemmas[:-1]] if len(lemmas) else np.empty(0, dtype=bool)
    starts = np.flatnonzero(first)
    rank = np.arange(len(lemmas)) - np.repeat(starts, np.diff(np.r_[starts, len(lemmas)]))
    kept = rank < 3
    top_forms = pd.Series(
        _join_runs(forms["f"].to_numpy()[kept], np.cumsum(first)[kept], sep=", "), index=lemmas[starts], dtype=object
    )
    out["per_1000"] = (1000.0 * out["n"] / len(words)).round(3)
    out["n_docs"] = out["lemma"].map(n_docs).astype("int64")
    out["forms"] = out["lemma"].map(top_forms).fillna("")
    return out.reset_index(drop=True)[["lemma", "n", "per_1000", "n_docs", "forms"]]


def doc_terms(tokens: pd.DataFrame, *, per_doc: int = 200, total: int = 30_000) -> pd.DataFrame:
    """The most frequent content lemmas of each document: ``doc_id, lemma, n, per_1000`` (per 1,000
    content words of that document), at most ``per_doc`` per document and ``total`` in all."""
    n_docs = max(int(tokens["doc_id"].nunique()), 1)
    keep = max(1, min(per_doc, total // n_docs))
    counts = frequencies(tokens, by="doc_id", feature="lemma", n=keep)
    counts = counts[counts["n"] > 0]
    return pd.DataFrame(
        {
            "doc_id": counts["doc_id"].astype(str).to_numpy(),
            "lemma": counts["lemma"].astype(str).to_numpy(),
            "n": counts["n"].astype("int64").to_numpy(),
            "per_1000": counts["per_1000"].round(3).to_numpy(),
        }
    ).astype({"doc_id": "str", "lemma": "str"})


_MATCH_KINDS = ("lemma", "head", "modifier")


def _matches(tokens: pd.DataFrame) -> pd.DataFrame:
    """Every (key, token) match of a content token: its lemma (``match = "lemma"``), its compound
    head (``"head"``: *Marketing* finds *Online-Marketing*) and its modifiers (``"modifier"``:
    *Marketinghype*). Columns ``key, row, match`` (``row``: position in ``tokens``): lemma rows
    first, then heads, then modifiers, each in row order; a key of one letter is left out, and a
    head or modifier equal to the token's lemma is the same match (kept once, as ``lemma``).

    ``key`` and ``match`` are categoricals (``key``'s categories sorted, so sorting and grouping
    by it order as the strings do): the keys stay Arrow strings until they are encoded, and a
    match costs 13 bytes, not a Python string (at 10M tokens about 6 million matches)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = tokens
    is_content = t["token_type"].isin(("word", "hashtag")).to_numpy() & t["is_content"].to_numpy(dtype=bool)
    rows = np.flatnonzero(is_content)

    def strings(column: str) -> pa.Array:  # the content rows of a column as one Arrow string array
        values = pa.array(t[column].take(rows).astype("str").array)
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        return values.cast(pa.large_string())

    keys, at, kinds = [], [], []
    for kind, column in enumerate(("lemma", "compound_head", "compound_modifier")):
        if column not in t.columns:
            continue
        values, where = strings(column), rows
        if kind == 2:  # several modifiers joined by "|"
            lists = pc.split_pattern(values, "|")
            values, where = pc.list_flatten(lists), where[pc.list_parent_indices(lists).to_numpy()]
        ok = pc.fill_null(pc.greater(pc.utf8_length(values), 1), False)
        keys.append(values.filter(ok))
        at.append(where[ok.to_numpy(zero_copy_only=False)])
        kinds.append(np.full(len(at[-1]), kind, dtype=np.int8))
    if not keys:
        return pd.DataFrame({"key": pd.Categorical([]), "row": np.empty(0, np.int64), "match": pd.Categorical([])})
    encoded = pc.dictionary_encode(pa.concat_arrays(keys))
    del keys
    names = encoded.dictionary
    rank = np.empty(len(names), dtype=np.int64)  # categories in sorted order (as strings sort)
    rank[pc.sort_indices(names).to_numpy()] = np.arange(len(names))
    code = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    del encoded
    row = np.concatenate(at)
    kind = np.concatenate(kinds)
    # a (key, row) seen before in this order is the same match: keep the first
    pair = code * (int(row.max()) + 1 if len(row) else 1) + row
    order = np.argsort(pair, kind="stable")
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[order[1:]] != pair[order[:-1]]
    keep = np.zeros(len(pair), dtype=bool)
    keep[order[first]] = True
    del pair, order, first
    categories = pd.Index(np.asarray(names.take(pc.sort_indices(names)).to_pylist(), dtype=object), dtype="str")
    return pd.DataFrame(
        {
            "key": pd.Categorical.from_codes(code[keep], categories=categories),
            "row": row[keep],
            "match": pd.Categorical.from_codes(kind[keep], categories=list(_MATCH_KINDS)),
        }
    )


def _text_order(tokens: pd.DataFrame) -> pd.DataFrame:
    """``tokens`` sorted by ``doc_id, token_id`` (stable) with a fresh 0…n−1 index: the table itself
    when it is already so (the annotation's order: checked on integer codes, without sorting), else
    a sorted copy."""
    index = tokens.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and in_text_order(tokens):
        return tokens
    keys = tokens[["doc_id", "token_id"]].reset_index(drop=True)
    order = keys.sort_values(["doc_id", "token_id"], kind="mergesort").index.to_numpy()
    return tokens.take(order).reset_index(drop=True)


def _evenly(n: int, k: int) -> np.ndarray:
    """``k`` indices spread evenly over ``range(n)`` (all of them when ``n <= k``)."""
    if n <= k:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, k).round().astype(int))


def kwic_index(
    tokens: pd.DataFrame,
    corpus=None,
    *,
    min_count: int = 2,
    per_key: int = 25,
    max_lines: int = 25_000,
    window: int = 6,
    matches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A precomputed, compound-aware concordance of every content lemma (and compound part) seen at
    least ``min_count`` times: ``key, n_key, doc_id, para_id, token_id, speaker, left, keyword,
    right, match, left_sort``.

    ``key`` is the lemma searched for; ``match`` says how the token matched it (``lemma``, ``head``,
    ``modifier``, as :func:`analysis.extract.kwic`); ``n_key`` counts all matches of the key, of
    which at most ``per_key`` lines are kept (more when ``max_lines`` ÷ the number of keys is larger:
    small corpora keep every line), evenly spaced through the corpus in text order. Keys
    are taken from the most frequent down until ``max_lines`` lines are reached. ``left``/``right``
    hold ``window`` tokens of the same paragraph (cut from the document text when ``corpus`` is
    given, so spacing is the original); ``left_sort`` is the left context read backwards word by
    word (AntConc's "sort on 1L, 2L, …"). Sorted by key, doc_id, token_id. ``matches``: the
    tokens' key matches (``key, row, match``, rows in ``doc_id, token_id`` order) when the caller
    has them (:func:`dispersion` uses the same), else they are computed here.
    """
    columns = ["key", "n_key", "doc_id", "para_id", "token_id", "speaker", "left", "keyword", "right", "match"]
    t = _text_order(tokens)
    if t.empty:
        return pd.DataFrame({c: [] for c in [*columns, "left_sort"]})
    m = _matches(t) if matches is None else matches
    n_key = m["key"].value_counts()
    n_key = n_key[n_key >= min_count]
    per_key = max(per_key, max_lines // max(len(n_key), 1))  # a small corpus keeps more lines per word
    order = sorted(n_key.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen, budget = [], max_lines
    for key, n in order:
        take = min(int(n), per_key)
        if take > budget:
            break
        chosen.append(key)
        budget -= take
    m = m[m["key"].isin(set(chosen))].sort_values(["key", "row"], kind="mergesort")
    keep = []
    for _key, rows in m.groupby("key", sort=True, observed=True):
        keep.append(rows.iloc[_evenly(len(rows), per_key)])
    m = pd.concat(keep) if keep else m
    rows = m["row"].to_numpy()
    # the kept lines' rows only, as Python values
    docs = t["doc_id"].take(rows).astype(str).to_numpy()
    paras = t["para_id"].take(rows).to_numpy()
    surfaces = t["token"].take(rows).astype(str).to_numpy()
    speakers = t["speaker"].take(rows).astype(object).to_numpy() if "speaker" in t.columns else np.full(len(rows), None)
    token_ids = t["token_id"].take(rows).to_numpy()
    lefts, rights = context_windows(t, rows.tolist(), corpus=corpus, window=window)
    out = []
    for j, (key, how, left, right) in enumerate(zip(m["key"].tolist(), m["match"].tolist(), lefts, rights)):
        speaker = speakers[j] if isinstance(speakers[j], str) else ""
        out.append(
            (key, int(n_key[key]), docs[j], int(paras[j]), int(token_ids[j]), speaker, left, surfaces[j], right, how)
        )
    frame = pd.DataFrame(out, columns=columns)
    frame["left_sort"] = [" ".join(reversed(s.casefold().split())) for s in frame["left"]]
    return frame.sort_values(["key", "doc_id", "token_id"], kind="mergesort").reset_index(drop=True)


def dispersion(
    tokens: pd.DataFrame,
    keys: list[str],
    *,
    bins: int = 100,
    max_docs: int = 200,
    matches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Where each key (lemma, compound head or modifier) occurs through each text (AntConc's
    Concordance Plot): ``key, doc_id, n, per_1000, bins`` — ``bins`` the sorted distinct positions
    of the hits as ``0 … bins − 1`` (token position ÷ document length), space-separated. At most
    ``max_docs`` documents per key (those with most hits). ``matches`` as in :func:`kwic_index`."""
    t = _text_order(tokens)  # no copy when the tokens are in text order already (as annotated)
    m = _matches(t) if matches is None else matches
    m = m[m["key"].isin(set(keys))]
    rows = m["row"].to_numpy()
    # keys, documents and positions as integer codes, numbered in the strings' sort order, so that
    # sorting the codes sorts the rows as the strings would (no string per match)
    key_code, key_names = pd.factorize(m["key"], sort=True)
    key_names = np.asarray(pd.Index(key_names).astype(str), dtype=object)
    doc_code, doc_names = _sorted_codes(t["doc_id"])
    n_doc = max(len(doc_names), 1)
    token_id = t["token_id"].to_numpy()
    longest = pd.Series(token_id).groupby(doc_code, sort=True).max()
    length = np.zeros(n_doc, dtype=token_id.dtype)
    length[longest.index.to_numpy()] = longest.to_numpy() + 1
    is_word = t["token_type"].isin(("word", "hashtag")).to_numpy() & t["is_content"].to_numpy(dtype=bool)
    content = np.bincount(doc_code[is_word], minlength=n_doc)
    del longest, is_word
    doc = doc_code[rows]
    pos = token_id[rows]
    hit_bin = np.minimum((bins * pos / length[doc]).astype(int), bins - 1)
    combo = key_code.astype(np.int64) * n_doc + doc  # (key, document), in key then document order
    combos, n = np.unique(combo, return_counts=True)
    cells = distinct_sorted(combo * bins + hit_bin)  # distinct (key, document, bin), sorted
    del combo, doc, pos, hit_bin
    labels = np.array([str(b) for b in range(bins)], dtype=object)
    joined = np.asarray(_join_runs(labels[cells % bins], cells // bins), dtype=object)
    ckey, cdoc = combos // n_doc, combos % n_doc
    # at most max_docs documents per key: those with most hits (ties: the first document)
    order = np.lexsort((cdoc, -n, ckey))
    starts = np.searchsorted(ckey[order], ckey[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts
    keep = rank < max_docs
    per_1000 = (1000.0 * pd.Series(n[keep].astype(np.int64)) / content[cdoc[keep]]).round(3)
    return pd.DataFrame(
        {
            "key": key_names[ckey[keep]],
            "doc_id": doc_names[cdoc[keep]],
            "n": n[keep].astype(np.int64),
            "per_1000": per_1000.to_numpy(),
            "bins": joined[keep],
        }
    )


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column's values as strings, numbered in the strings' sorted order, and
    those strings (an object array): a categorical with sorted categories gives its own codes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = column.cat.categories.astype(str)
        codes = column.cat.codes.to_numpy()
        if names.is_unique and names.is_monotonic_increasing and (codes >= 0).all():
            return codes, np.asarray(names, dtype=object)
    codes, names = pd.factorize(column.astype(str), sort=True)
    return codes, np.asarray(names, dtype=object)


def _strings_at(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The values of ``column`` at positions ``rows`` as strings (an object array); of a
    categorical column one string per category, shared by its rows."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[rows]
        if (codes >= 0).all():
            return np.asarray(column.cat.categories.astype(str), dtype=object)[codes]
    return column.take(rows).astype(str).to_numpy()


def _join_runs(values: np.ndarray, codes: np.ndarray, *, sep: str = " ") -> list[str]:
    """``sep``-joined ``values`` per run of equal, sorted ``codes``."""
    if not len(codes):
        return []
    bounds = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [len(codes)]]).tolist()
    values = values.tolist()
    return [sep.join(values[a:b]) for a, b in zip(starts, ends)]


def collocates(tokens: pd.DataFrame, keys: list[str], *, window: int = 5, top: int = 12) -> pd.DataFrame:
    """Collocates of each key lemma (Voyant Links, AntConc Collocates): content lemmas within
    ``window`` content words on either side in the same sentence. ``key, collocate, n, n_collocate,
    g2, log_ratio``: ``n`` co-occurrences; G² and log ratio compare the collocate's frequency in the
    key's windows with its frequency in the rest of the corpus (:func:`analysis.keyness.log_likelihood`).
    Only collocates seen at least twice and more often than elsewhere, the ``top`` by G² per key."""
    words = _content(tokens, ["doc_id", "token_id", "sent_id", "lemma"])
    # lemmas as integer codes: the pairs of a large corpus are counted as numbers, not strings
    code, names = pd.factorize(words["lemma"].astype(str))
    names = np.asarray(names, dtype=object)
    doc = pd.factorize(words["doc_id"])[0]
    sent = words["sent_id"].to_numpy()
    n = len(words)
    keyset = set(keys)
    is_key_code = np.fromiter((w in keyset for w in names), bool, len(names))
    # (key, collocate) codes of the pairs in the same sentence at distance d, in both directions,
    # keeping only the pairs whose first word is a key (not the key itself): never all pairs at once
    code = code.astype(np.int32)  # fewer than 2**31 lemmas: the pair arrays at half the size
    key_parts, coll_parts = [], []
    for d in range(1, window + 1):
        k = max(n - d, 0)
        idx = np.flatnonzero((doc[:k] == doc[d:]) & (sent[:k] == sent[d:]))
        left, right = code[idx], code[idx + d]
        del idx
        for a, b in ((left, right), (right, left)):
            keep = (a >= 0) & (b >= 0) & is_key_code[a] & (a != b)  # -1: a word without a lemma
            key_parts.append(a[keep])
            coll_parts.append(b[keep])
    key_codes = np.concatenate(key_parts) if key_parts else np.empty(0, np.int32)
    del key_parts
    window_size = np.bincount(key_codes, minlength=len(names))  # words in each key's windows
    # count the distinct pairs as one integer each (the final sort by names fixes the row order),
    # built and sorted in place
    pair = key_codes.astype(np.int64)
    del key_codes
    pair *= max(len(names), 1)
    pair += np.concatenate(coll_parts) if coll_parts else np.empty(0, np.int32)
    del coll_parts
    pair.sort()
    first = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]])) if len(pair) else np.empty(0, np.int64)
    pair_n = np.diff(np.append(first, len(pair)))
    pair = pair[first]
    counts = pd.DataFrame(
        {"key": pair // max(len(names), 1), "collocate": pair % max(len(names), 1), "n": pair_n.astype(np.int64)}
    )
    freq = np.bincount(code, minlength=len(names))
    counts["n_collocate"] = freq[counts["collocate"].to_numpy()].astype("int64")
    c = window_size[counts["key"].to_numpy()].astype(float)
    b = counts["n_collocate"].to_numpy(dtype=float) - counts["n"].to_numpy(dtype=float)
    g2, _p, lr = log_likelihood(counts["n"].to_numpy(dtype=float), np.maximum(b, 0), c, np.maximum(n - c, 1.0))
    counts["g2"], counts["log_ratio"] = g2.round(3), lr.round(3)
    counts = counts[(counts["n"] >= 2) & (counts["log_ratio"] > 0)]
    counts = counts.assign(key=names[counts["key"].to_numpy()], collocate=names[counts["collocate"].to_numpy()])
    counts = counts.sort_values(["key", "g2", "collocate"], ascending=[True, False, True], kind="mergesort")
    return counts.groupby("key", sort=False).head(top).reset_index(drop=True)


def group_counts(
    tokens: pd.DataFrame, documents: pd.DataFrame | None, by: str, *, top: int = 4_000
) -> tuple[pd.DataFrame, pd.Series]:
    """Lemma counts per group of ``by`` (the ``top`` most frequent content lemmas; wide: one column
    per group) and the groups' sizes in content words, for the group comparison on the page."""
    words = _content(tokens, ["doc_id", "token_id", "lemma", by])
    if by in words.columns:
        label = words[by].astype(object)
    else:
        label = words["doc_id"].astype(str).map(group_labels(documents, by))
    ok = label.notna().to_numpy()
    frame = pd.DataFrame({"g": label[ok].astype(str).to_numpy(), "lemma": words["lemma"].astype(str).to_numpy()[ok]})
    sizes = frame["g"].value_counts().sort_index()
    total = frame["lemma"].value_counts()
    total = total.sort_index().sort_values(ascending=False, kind="mergesort").head(top)
    frame = frame[frame["lemma"].isin(set(total.index))]
    wide = frame.value_counts().unstack("g", fill_value=0).reindex(columns=list(sizes.index), fill_value=0)
    wide = wide.loc[sorted(wide.index)].astype("int64")
    return wide, sizes
