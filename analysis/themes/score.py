"""Theme scores per unit (document, paragraph, speaker) from the theme matches, and each unit's
dominant theme.

    >>> docs = document_themes(tokens, themes)      # one row per document: scores + dominant theme
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..counts import By, by_columns, round_floats
from .lexicon import DEFAULT_PRIOR, NONE_THEME, DominantRule, Theme, load_themes
from .match import match_themes

__all__ = ["document_themes", "speaker_themes", "theme_scores", "theme_tables", "unit_themes"]


def theme_scores(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    by: By = "doc_id",
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """Long table: one row per unit (``by`` columns of ``tokens``) × theme with ``n_content``
    (content words), ``n_matches`` (matching tokens), ``n_terms`` (distinct matched terms) and
    ``score`` = 1000 · n_matches / (n_content + prior). Every unit gets a row for every theme."""
    themes = load_themes() if themes is None else themes
    keys = by_columns(by)
    matches = match_themes(tokens, themes) if matches is None else matches
    units = tokens.groupby(keys, dropna=False, sort=True)["is_content"].sum().rename("n_content").reset_index()
    names = list(themes)
    grid = units.merge(pd.DataFrame({"theme": names}), how="cross")
    if not matches.empty:
        m = _matched_rows(matches, tokens, [k for k in keys if k not in matches.columns])
        agg = m.groupby([*keys, "theme"], dropna=False).agg(n_matches=("token_id", "size"), n_terms=("term", "nunique"))
        grid = grid.merge(agg.reset_index(), on=[*keys, "theme"], how="left")
    else:
        grid["n_matches"] = 0
        grid["n_terms"] = 0
    grid["n_matches"] = grid["n_matches"].fillna(0).astype("int64")
    grid["n_terms"] = grid["n_terms"].fillna(0).astype("int64")
    grid["n_content"] = grid["n_content"].astype("int64")
    grid["score"] = 1000.0 * grid["n_matches"] / (grid["n_content"] + prior)
    grid["theme"] = pd.Categorical(grid["theme"], categories=names, ordered=True)
    grid = grid.sort_values([*keys, "theme"], kind="stable").reset_index(drop=True)
    grid["theme"] = grid["theme"].astype(str)
    return grid[[*keys, "theme", "n_content", "n_matches", "n_terms", "score"]]


def _matched_rows(matches: pd.DataFrame, tokens: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """The matches of tokens in ``tokens`` (by ``doc_id, token_id``) with the token columns
    ``extra``: what an inner merge of the two gives, found by position on integer keys (a merge would
    turn a categorical ``doc_id`` into one Python string per token)."""
    docs = tokens["doc_id"]
    categories = docs.cat.categories if isinstance(docs.dtype, pd.CategoricalDtype) else pd.Index(docs.unique())
    categories = categories[categories.notna()]
    t_doc = pd.Categorical(docs, categories=categories).codes.astype(np.int64)
    m_doc = pd.Categorical(matches["doc_id"], categories=categories).codes.astype(np.int64)
    t_tok = tokens["token_id"].to_numpy(dtype=np.int64)
    m_tok = matches["token_id"].to_numpy(dtype=np.int64)
    low = min(int(t_tok.min(initial=0)), int(m_tok.min(initial=0)))
    width = max(int(t_tok.max(initial=0)), int(m_tok.max(initial=0))) - low + 1
    t_key = t_doc * width + (t_tok - low)
    t_key[t_doc < 0] = -1  # a token without a document matches nothing
    del t_doc, t_tok
    m_key = m_doc * width + (m_tok - low)
    order = None if len(t_key) < 2 or bool((t_key[1:] > t_key[:-1]).all()) else np.argsort(t_key, kind="stable")
    sorted_key = t_key if order is None else t_key[order]
    at = np.minimum(np.searchsorted(sorted_key, m_key), max(len(sorted_key) - 1, 0))
    hit = (m_doc >= 0) & (len(sorted_key) > 0)
    if len(sorted_key):
        hit &= sorted_key[at] == m_key
    pos = at[hit] if order is None else order[at[hit]]
    out = matches[hit]
    if extra:
        out = out.assign(**{k: tokens[k].iloc[pos].array for k in extra})
    return out


def _axis_name(themes: dict[str, Theme]) -> str:
    """The axis column of a loaded lexicon (``[axis] name`` in its file), ``"axis"`` otherwise."""
    return getattr(themes, "axis_name", "axis")


def _rules_of(themes: dict[str, Theme]) -> dict[str, DominantRule]:
    """The dominant rules of the file the themes came from; one label per theme (threshold 10)
    for themes built in code."""
    rules = getattr(themes, "rules", None)
    return rules if rules is not None else {n: DominantRule(n, (n,), 10.0) for n in themes}


def _wide(
    scores: pd.DataFrame, keys: list[str], themes: dict[str, Theme], rules: dict[str, DominantRule]
) -> pd.DataFrame:
    wide = scores.pivot(index=keys, columns="theme", values="score").sort_index()
    wide = wide.reindex(columns=list(themes)).fillna(0.0)
    terms = scores.pivot(index=keys, columns="theme", values="n_terms").reindex(index=wide.index, columns=list(themes))
    terms = terms.fillna(0)
    n_content = scores.groupby(keys, dropna=False, sort=True)["n_content"].first()
    out = pd.DataFrame(index=wide.index)
    out["n_content"] = n_content.reindex(wide.index).fillna(0).astype("int64")
    for t in themes:
        out[f"score_{t}"] = wide[t].to_numpy()
    num = sum(themes[t].axis * wide[t] for t in themes)
    den = sum(abs(themes[t].axis) * wide[t] for t in themes)
    axis = _axis_name(themes)
    out[axis] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ratios = pd.DataFrame(
        {
            r.name: (sum(wide[t] for t in r.themes) / r.threshold).where(
                sum(terms[t] for t in r.themes) >= r.min_terms, 0.0
            )
            for r in rules.values()
        },
        index=wide.index,
    )
    if len(ratios.columns):
        best = ratios.idxmax(axis=1) if len(ratios) else pd.Series(dtype=object)
        strength = ratios.max(axis=1)
    else:
        best = pd.Series(NONE_THEME, index=wide.index)
        strength = pd.Series(0.0, index=wide.index)
    out["theme"] = np.where(strength >= 1.0, best, NONE_THEME)
    out["theme_strength"] = strength.to_numpy()
    out = out.reset_index()
    return out[[*keys, "theme", *[f"score_{t}" for t in themes], axis, "theme_strength", "n_content"]]


def document_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """One row per document: ``doc_id, theme`` (dominant label or ``"none"``), ``score_<theme>`` for
    every theme, the lexicon's axis (``[axis] name`` in the themes file, e.g.
    ``dialogue_marketing_axis``: +1 all dialogue … -1 all marketing, NaN when neither pole
    occurs), ``theme_strength`` (best score / threshold; ≥ 1 means assigned) and ``n_content``."""
    return unit_themes(tokens, themes, by="doc_id", rules=rules, matches=matches, prior=prior)


def unit_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    by: By = ("doc_id", "para_id"),
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """Like :func:`document_themes` for any unit (default: paragraphs, ``by=["doc_id", "para_id"]``)."""
    themes = load_themes() if themes is None else themes
    rules = _rules_of(themes) if rules is None else rules
    keys = by_columns(by)
    scores = theme_scores(tokens, themes, by=keys, matches=matches, prior=prior)
    return _wide(scores, keys, themes, rules)


def speaker_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """:func:`unit_themes` per ``doc_id, speaker`` for the tokens that have a speaker (empty table
    with the same columns when no document has speakers)."""
    spoken = tokens[tokens["speaker"].notna() & (tokens["speaker"].astype(str) != "")]
    return unit_themes(spoken, themes, by=["doc_id", "speaker"], rules=rules, matches=matches, prior=prior)


def theme_tables(
    tokens: pd.DataFrame,
    *,
    doc_ids: list[str],
    themes: dict[str, Theme],
    rules: dict[str, DominantRule],
    matches: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The theme tables of the report: ``themes`` (one row per document of ``doc_ids``, also one
    with no words left after boilerplate: doc_id, theme, score_<theme>, the lexicon's axis,
    theme_strength, n_content), ``paragraph_themes`` and ``speaker_themes``. Floats rounded to 6."""
    docs = document_themes(tokens, themes, rules=rules, matches=matches)
    docs = pd.DataFrame({"doc_id": sorted(doc_ids)}).merge(docs, on="doc_id", how="left")
    docs["theme"] = docs["theme"].fillna(NONE_THEME)
    score_cols = [c for c in docs.columns if c.startswith("score_") or c in ("theme_strength", "n_content")]
    docs[score_cols] = docs[score_cols].fillna(0.0)
    docs["n_content"] = docs["n_content"].astype("int64")
    tables = {
        "themes": docs,
        "paragraph_themes": unit_themes(tokens, themes, rules=rules, matches=matches),
        "speaker_themes": speaker_themes(tokens, themes, rules=rules, matches=matches),
    }
    return {name: round_floats(df, 6) for name, df in tables.items()}
