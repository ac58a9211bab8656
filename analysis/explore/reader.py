"""Reader pages (Voyant's Reader): one static page per document with its paragraphs, their kind
and speaker, boilerplate greyed out, theme terms and sentiment words marked. Written with
:func:`html.escape` only; no script at all."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..counts import distinct_sorted
from .page import ASSETS, _head

__all__ = ["reader_html", "reader_pages"]


def _marks(
    tokens: pd.DataFrame, tables: dict[str, pd.DataFrame] | None, matches: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if matches is None:
        from ..themes import match_themes

        matches = match_themes(tokens)
    docs = _doc_ids(tokens["doc_id"])
    themes = matches[_in_documents(matches["doc_id"], docs)]
    contrib = (tables or {}).get("sentiment_contributions")
    if contrib is None:
        from ..sentiment.engine import token_contributions

        contrib = token_contributions(tokens)
    contrib = contrib[_in_documents(contrib["doc_id"], docs)]
    return themes, contrib


def reader_html(doc: dict, text: str, paragraphs: pd.DataFrame, spans: dict[int, tuple[int, str, str]]) -> str:
    """The page of one document. ``spans``: start offset → (end, css class, title) of marked words."""
    parts = [
        _head(f"{doc['title'] or doc['id']} — reader", "../"),
        "<body class='reader'>\n<header><p><a href='../explore.html#view=reader'>← Explore</a></p>",
        f"<h1>{html.escape(doc['title'] or doc['id'])}</h1>",
        f"<p class='muted'>{html.escape(doc['id'])} · {doc['words']} words"
        + (f" · group: {html.escape(doc['group'])}" if doc["group"] else "")
        + "</p>",
        "<p class='legend'><mark class='theme'>theme term</mark> <span class='pos'>positive</span> "
        "<span class='neg'>negative</span> <span class='muted'>boilerplate is grey</span></p></header>\n<main>",
    ]
    starts = sorted(spans)
    for p in paragraphs.itertuples(index=False):
        a, b = int(p.start), int(p.end)
        kind = str(p.kind)
        cls = f"para kind-{html.escape(kind)}" + (" boilerplate" if bool(p.is_boilerplate) else "")
        meta = kind + (f" · {p.speaker}" if isinstance(p.speaker, str) and p.speaker else "")
        out, pos = [], a
        for s in starts:
            if s < a or s >= b:
                continue
            end, css, title = spans[s]
            if s < pos:
                continue
            out.append(html.escape(text[pos:s]))
            out.append(f"<span class='{css}' title='{html.escape(title)}'>{html.escape(text[s:end])}</span>")
            pos = end
        out.append(html.escape(text[pos:b]))
        label = f"<b>{html.escape(str(p.label))}</b> " if isinstance(p.label, str) and p.label else ""
        parts.append(
            f"<div class='{cls}'><span class='para-meta'>{html.escape(meta)}</span><p>{label}{''.join(out)}</p></div>"
        )
    parts.append("</main>\n</body>\n</html>\n")
    return "\n".join(parts)


def _in_documents(doc_ids: pd.Series, wanted: set[str]) -> np.ndarray:
    """Whether each row's ``doc_id`` (as a string) is in ``wanted``; a categorical column is checked
    per category (no string per row)."""
    if isinstance(doc_ids.dtype, pd.CategoricalDtype):
        known = np.append(doc_ids.cat.categories.astype(str).isin(wanted), False)  # code -1: missing
        return known[doc_ids.cat.codes.to_numpy()]
    return doc_ids.astype(str).isin(wanted).to_numpy()


def _doc_ids(doc_ids: pd.Series) -> set[str]:
    """The distinct ``doc_id`` values as strings; of a categorical column its categories in use
    (no string per row)."""
    if isinstance(doc_ids.dtype, pd.CategoricalDtype):
        codes = distinct_sorted(doc_ids.cat.codes.to_numpy())
        return set(doc_ids.cat.categories[codes[codes >= 0]].astype(str))
    return set(doc_ids.dropna().astype(str).unique())


def reader_pages(
    folder: Path, corpus, tokens: pd.DataFrame, data: dict, *, tables=None, matches: pd.DataFrame | None = None
) -> list[Path]:
    docs = [d for d in data["docs"] if d["reader"]]
    if not docs:
        return []
    wanted = {d["id"] for d in docs}
    # only the rows of the reader documents, and only the columns used here when the marks are
    # given (the report passes both): not a copy of the whole token table
    given = matches is not None and (tables or {}).get("sentiment_contributions") is not None
    t = tokens[["doc_id", "token_id", "start", "end"]] if given else tokens
    t = t[_in_documents(t["doc_id"], wanted)]
    themes, contrib = _marks(t, tables, matches)
    offsets = t[["doc_id", "token_id", "start", "end"]].copy()
    offsets["doc_id"] = offsets["doc_id"].astype(str)
    spans: dict[str, dict[int, tuple[int, str, str]]] = {d: {} for d in wanted}
    for rows, kind in ((themes, "theme"), (contrib, "sentiment")):
        if rows is None or rows.empty:
            continue
        rows = rows.assign(doc_id=rows["doc_id"].astype(str), token_id=rows["token_id"].astype("int64"))
        rows = rows.merge(offsets.astype({"token_id": "int64"}), on=["doc_id", "token_id"], how="inner")
        if kind == "theme":
            titles = ("theme: " + rows["theme"].astype(str) + " (" + rows["term"].astype(str) + ")").tolist()
            for d, start, end, title in zip(rows["doc_id"], rows["start"].tolist(), rows["end"].tolist(), titles):
                spans[d].setdefault(start, (end, "theme", title))
        else:
            for d, start, end, value, rule in zip(
                rows["doc_id"],
                rows["start"].tolist(),
                rows["end"].tolist(),
                rows["contribution"].tolist(),
                rows["rule"],
            ):
                css = "pos" if value > 0 else "neg" if value < 0 else "neutral"
                spans[d][start] = (end, css, f"sentiment {value:+.2f}: {rule}")
    texts = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["text"]))
    paragraphs = corpus.paragraphs
    paragraphs = paragraphs[_in_documents(paragraphs["doc_id"], wanted)].copy()  # a page is written for these
    paragraphs["doc_id"] = paragraphs["doc_id"].astype(str)
    by_doc = dict(tuple(paragraphs.sort_values(["doc_id", "para_id"]).groupby("doc_id", sort=True)))
    (folder / "reader").mkdir(parents=True, exist_ok=True)
    written = []
    for d in docs:
        path = folder / d["reader"]
        paras = by_doc.get(d["id"], paragraphs.iloc[:0])
        path.write_text(reader_html(d, texts.get(d["id"], ""), paras, spans[d["id"]]), encoding="utf-8")
        written.append(path)
    assert ASSETS
    return written
