"""Top-down themes: editable term lists (``analysis/lang/de/themes.toml``, or the user's file) → matches, scores, a dominant theme.

    >>> themes = load_themes()                      # the packaged analysis/lang/de/themes.toml
    >>> matches = match_themes(tokens, themes)      # one row per matching token
    >>> docs = document_themes(tokens, themes)      # one row per document: scores + dominant theme

Matching (:func:`match_themes`) looks at every word token three ways, strongest first, and keeps
the strongest level that matches anything:

1. *term*: the lower-cased lemma or word form, or its hyphen-separated pieces, equals a term;
   multi-word terms ("social media", "märkte sind gespräche") match consecutive words of a
   sentence, also across the pieces of hyphenated words ("Social-Media-Team");
2. *head*: the compound head (``Kundendialog`` → ``dialog``) is in the theme's ``heads``;
3. *modifier*: the first compound part (``Gesprächspartner`` → ``gespräch``) is in ``heads``.

So ``Dialogmarketing`` (a term of *marketing*) is marketing, not dialogue. Themes with
co-occurrence ``groups`` (``ceo_tweeting``: an *actor* such as CEO, Vorstand, Führungskraft and a
*channel* such as Twitter, LinkedIn, posten) only count a group word when a word of every other
group occurs within ``window`` sentences: "der Vorstand twittert" is CEO tweeting, a CEO or a
tweet alone is not.

Scores (:func:`theme_scores`) are matched tokens per 1,000 content words of the unit, with a
small pseudo-count of content words added to the denominator (``prior``, default 50) so that a
two-line paragraph with one hit does not outscore a whole article. A document's dominant theme
(:func:`document_themes`) is the label of ``[dominant.*]`` in the TOML with the highest
score / threshold, or ``"none"`` when no label reaches its threshold. The thresholds were set
from off-topic real German text (UD German GSD news/web sentences, GermEval 2017 web texts) and texts
written for the purpose, not from the seed corpus alone; see ``benchmarks/bench_themes.py``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from ..annotate.pipeline import factorize_pairs
from ..counts import distinct_sorted
from .lexicon import Theme, load_themes

__all__ = ["MATCH_COLUMNS", "match_themes"]

MATCH_COLUMNS = ("doc_id", "para_id", "sent_id", "token_id", "lemma", "theme", "term", "level", "group")
_LEVELS = ("term", "head", "modifier")


def _index(themes: dict[str, Theme]):
    """first word → [(words, theme, group)], and head → [(theme, group)]."""
    by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
    heads: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for theme in themes.values():
        entries = [("", theme.terms, theme.heads)] + [(g.name, g.terms, g.heads) for g in theme.groups]
        for group, terms, hs in entries:
            for term in sorted(terms):
                words = tuple(term.split())
                if words:
                    by_first[words[0]].append((words, theme.name, group))
            for h in sorted(hs):
                heads[h].append((theme.name, group))
    return by_first, heads


def _pieces(norm: str, lemma: str) -> list[frozenset[str]]:
    """Alternatives per hyphen-separated piece: word form and lemma (lower-cased)."""
    n = [p for p in norm.lstrip("#").replace("/", "-").split("-") if p]
    m = [p for p in lemma.lower().lstrip("#").replace("/", "-").split("-") if p]
    if not n:
        return []
    if len(n) == len(m):
        return [frozenset((a, b)) for a, b in zip(n, m)]
    alts = [frozenset((a,)) for a in n]
    if m:
        alts[-1] = alts[-1] | {m[-1]}
    return alts


def _flat_from(i, p, k, pieces_i, pair_pieces, pair_codes, doc, sent, n) -> list[tuple[frozenset[str], int]]:
    """Up to ``k`` (alternatives, token position) pieces of a sentence, from piece ``p`` of token ``i`` on."""
    flat = [(alts, i) for alts in pieces_i[p : p + k]]
    j = i + 1
    while len(flat) < k and j < n and doc[j] == doc[i] and sent[j] == sent[i]:
        flat.extend((alts, j) for alts in pair_pieces[pair_codes[j]][: k - len(flat)])
        j += 1
    return flat


def _string_codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes of ``column`` at ``rows`` and the strings they stand for, a missing value as ``""``
    (the whole column factorised, so no copy of its rows is made)."""
    codes, uniques = pd.factorize(column)
    values = [str(v) for v in uniques] + [""]
    codes = codes[rows]
    codes[codes < 0] = len(values) - 1
    return codes, values


