"""The report's pages: ``index.html`` (findings first, documents, problems, notebooks, key figures
and tables) and the offline, script-free copies of the executed notebooks. Everything the user
supplied is escaped; every page carries a Content-Security-Policy that forbids scripts."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import regex

__all__ = ["CSP", "MAX_PRINTED", "index_html", "self_contained_html"]

MAX_PRINTED = 50  # warnings printed and listed in index.html; all of them are in tables/problems.csv


CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"  # of every page the report writes
_SCRIPT_RE = regex.compile(r"<script\b[^>]*>.*?</script\s*>", regex.IGNORECASE | regex.DOTALL)
_EXTERNAL_RE = regex.compile(r"<(?:link|iframe|object|embed)\b[^>]*>", regex.IGNORECASE)


def self_contained_html(page: str) -> str:
    """A notebook's HTML export without anything loaded from elsewhere: nbconvert's template pulls
    require.js, MathJax and mermaid from public CDNs; every ``<script>`` (and ``<link>``, ``<iframe>``,
    ``<object>``, ``<embed>``) is removed and the report's Content-Security-Policy added, so the
    page works offline and runs no code. Figures are inline ``data:`` images, styles inline."""
    page = _SCRIPT_RE.sub("", page)
    page = _EXTERNAL_RE.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    head = regex.search(r"<head\b[^>]*>", page, regex.IGNORECASE)
    if head is None:
        return f"<!DOCTYPE html><html><head>{meta}</head><body>{page}</body></html>"
    return page[: head.end()] + meta + page[head.end() :]


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}img{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}
figure{margin:1.5em 0}figcaption{color:#444;font-size:.9em;max-width:820px}.findings li{margin:.35em 0}
.warning{color:#8a5300}.error{color:#b00020}.muted{color:#666;font-size:.9em}code{background:#f5f5f5;padding:0 .2em}
"""
_KEY_TABLES = (
    ("themes", "Dominant theme per document", 20),
    ("sentiment_documents", "Sentiment per document", 20),
    ("keyness", "Most distinctive words (keyness: the top 5 of every document and speaker)", 200),
)


def _key_rows(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """What the page shows of a key table: for keyness the top 5 over-used words of every target."""
    if name == "keyness" and {"comparison", "target", "g2", "log_ratio"} <= set(df.columns):
        over = df[(df["log_ratio"] > 0) & df["comparison"].isin(["document_vs_rest", "speaker_vs_speaker"])]
        over = over.sort_values(["comparison", "target", "g2"], ascending=[True, True, False], kind="stable")
        return over.groupby(["comparison", "target"], sort=False).head(5)
    return df


def _table_html(df: pd.DataFrame, max_rows: int) -> str:
    shown = df.head(max_rows).copy()
    for col in shown.columns:  # nullable integers and strings print <NA>; show an empty cell like NaN
        if isinstance(shown[col].dtype, pd.api.extensions.ExtensionDtype) and shown[col].isna().any():
            shown[col] = shown[col].astype(object).where(shown[col].notna(), "")
    note = f"<p class='muted'>first {max_rows} of {len(df)} rows</p>" if len(df) > max_rows else ""
    return shown.to_html(index=False, escape=True, float_format=lambda v: f"{v:.3f}", na_rep="", border=0) + note


def index_html(
    corpus,
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    notebooks: list[tuple[str, str, str]],
    problems: list[dict[str, str]],
    corpus_dir: Path,
    found: list | None = None,
    out_dir: Path | None = None,
    explore_href: str | None = None,
) -> str:
    """The report's ``index.html``: findings first (with links to their figure and table), then
    documents, problems, notebooks, key figures with captions, key tables and the table list."""
    from .. import plots
    from .findings import figure_captions

    e = html.escape
    docs = tables["documents"]
    cols = [
        c
        for c in ("doc_id", "title", "genre", "year", "language", "words_total", "sentences", "boilerplate_share")
        if c in docs
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>German discourse analysis — {e(corpus_dir.name)}</title><style>{_CSS}</style></head><body>",
        "<h1>German discourse analysis report</h1>",
        f"<p>Corpus folder <code>{e(str(corpus_dir))}</code>: {len(corpus)} documents, "
        f"{int(docs['words_total'].sum()) if 'words_total' in docs else 0} words, "
        f"{len(corpus.paragraphs)} paragraphs ({int(corpus.paragraphs['is_boilerplate'].sum())} boilerplate).</p>",
    ]
    if explore_href:
        parts.append(
            f"<p><a href='{e(explore_href)}'><b>Explore the corpus</b></a>: search and sort the words, read any word "
            "in context (compounds included), see where it occurs, compare groups, read each document with its "
            "structure marked.</p>"
        )
    parts.append("<h2 id='findings'>Findings</h2>")
    if found:
        parts.append("<ul class='findings'>")
        for f in found:
            refs = []
            if f.figure and f.figure in figures:
                refs.append(f"<a href='#fig-{e(f.figure)}'>figure</a>")
            if f.table and f.table[: -len(".csv")] in tables:
                refs.append(f"<a href='tables/{e(f.table)}'>{e(f.table)}</a>")
            ref = f" <span class='muted'>({', '.join(refs)})</span>" if refs else ""
            parts.append(f"<li>{e(f.text)}{ref}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p class='muted'>No findings: the sections that produce them did not run.</p>")
    parts += ["<h2>Documents</h2>", _table_html(docs[cols], 200)]
    parts.append("<h2>Warnings and problems</h2>")
    if problems:
        parts.append("<ul>")
        for p in problems[:MAX_PRINTED]:
            parts.append(f"<li class='{e(p['level'])}'><b>{e(p['level'])}</b>: {e(p['file'])}: {e(p['message'])}</li>")
        parts.append("</ul>")
        if len(problems) > MAX_PRINTED:
            parts.append(
                f"<p class='muted'>… and {len(problems) - MAX_PRINTED:,} more: see "
                "<a href='tables/problems.csv'>problems.csv</a></p>"
            )
    else:
        parts.append("<p>None: every file was read and every section ran.</p>")
    parts.append("<h2>Notebooks</h2>")
    if notebooks:
        parts.append("<ul>")
        for name, href, status in notebooks:
            parts.append(f"<li><a href='{e(href)}'>{e(name)}</a> ({e(status)})</li>")
        parts.append("</ul>")
    else:
        parts.append("<p class='muted'>Notebooks were not executed (--no-notebooks).</p>")
    parts.append("<h2>Key figures</h2>")
    captions = figure_captions(tables)
    for name, src in figures.items():
        caption = captions.get(name, name.replace("_", " "))
        width = ""
        if out_dir is not None:
            try:  # saved at 2x: shown at half its pixel width, sharp on high-density screens
                width = f" width='{plots.png_width(out_dir / src) * 100 // plots.SAVE_DPI}'"
            except (OSError, ValueError):
                pass
        parts.append(
            f"<figure id='fig-{e(name)}'><img src='{e(src)}'{width} alt='{e(caption)}'>"
            f"<figcaption>{e(caption)}</figcaption></figure>"
        )
    for key, title, rows in _KEY_TABLES:
        if key in tables:
            parts.append(f"<h2>{e(title)}</h2>")
            parts.append(_table_html(_key_rows(key, tables[key]), rows))
    parts.append("<h2>Tables</h2><ul>")
    for name in sorted(tables):
        parts.append(f"<li><a href='tables/{e(name)}.csv'>{e(name)}.csv</a> ({len(tables[name])} rows)</li>")
    parts.append("</ul>")
    parts.append("<p class='muted'>Column descriptions: see the project README, section “Result tables”.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
