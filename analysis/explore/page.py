"""Write the offline exploration page: ``explore.html`` with its data as JSON, the DataTables
bundle shipped inside the ``itables`` package and a small glue script, all files beside the page
(no network, works from ``file://``), and one reader page per document.

Security: user text is data, never markup. The data travels as JSON inside ``<script
type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, the glue script
only ever sets ``textContent`` and escapes what DataTables displays, the reader pages are written
with :func:`html.escape`, and every page carries a Content-Security-Policy that allows scripts and
styles only from files beside it (no inline script, no CDN).
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import pandas as pd

from ..context import CAPS, PageCaps
from .data import _matches, _text_order, collocates, dispersion, doc_terms, group_counts, kwic_index, term_list

__all__ = ["ASSETS", "CSP", "explore_data", "json_for_html", "page_html"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
ASSETS = "explore_files"
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_html(data) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``,
    U+2028 or U+2029 left raw, so no text can end the element or start markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JS_ESCAPES[m.group(0)], text)


def _records(df: pd.DataFrame, columns: list[str]) -> list[list]:
    out = df[columns].astype(object).where(df[columns].notna(), None)
    return out.to_numpy().tolist()


def _reader_name(i: int) -> str:
    return f"reader/doc-{i:05d}.html"


def explore_data(corpus, tokens: pd.DataFrame, *, by: str | None = None, caps: PageCaps = CAPS.page) -> dict:
    """Everything the page shows, as JSON-able lists (documents referred to by their index)."""
    docs = corpus.documents.sort_values("doc_id", kind="mergesort").reset_index(drop=True)
    doc_ids = docs["doc_id"].astype(str).tolist()
    index = {d: i for i, d in enumerate(doc_ids)}
    if by is None:
        by = _default_by(docs)
    if by:
        wide, sizes = group_counts(tokens, docs, by, top=caps.assoc_terms)
    else:
        wide, sizes = pd.DataFrame(), pd.Series(dtype="int64")
    if by in tokens.columns and by != "doc_id":
        doc_group = {d: "" for d in doc_ids}  # a token-level grouping (speaker): contexts carry the group
    elif by in ("doc_id", ""):
        doc_group = {d: d if by else "" for d in doc_ids}
    else:
        from ..textstats.keyness import group_labels

        labels = group_labels(docs, by)
        doc_group = {d: labels.get(d, "") for d in doc_ids}
    ordered = _text_order(tokens)  # the tokens themselves when in text order (as annotated)
    matches = _matches(ordered)  # key matches, shared by the concordance and the dispersion plot
    kw = kwic_index(
        ordered,
        corpus,
        matches=matches,
        min_count=caps.kwic_min_count,
        per_key=caps.kwic_per_key,
        max_lines=caps.kwic_lines,
        window=caps.kwic_window,
    )
    kw["doc"] = kw["doc_id"].map(index).astype("int64")
    if by in tokens.columns and by not in ("doc_id",) and len(kw):
        kw["group"] = kw["speaker"] if by == "speaker" else ""
    else:
        kw["group"] = kw["doc_id"].map(doc_group).fillna("")
    keys = list(kw.drop_duplicates("key").sort_values(["n_key", "key"], ascending=[False, True])["key"])
    detail = keys[: caps.keys_detail]
    disp = dispersion(
        ordered,
        keys[: caps.dispersion_keys],
        bins=caps.dispersion_bins,
        max_docs=caps.dispersion_docs,
        matches=matches,
    )
    del ordered, matches
    disp["doc"] = disp["doc_id"].map(index).astype("int64")
    coll = collocates(tokens, detail, window=caps.collocate_window, top=caps.collocates_per_key)
    terms = term_list(tokens, top=caps.terms)
    dterms = doc_terms(tokens, per_doc=caps.doc_terms_per_doc, total=caps.doc_terms)
    dterms["doc"] = dterms["doc_id"].map(index).astype("int64")
    n_words = tokens["token_type"].isin(("word", "hashtag")).groupby(tokens["doc_id"], observed=True).sum()
    n_words = n_words.rename(index=str)
    readers = _reader_docs(docs, n_words, caps.reader_docs)
    return {
        "by": by,
        "n_tokens": int(len(tokens)),
        "docs": [
            {
                "id": d,
                "title": str(t) if isinstance(t, str) else "",
                "group": doc_group.get(d, ""),
                "words": int(n_words.get(d, 0)),
                "reader": _reader_name(i) if d in readers else "",
            }
            for i, (d, t) in enumerate(zip(doc_ids, docs["title"] if "title" in docs.columns else [""] * len(docs)))
        ],
        "terms": _records(terms, ["lemma", "n", "per_1000", "n_docs", "forms"]),
        "doc_terms": _records(dterms, ["doc", "lemma", "n", "per_1000"]),
        "kwic": _records(
            kw, ["key", "n_key", "doc", "group", "speaker", "left", "keyword", "right", "match", "left_sort"]
        ),
        "dispersion": _records(disp, ["key", "doc", "n", "per_1000", "bins"]),
        "bins": caps.dispersion_bins,
        "collocates": _records(coll, ["key", "collocate", "n", "g2", "log_ratio"]),
        "groups": [str(g) for g in sizes.index],
        "group_sizes": [int(v) for v in sizes.to_numpy()],
        "group_counts": _sparse(wide),
        "caps": {
            "kwic_per_key": caps.kwic_per_key,
            "kwic_lines": caps.kwic_lines,
            "keys_detail": caps.keys_detail,
            "dispersion_keys": caps.dispersion_keys,
            "dispersion_docs": caps.dispersion_docs,
            "terms": caps.terms,
            "assoc_terms": caps.assoc_terms,
            "reader_docs": caps.reader_docs,
        },
    }


def _default_by(docs: pd.DataFrame, *, max_docs: int = 50) -> str:
    """``genre`` when the corpus has two genres or more, else each document (up to ``max_docs``
    documents; above that a comparison of every document with every other is of little use and the
    page offers none unless ``by`` is given)."""
    if "genre" in docs.columns:
        genres = {str(g).strip() for g in docs["genre"].dropna()} - {""}
        if len(genres) > 1:
            return "genre"
    return "doc_id" if len(docs) <= max_docs else ""


def _sparse(wide: pd.DataFrame) -> list[list]:
    """``[lemma, total, [group index, count, …]]`` per lemma, only the groups where it occurs."""
    out = []
    for lemma, row in zip(wide.index, wide.to_numpy().tolist()):
        flat = [x for j, n in enumerate(row) if n for x in (j, int(n))]
        out.append([str(lemma), int(sum(row)), flat])
    return out


def _reader_docs(docs: pd.DataFrame, n_words: pd.Series, limit: int) -> set[str]:
    ids = docs["doc_id"].astype(str).tolist()
    if len(ids) <= limit:
        return set(ids)
    ranked = sorted(ids, key=lambda d: (-int(n_words.get(d, 0)), d))
    return set(ranked[:limit])


def asset(name: str) -> bytes:
    return resources.files("analysis.explore").joinpath(name).read_bytes()


def datatables() -> tuple[bytes, bytes]:
    """The DataTables bundle that ships inside ``itables`` (an ES module), as a classic script that
    sets ``window.ExploreDT`` (module scripts do not load from ``file://``)."""
    folder = resources.files("itables").joinpath("html")
    js = folder.joinpath("dt_bundle.js").read_text(encoding="utf-8")
    match = re.search(r"export\s*\{([^}]*)\}\s*;?\s*(/\*[\s\S]*\*/\s*)?$", js)
    if match is None:
        raise RuntimeError("unexpected itables dt_bundle.js: no final export statement")
    names = dict(
        reversed(part.split(" as ")) for part in (p.strip() for p in match.group(1).split(",")) if " as " in part
    )
    if "default" not in names or "jQuery" not in names:
        raise RuntimeError("unexpected itables dt_bundle.js: DataTable or jQuery not exported")
    body = js[: match.start()] + (match.group(2) or "")
    classic = (
        "/* DataTables bundle from the itables package (MIT; DataTables MIT, jQuery MIT), "
        "wrapped as a classic script */\n(function(){\n"
        + body
        + f"\nwindow.ExploreDT={{DataTable:{names['default']},jQuery:{names['jQuery']}}};\n}})();\n"
    )
    css = folder.joinpath("dt_bundle.css").read_bytes()
    return classic.encode("utf-8"), css


def _head(title: str, prefix: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='de'>\n<head>\n<meta charset='utf-8'>\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<link rel='stylesheet' href='{prefix}{ASSETS}/dt_bundle.css'>\n"
        f"<link rel='stylesheet' href='{prefix}{ASSETS}/explore.css'>\n</head>\n"
    )


def page_html(data: dict) -> str:
    by = html.escape(str(data["by"]))
    docs = data["docs"]
    rows = "\n".join(
        f"<li><a href='{html.escape(d['reader'])}'>{html.escape(d['title'] or d['id'])}</a> "
        f"<span class='muted'>{html.escape(d['id'])} · {d['words']} words</span></li>"
        for d in docs
        if d["reader"]
    )
    return (
        _head("Explore the corpus — German discourse analysis", "")
        + f"""<body>
<header><h1>Explore the corpus</h1>
<p class="muted">{len(docs)} documents, {data["n_tokens"]:,} tokens. Offline page: nothing is loaded from the network.
<a href="index.html">Back to the report</a></p>
<nav id="tabs">
<button type="button" data-view="terms">Terms</button>
<button type="button" data-view="docterms">Terms per document</button>
<button type="button" data-view="kwic">Contexts (KWIC)</button>
<button type="button" data-view="dispersion">Dispersion and trends</button>
<button type="button" data-view="compare">Compare groups</button>
<button type="button" data-view="collocates">Collocates</button>
<button type="button" data-view="reader">Reader</button>
</nav></header>
<main>
<section id="view-terms" class="view"><h2>Terms of the corpus</h2>
<p class="muted">Content lemmas, most frequent first (at most {data["caps"]["terms"]:,}). Search, sort, click a term for its contexts.</p>
<table id="terms-table" class="display compact"></table></section>

<section id="view-docterms" class="view"><h2>Terms per document</h2>
<label>Document <select id="docterms-doc"><option value="">all documents</option></select></label>
<table id="docterms-table" class="display compact"></table></section>

<section id="view-kwic" class="view"><h2>Keyword in context</h2>
<form id="kwic-form" class="controls"><label>Lemma or word form <input id="kwic-q" type="search" autocomplete="off"></label>
<label>Match <select id="kwic-match"><option value="all">word and compounds</option><option value="lemma">the word only</option>
<option value="head">compound head (…marketing)</option><option value="modifier">compound modifier (marketing…)</option></select></label>
<button type="submit">Show</button></form>
<p id="kwic-status" class="status" aria-live="polite"></p>
<p class="muted">Precomputed for every content lemma and compound part seen at least twice, at most {data["caps"]["kwic_per_key"]} lines each
(evenly spread through the corpus). Sort the left context to order by the word just before the keyword.</p>
<table id="kwic-table" class="display compact"></table></section>

<section id="view-dispersion" class="view"><h2>Dispersion and trends</h2>
<form id="disp-form" class="controls"><label>Word <input id="disp-q" type="search" autocomplete="off"></label><button type="submit">Show</button></form>
<p id="disp-status" class="status" aria-live="polite"></p>
<div id="disp-plot"></div><h3>By group ({by}): the lemma per 1,000 words</h3><div id="trend-plot"></div>
<table id="trend-table" class="display compact"></table></section>

<section id="view-compare" class="view"><h2>Compare groups ({by})</h2>
<form id="cmp-form" class="controls"><label>Group A <select id="cmp-a"></select></label>
<label>against <select id="cmp-b"></select></label><button type="submit">Compare</button></form>
<p id="cmp-status" class="status" aria-live="polite"></p>
<p class="muted">Each point is a lemma: its frequency per 1,000 words in A (x) and in B (y), log scale; above the diagonal = more in B.
G² and log ratio as in the report's keyness table. Click a point or a row to read the term's contexts in both groups.</p>
<div id="cmp-plot"></div>
<table id="cmp-table" class="display compact"></table>
<h3 id="cmp-term"></h3><table id="cmp-contexts" class="display compact"></table></section>

<section id="view-collocates" class="view"><h2>Collocates</h2>
<form id="coll-form" class="controls"><label>Word <input id="coll-q" type="search" autocomplete="off"></label><button type="submit">Show</button></form>
<p id="coll-status" class="status" aria-live="polite"></p>
<table id="coll-table" class="display compact"></table></section>

<section id="view-reader" class="view"><h2>Read a document</h2>
<p class="muted">Each page shows the paragraphs with their kind and speaker; theme terms and sentiment words are marked.</p>
<ul id="reader-list">
{rows}
</ul></section>
</main>
<script type="application/json" id="explore-data">{json_for_html(data)}</script>
<script src="{ASSETS}/dt_bundle.js"></script>
<script src="{ASSETS}/explore.js"></script>
</body>
</html>
"""
    )