def _modifier_forms(modifier: str) -> tuple[str, ...]:
    m = modifier.lower()
    forms = [m]
    for link in ("s", "es", "en", "n"):  # linking elements: Unternehmens-, Gesprächs-
        if m.endswith(link) and len(m) - len(link) >= 3:
            forms.append(m[: -len(link)])
    return tuple(forms)


def match_themes(tokens: pd.DataFrame, themes: dict[str, Theme] | None = None) -> pd.DataFrame:
    """One row per token that matches a theme: ``doc_id, para_id, sent_id, token_id, lemma, theme``
    plus ``term`` (the term or compound part that matched), ``level`` (term|head|modifier) and
    ``group`` (co-occurrence group, ``""`` for plain terms).

    ``tokens`` is :func:`analysis.annotate` output (needs ``norm``, ``lemma``, ``token_type``,
    ``compound_head``, ``compound_modifier``). A token matching two themes gives two rows. Sorted
    by ``doc_id, token_id, theme``.
    """
    themes = load_themes() if themes is None else themes
    empty = pd.DataFrame(
        {c: pd.Series(dtype="int64" if c.endswith("_id") and c != "doc_id" else object) for c in MATCH_COLUMNS}
    )
    if tokens.empty or not themes:
        return empty
    by_first, head_index = _index(themes)
    # the kept tokens by position in ``tokens``: their columns are read through integer codes of
    # the whole columns, never copied (a copy of the string columns cost more than the matching)
    keep = np.flatnonzero(~tokens["token_type"].isin(("punct", "symbol", "url", "email")).to_numpy())
    doc = pd.factorize(tokens["doc_id"], sort=True)[0][keep]
    order = np.lexsort((tokens["token_id"].to_numpy()[keep], doc))
    if not np.array_equal(order, np.arange(len(order))):  # annotate() output is in this order already
        keep, doc = keep[order], doc[order]
    del order
    sent = tokens["sent_id"].to_numpy()[keep]
    head_codes, heads = _string_codes(tokens["compound_head"], keep)
    mod_codes, mods = _string_codes(tokens["compound_modifier"], keep)

    # level → token position → {(theme, group, term)}
    found: list[dict[int, set[tuple[str, str, str]]]] = [defaultdict(set) for _ in _LEVELS]
    n = len(keep)
    # pieces are computed once per distinct (word form, lemma); only tokens with a piece that
    # starts a term are looked at in their sentence (the few multi-word terms read on from there)
    pair_codes, pairs = factorize_pairs(tokens["norm"], tokens["lemma"])
    pair_codes = pair_codes[keep]
    pair_pieces = [_pieces(norm, lemma) for norm, lemma in pairs]
    starts_term = np.array([any(alt in by_first for alts in ps for alt in alts) for ps in pair_pieces], dtype=bool)
    candidates = np.flatnonzero(starts_term[pair_codes]) if n else np.empty(0, dtype=np.int64)
    for i in candidates.tolist():
        pieces_i = pair_pieces[pair_codes[i]]
        for p, alts in enumerate(pieces_i):
            for alt in alts:
                for term_words, theme, group in by_first.get(alt, ()):
                    k = len(term_words)
                    flat = _flat_from(i, p, k, pieces_i, pair_pieces, pair_codes, doc, sent, n)
                    if len(flat) < k or any(term_words[x] not in flat[x][0] for x in range(1, k)):
                        continue
                    for x in range(k):
                        found[0][flat[x][1]].add((theme, group, " ".join(term_words)))
    # heads and modifiers: looked up once per distinct value; a token's rows at these levels depend
    # on its head (modifier) alone, so they are made once per distinct head (modifier) and repeated
    head_hits = [head_index.get(h.lower(), ()) if h else () for h in heads]
    has_head = np.array([bool(h) for h in head_hits], dtype=bool)
    head_rows = _level_rows([{(t, g, h.lower()) for t, g in hits} for h, hits in zip(heads, head_hits)])
    mod_hits = [[(f, hit) for f in _modifier_forms(m) for hit in head_index.get(f, ())] if m else [] for m in mods]
    has_mod = np.array([bool(h) for h in mod_hits], dtype=bool)
    mod_rows = _level_rows([{(t, g, f) for f, (t, g) in hits} for hits in mod_hits])

    # each token's rows at its strongest level: terms (found above), else heads, else modifiers
    at_term = np.zeros(n, dtype=bool)
    at_term[list(found[0])] = True
    at_head = np.flatnonzero(has_head[head_codes] & ~at_term)
    at_mod = np.flatnonzero(has_mod[mod_codes] & ~at_term & ~has_head[head_codes])
    term_pos = sorted(found[0])
    term_rows = _level_rows([found[0][i] for i in term_pos])
    parts = [
        _expand(np.asarray(term_pos, dtype=np.int64), np.arange(len(term_pos)), term_rows, _LEVELS[0]),
        _expand(at_head, head_codes[at_head], head_rows, _LEVELS[1]),
        _expand(at_mod, mod_codes[at_mod], mod_rows, _LEVELS[2]),
    ]
    pos = np.concatenate([p[0] for p in parts])
    if not len(pos):
        return empty
    order = np.argsort(pos, kind="stable")  # by token; a token's rows stay in the order made
    pos = pos[order]
    theme_col, term_col, level_col, group_col = (np.concatenate([p[k] for p in parts])[order] for k in range(1, 5))
    picked = tokens[["doc_id", "para_id", "sent_id", "token_id", "lemma"]].iloc[keep[pos]]
    out = pd.DataFrame(
        {
            "doc_id": picked["doc_id"].to_numpy(),
            "para_id": picked["para_id"].to_numpy(),
            "sent_id": picked["sent_id"].to_numpy(),
            "token_id": picked["token_id"].to_numpy(),
            "lemma": picked["lemma"].to_numpy(),
            "theme": theme_col,
            "term": term_col,
            "level": level_col,
            "group": group_col,
        }
    )
    out = _apply_groups(out, themes)
    # a token matched through two groups of one theme is one match
    out = out.drop_duplicates(["doc_id", "token_id", "theme"], keep="first")
    return out.sort_values(["doc_id", "token_id", "theme"], kind="stable").reset_index(drop=True)


