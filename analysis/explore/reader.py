"""Reader pages (Voyant's Reader): one static page per document with its paragraphs, their kind
and speaker, boilerplate greyed out, theme terms and sentiment words marked. Written with
:func:`html.escape` only; no script at all."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from .page import ASSETS, _head

__all__ = ["reader_html", "reader_pages"]


def _marks(tokens: pd.DataFrame, tables: dict[str, pd.DataFrame] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ..themes import match_themes

    themes = match_themes(tokens)
    contrib = (tables or {}).get("sentiment_contributions")
    if contrib is None:
        from ..sentiment import token_contributions

        contrib = token_contributions(tokens)
    contrib = contrib[contrib["doc_id"].astype(str).isin(set(tokens["doc_id"].astype(str)))]
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


def reader_pages(folder: Path, corpus, tokens: pd.DataFrame, data: dict, *, tables=None) -> list[Path]:
    docs = [d for d in data["docs"] if d["reader"]]
    if not docs:
        return []
    wanted = {d["id"] for d in docs}
    t = tokens[tokens["doc_id"].astype(str).isin(wanted)]
    themes, contrib = _marks(t, tables)
    offsets = t[["doc_id", "token_id", "start", "end"]].copy()
    offsets["doc_id"] = offsets["doc_id"].astype(str)
    offsets = offsets.set_index(["doc_id", "token_id"])
    spans: dict[str, dict[int, tuple[int, str, str]]] = {d: {} for d in wanted}
    for rows, kind in ((themes, "theme"), (contrib, "sentiment")):
        if rows is None or rows.empty:
            continue
        for r in rows.itertuples(index=False):
            key = (str(r.doc_id), int(r.token_id))
            if key not in offsets.index:
                continue
            start, end = (int(v) for v in offsets.loc[key, ["start", "end"]])
            if kind == "theme":
                spans[key[0]].setdefault(start, (end, "theme", f"theme: {r.theme} ({r.term})"))
            else:
                value = float(r.contribution)
                css = "pos" if value > 0 else "neg" if value < 0 else "neutral"
                spans[key[0]][start] = (end, css, f"sentiment {value:+.2f}: {r.rule}")
    texts = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["text"]))
    paragraphs = corpus.paragraphs.copy()
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
