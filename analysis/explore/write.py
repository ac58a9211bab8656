"""Writing the exploration page: ``explore.html`` with its scripts and styles, and one reader page
per document."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..context import CAPS, PageCaps
from .page import ASSETS, asset, datatables, explore_data, page_html
from .reader import reader_pages

__all__ = ["write_explore"]


def write_explore(
    folder: str | os.PathLike[str],
    corpus,
    tokens: pd.DataFrame,
    *,
    tables: dict[str, pd.DataFrame] | None = None,
    by: str | None = None,
    caps: PageCaps = CAPS.page,
    matches: pd.DataFrame | None = None,
) -> list[Path]:
    """Write ``folder/explore.html``, its scripts and styles in ``folder/explore_files/`` and one
    reader page per document in ``folder/reader/``; return the paths written (sorted).

    ``by`` is the grouping of the comparison view (a metadata column or ``speaker``; default
    ``genre`` when the corpus has two genres or more, else each document). ``tables`` may hold the
    report's ``sentiment_contributions`` (else it is computed for the reader pages); ``matches``
    the run's theme matches (else the packaged themes are matched).
    """
    folder = Path(folder)
    (folder / ASSETS).mkdir(parents=True, exist_ok=True)
    data = explore_data(corpus, tokens, by=by, caps=caps)
    written = []
    js, css = datatables()
    for name, content in (
        ("dt_bundle.js", js),
        ("dt_bundle.css", css),
        ("explore.js", asset("explore.js")),
        ("explore.css", asset("explore.css")),
    ):
        path = folder / ASSETS / name
        path.write_bytes(content)
        written.append(path)
    page = folder / "explore.html"
    page.write_text(page_html(data), encoding="utf-8")
    written.append(page)
    written += reader_pages(folder, corpus, tokens, data, tables=tables, matches=matches)
    return sorted(written)