def _level_rows(hit_sets: list[set[tuple[str, str, str]]]) -> list[list[tuple[str, str, str]]]:
    """Per set of ``(theme, group, term)`` hits of a token: its rows ``(theme, term, group)``, sorted,
    one per (theme, group) (the first term in sorted order)."""
    out = []
    for hits in hit_sets:
        seen: set[tuple[str, str]] = set()
        rows = []
        for theme, group, term in sorted(hits):
            if (theme, group) not in seen:
                seen.add((theme, group))
                rows.append((theme, term, group))
        out.append(rows)
    return out


def _expand(
    positions: np.ndarray, codes: np.ndarray, rows: list[list[tuple[str, str, str]]], level: str
) -> tuple[np.ndarray, ...]:
    """The rows of the tokens at ``positions`` (``rows[code]`` of each token's ``code``), repeated per
    token: ``(position, theme, term, level, group)`` arrays."""
    sizes = np.array([len(r) for r in rows], dtype=np.int64)
    flat = [row for r in rows for row in r]
    theme = np.array([r[0] for r in flat], dtype=object)
    term = np.array([r[1] for r in flat], dtype=object)
    group = np.array([r[2] for r in flat], dtype=object)
    per_token = sizes[codes] if len(codes) else np.empty(0, dtype=np.int64)
    starts = (np.cumsum(sizes) - sizes)[codes] if len(codes) else per_token
    total = int(per_token.sum())
    # entry j of token k: flat row starts[k] + j
    within = np.arange(total) - np.repeat(np.cumsum(per_token) - per_token, per_token)
    at = np.repeat(starts, per_token) + within
    return (
        np.repeat(positions, per_token),
        theme[at] if total else np.empty(0, dtype=object),
        term[at] if total else np.empty(0, dtype=object),
        np.full(total, level, dtype=object),
        group[at] if total else np.empty(0, dtype=object),
    )


