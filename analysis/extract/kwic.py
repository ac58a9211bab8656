"""Keyword in context: :func:`kwic` finds a lemma (or word form) in the token table, compound-aware
(*Marketing* finds ``Online-Marketing`` through its head and ``Marketinghype`` through its
modifier), with the context of each hit cut by :func:`context_windows`, which the exploration
page's KWIC index shares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..counts import WORD_TYPES
from .families import _parts

__all__ = ["context_windows", "kwic"]


def context_windows(
    t: pd.DataFrame, rows: Sequence[int], *, corpus=None, window: int = 6
) -> tuple[list[str], list[str]]:
    """Left and right context of the tokens at positions ``rows`` of ``t`` (a token table sorted by
    ``doc_id, token_id``): up to ``window`` tokens on each side within the same paragraph, cut from
    the document text when ``corpus`` is given (original spacing, white space folded), else the
    tokens joined by spaces. Shared by :func:`kwic` and the exploration page's KWIC index."""
    texts = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["text"])) if corpus is not None else {}
    # documents as integer codes (equal codes: equal doc_id) and the token texts only when a
    # document's text is missing: no column of millions of Python strings for a few thousand lines
    docs, names = pd.factorize(t["doc_id"])
    names = np.asarray(names.astype(str), dtype=object)
    paras = t["para_id"].to_numpy()
    starts, ends = t["start"].to_numpy(), t["end"].to_numpy()
    surfaces = None
    n = len(t)
    lefts, rights = [], []
    for i in rows:
        lo, hi = i, i
        while lo > 0 and i - lo < window and docs[lo - 1] == docs[i] and paras[lo - 1] == paras[i]:
            lo -= 1
        while hi < n - 1 and hi - i < window and docs[hi + 1] == docs[i] and paras[hi + 1] == paras[i]:
            hi += 1
        text = texts.get(names[docs[i]])
        if text is not None:
            lefts.append(" ".join(text[starts[lo] : starts[i]].split()) if lo < i else "")
            rights.append(" ".join(text[ends[i] : ends[hi]].split()) if hi > i else "")
        else:
            if surfaces is None:
                surfaces = t["token"].astype(str).to_numpy()
            lefts.append(" ".join(surfaces[lo:i]))
            rights.append(" ".join(surfaces[i + 1 : hi + 1]))
    return lefts, rights


def kwic(
    tokens: pd.DataFrame,
    keyword: str,
    *,
    corpus=None,
    window: int = 6,
    feature: str = "lemma",
    compound_aware: bool = True,
) -> pd.DataFrame:
    """Keyword in context: ``doc_id, para_id, sent_id, token_id, speaker, left, keyword, right,
    match``.

    A token matches when its ``feature`` (case-folded) equals ``keyword``; with ``compound_aware`` also
    when ``keyword`` is its compound head (``match="head"``: *Marketing* finds
    ``Online-Marketing``) or one of its modifiers (``match="modifier"``: ``Marketinghype``).
    ``left``/``right`` hold ``window`` tokens of context from the same paragraph, cut from the
    document text when ``corpus`` is given (original spacing), else tokens joined by spaces.
    """
    key = keyword.casefold().lstrip("#")
    t = tokens.sort_values(["doc_id", "token_id"], kind="mergesort").reset_index(drop=True)
    is_word = t["token_type"].isin(WORD_TYPES)
    matches: list[tuple[int, str]] = []
    for i, value, compound in zip(t.index[is_word], t.loc[is_word, feature].astype(str), t.loc[is_word, "compound"]):
        if value.casefold() == key:
            matches.append((i, feature))
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
