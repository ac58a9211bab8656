"""Word families: compounds grouped by a shared head or modifier (:func:`compound_families`) and
curated families of words (:func:`word_families`, ``analysis/lang/de/word_families_de.csv``:
*Dialog/Gespräch* vs *Marketing/Werbung*) counted over lemmas, compound heads and modifiers, with
the family each group leans towards (:func:`family_leaning`).

    >>> compound_families(tokens, role="head")    # Online-Marketing, Dialogmarketing → Marketing
    >>> word_families(tokens, by=["doc_id", "speaker"])
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
import pandas as pd

from ..annotate.memo import remembered
from ..annotate.pipeline import factorize_pairs, word_rows
from ..counts import By, by_columns, sort_rows
from ..lang import data_file

__all__ = ["compound_families", "family_leaning", "load_families", "word_families"]

_FAMILY_COLUMNS = ("family", "n", "n_lemma", "n_head", "n_modifier", "n_words", "per_1000", "lean", "members")


def _join_sorted(values: np.ndarray, group_codes: np.ndarray, sep: str = "; ") -> list[str]:
    """``sep``-joined ``values`` (strings) per run of equal ``group_codes`` (the codes must be sorted)."""
    if not len(group_codes):
        return []
    bounds = np.flatnonzero(np.diff(group_codes)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(group_codes)]])
    values = values.tolist()
    out = [values[a] for a in starts.tolist()]  # a run of one: its value (the join of one string)
    for i in np.flatnonzero(ends - starts > 1).tolist():
        out[i] = sep.join(values[starts[i] : ends[i]])
    return out


def _members(df: pd.DataFrame, keys: list[str], limit: int = 20) -> pd.DataFrame:
    """Per group of ``keys``: the distinct ``lemma`` values, most frequent first (ties by name), at most
    ``limit`` joined by "; " (with "; …" when there are more): ``*keys, members, n_members``."""
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


@lru_cache(maxsize=100_000)
def _part_lemma(part: str) -> str:
    """``Kunden`` → ``Kunde``, ``online`` → ``Online``: compound parts as capitalised lemmas
    (remembered between runs: :mod:`analysis.annotate.memo`)."""
    if not part:
        return part
    return remembered("families.part_lemma", part, _capitalised_lemma)


def _capitalised_lemma(part: str) -> str:
    import simplemma

    return simplemma.lemmatize(part[:1].upper() + part[1:], lang="de")


def _parts(compound: str) -> tuple[str, list[str]]:
    """``(head, [modifiers])`` of a compound string ``Dialog|Marketing|Trend``."""
    parts = compound.split("|")
    return parts[-1], [_part_lemma(p) for p in parts[:-1]]


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
    by = by_columns(by)
    words = word_rows(tokens, content_only=True, columns=[*by, "lemma", "compound"])  # no copy of other columns
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
    return sort_rows(out, by, ["n", "family"], [False, True])[columns]


def load_families(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Word families as a table ``family, term`` (default ``analysis/lang/de/word_families_de.csv``;
    ``#`` lines are comments)."""
    if path is None:
        with data_file("word_families_de.csv").open("r", encoding="utf-8") as fh:
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
    by = by_columns(by)
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
    return sort_rows(out, by, ["family"], [True])


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