def _apply_groups(matches: pd.DataFrame, themes: dict[str, Theme]) -> pd.DataFrame:
    """Keep a group word only when every group of its theme occurs within ``window`` sentences.

    Works on integer keys (document code, sentence) for all documents at once: for each group of a
    theme, the sorted distinct keys of its words' sentences, and for each group word of that theme
    the nearest of them in the same document (what :func:`_apply_groups_simple` finds document by
    document)."""
    keep = (matches["group"] == "").to_numpy(dtype=bool).copy()
    grouped = [t for t in themes.values() if t.groups]
    if not grouped or keep.all():
        return matches[keep]
    doc = pd.factorize(matches["doc_id"])[0].astype(np.int64)
    sent = matches["sent_id"].to_numpy(dtype=np.int64)
    low = int(sent.min()) if len(sent) else 0
    span = (int(sent.max()) - low + 1) if len(sent) else 1
    key = doc * span + (sent - low)  # sentences of one document are consecutive keys
    theme_col = matches["theme"].to_numpy(dtype=object)
    group_col = matches["group"].to_numpy(dtype=object)
    for theme in grouped:
        sel = np.flatnonzero((theme_col == theme.name) & (group_col != ""))
        if not len(sel):
            continue
        ok = doc[sel] >= 0  # a word without a document is not kept (as grouping by document drops it)
        for g in theme.groups:
            near = distinct_sorted(key[sel[group_col[sel] == g.name]])  # sorted sentences holding group g
            if not len(near):
                ok[:] = False
                break
            k = key[sel]
            at = np.searchsorted(near, k)
            # the nearest sentence of g at or after, and before, each word, in the word's own document
            after = near[np.minimum(at, len(near) - 1)]
            before = near[np.maximum(at - 1, 0)]
            d = doc[sel]
            dist_after = np.where((at < len(near)) & (after // span == d), after - k, np.iinfo(np.int64).max)
            dist_before = np.where((at > 0) & (before // span == d), k - before, np.iinfo(np.int64).max)
            ok &= np.minimum(dist_after, dist_before) <= theme.window
        keep[sel[ok]] = True
    return matches[keep]


def _apply_groups_simple(matches: pd.DataFrame, themes: dict[str, Theme]) -> pd.DataFrame:
    """:func:`_apply_groups` document by document (the reference the tests compare it with)."""
    keep = matches["group"] == ""
    for theme in themes.values():
        if not theme.groups:
            continue
        names = [g.name for g in theme.groups]
        sel = (matches["theme"] == theme.name) & (matches["group"] != "")
        if not sel.any():
            continue
        sub = matches[sel]
        for _doc_id, part in sub.groupby("doc_id", sort=False):
            sents = {g: np.unique(part.loc[part["group"] == g, "sent_id"].to_numpy()) for g in names}
            ok = np.ones(len(part), dtype=bool)
            s = part["sent_id"].to_numpy()
            for g in names:
                if len(sents[g]) == 0:
                    ok[:] = False
                    break
                # distance to the nearest sentence holding group g
                idx = np.searchsorted(sents[g], s)
                lo = np.abs(s - sents[g][np.clip(idx - 1, 0, len(sents[g]) - 1)])
                hi = np.abs(sents[g][np.clip(idx, 0, len(sents[g]) - 1)] - s)
                ok &= np.minimum(lo, hi) <= theme.window
            keep.loc[part.index[ok]] = True
    return matches[keep]
