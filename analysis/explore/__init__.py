"""Explore a corpus (issue 17): what Voyant, AntConc and scattertext give, offline.

* :func:`write_explore` writes ``explore.html`` (term lists, compound-aware KWIC, dispersion and
  trends, group comparison with contexts, collocates) and a reader page per document.
* :func:`keyness_groups` / :func:`group_tables` compare groups formed by any metadata column.
* Notebook one-liners: :func:`show_terms`, :func:`show_kwic`, :func:`show_groups` return a
  DataFrame and, in JupyterLab, show it as an interactive table (itables) when ``interactive``.
"""

from __future__ import annotations

import pandas as pd

from ..context import PageCaps
from ..textstats.keyness import group_tables, keyness_groups, tokens_with_groups
from .data import collocates, dispersion, doc_terms, group_counts, kwic_index, term_list
from .page import explore_data, json_for_html
from .write import write_explore

__all__ = [
    "PageCaps",
    "collocates",
    "dispersion",
    "doc_terms",
    "explore_data",
    "group_counts",
    "group_tables",
    "json_for_html",
    "keyness_groups",
    "kwic_index",
    "show_groups",
    "show_kwic",
    "show_terms",
    "term_list",
    "tokens_with_groups",
    "write_explore",
]


_NOTEBOOK_READY = []


def _show(df: pd.DataFrame, interactive: bool, **options) -> pd.DataFrame:
    """Show ``df`` as an interactive table in Jupyter (itables, offline: the DataTables bundle that
    ships inside the package is put into the notebook once; cell text is escaped, never HTML), and
    return it."""
    if interactive:
        from itables import init_notebook_mode, show

        if not _NOTEBOOK_READY:
            init_notebook_mode(connected=False)
            _NOTEBOOK_READY.append(True)
        show(df, connected=False, allow_html=False, **options)
    return df


def show_terms(
    tokens: pd.DataFrame, *, doc_id: str | None = None, top: int = 5_000, interactive: bool = True
) -> pd.DataFrame:
    """The searchable, sortable term list of the corpus (or of one document)."""
    if doc_id is not None:
        table = doc_terms(tokens[tokens["doc_id"].astype(str) == doc_id], per_doc=top, total=top)
    else:
        table = term_list(tokens, top=top)
    return _show(table, interactive)


def show_kwic(
    tokens: pd.DataFrame,
    word: str,
    *,
    corpus=None,
    window: int = 6,
    sort: str = "right",
    interactive: bool = True,
) -> pd.DataFrame:
    """KWIC of any lemma or word form with compound matching (all lines, not capped), sorted by the
    ``right`` or ``left`` context (the word just before the keyword first)."""
    from ..extract.kwic import kwic

    lines = kwic(tokens, word, corpus=corpus, window=window, feature="lemma")
    if lines.empty:  # a surface form that is not a lemma
        lines = kwic(tokens, word, corpus=corpus, window=window, feature="norm")
    key = (
        lines["left"].map(lambda s: " ".join(reversed(s.casefold().split())))
        if sort == "left"
        else lines["right"].str.casefold()
    )
    lines = lines.assign(_k=key).sort_values(["_k", "doc_id", "token_id"], kind="mergesort").drop(columns="_k")
    return _show(lines.reset_index(drop=True), interactive)


def show_groups(
    corpus,
    tokens: pd.DataFrame,
    *,
    by: str = "genre",
    target: str | None = None,
    reference: str | None = None,
    max_p: float = 0.05,
    interactive: bool = True,
) -> pd.DataFrame:
    """Keyness between groups of any metadata column (``target`` vs ``reference``, or each group vs
    the rest), words with ``p_value < max_p``."""
    table = keyness_groups(tokens, corpus.documents, by=by, target=target, reference=reference)
    return _show(table[table["p_value"] < max_p].reset_index(drop=True), interactive)
