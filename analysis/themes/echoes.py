"""Echoes of reference statements (e.g. the 95 Cluetrain theses) in the documents.

    >>> refs = load_references(path)                 # analysis.corpus.references
    >>> echoes = find_echoes(tokens, refs, corpus=corpus)

Every sentence of every document (boilerplate excluded) is compared with every statement. The
similarity is the mean of two cosine similarities over the *content lemmas* (stop words left
out): whole lemmas weighted by their rarity in general German (wordfreq's Zipf frequency, so
"Markentreue" counts more than "reden"), and TF-IDF over character 3–5-grams of the lemmas, which catches
inflection, compounds and different translations of the same text ("vernetzten Märkte" ~
"intervernetzten Märkten", "Unternehmens-WebSites" ~ "Unternehmenswebsites"). IDF is fitted on the
statements and passages together. A passage that names a statement by number ("These 89",
"These #89", "Thesis 1") and shares at least one content lemma with it counts as an echo too
(``explicit``). A statement must share at least two content lemmas with a passage (or be named) to
count, so that one common word never makes an echo.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import regex

__all__ = ["ECHO_COLUMNS", "find_echoes", "passages", "statement_lemmas"]

ECHO_COLUMNS = (
    "doc_id",
    "para_id",
    "sent_id",
    "sent_end",
    "statement_id",
    "statement",
    "similarity",
    "explicit",
    "passage",
)
_EXPLICIT = regex.compile(
    r"\b(?:These|Thesis|Theses|Thesen|Statement|Aussage)\s*(?:Nr\.?\s*|Nummer\s*|#\s*|No\.?\s*)?(\d{1,3})\b", regex.I
)


@lru_cache(maxsize=100_000)
def _information(lemma: str) -> float:
    """Weight of a lemma: how rare it is in general German (wordfreq Zipf scale, 8 − Zipf, at least 1).

    Common words ("mögen", "reden", "wissen") weigh little, rare ones ("Markentreue") much, so two
    passages sharing only everyday words are not echoes."""
    from ..annotate.memo import general_zipf

    return max(1.0, 8.0 - general_zipf(lemma))


def statement_lemmas(statements: pd.DataFrame) -> pd.Series:
    """Content lemmas (lower-cased, space-joined) of each statement, indexed like ``statements``."""
    from ..annotate.pipeline import annotate_texts

    texts = statements["statement"].astype(str).tolist()
    toks = annotate_texts([(text, [(0, len(text))]) for text in texts])  # one batch, not one frame each
    content = toks.loc[toks["is_content"], ["doc_index", "lemma"]]
    joined = content.groupby("doc_index", sort=True)["lemma"].agg(lambda s: " ".join(s.str.lower()))
    out = [joined.get(i, "") for i in range(len(texts))]
    return pd.Series(out, index=statements.index, dtype=object)


def passages(tokens: pd.DataFrame, *, corpus=None, window: int = 2) -> pd.DataFrame:
    """Passages of 1 … ``window`` consecutive sentences of one paragraph: ``doc_id, para_id,
    sent_id`` (first sentence), ``sent_end`` (last sentence), ``lemmas`` (content lemmas) and
    ``passage`` (the original text from ``corpus`` when given, else the tokens joined)."""
    cols = ["doc_id", "para_id", "sent_id", "sent_end", "lemmas", "passage"]
    if tokens.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("para_id", "sent_id", "sent_end") else object) for c in cols}
        )
    t = tokens.sort_values(["doc_id", "token_id"], kind="stable")
    content = t[t["is_content"]]
    lem = content.groupby(["doc_id", "sent_id"], sort=True)["lemma"].agg(lambda s: " ".join(s.str.lower()))
    bounds = t.groupby(["doc_id", "sent_id"], sort=True).agg(
        para_id=("para_id", "first"), start=("start", "min"), end=("end", "max"), text=("token", " ".join)
    )
    bounds["lemmas"] = lem.reindex(bounds.index).fillna("")
    bounds = bounds.reset_index()
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"])) if corpus is not None else {}
    rows = []
    records = bounds.to_dict("records")
    for i, first in enumerate(records):
        for w in range(1, max(1, window) + 1):
            if i + w > len(records):
                break
            part = records[i : i + w]
            if any(r["doc_id"] != first["doc_id"] or r["para_id"] != first["para_id"] for r in part):
                break
            doc = texts.get(first["doc_id"])
            text = doc[first["start"] : part[-1]["end"]] if doc is not None else " ".join(r["text"] for r in part)
            lemmas = " ".join(r["lemmas"] for r in part if r["lemmas"])
            rows.append(
                (
                    first["doc_id"],
                    first["para_id"],
                    first["sent_id"],
                    part[-1]["sent_id"],
                    lemmas,
                    " ".join(text.split()),
                )
            )
    out = pd.DataFrame(rows, columns=cols)
    for c in ("para_id", "sent_id", "sent_end"):
        out[c] = out[c].astype("int64")
    return out


def find_echoes(
    tokens: pd.DataFrame,
    statements: pd.DataFrame,
    *,
    corpus=None,
    min_similarity: float = 0.35,
    min_word_similarity: float = 0.15,
    top_n: int = 3,
    window: int = 2,
) -> pd.DataFrame:
    """Passages (sentences) that echo each statement: ``doc_id, para_id, sent_id, statement_id,
    statement, similarity, explicit, passage``.

    Passages are 1 … ``window`` consecutive sentences of a paragraph. Keeps, per document and
    statement, the ``top_n`` non-overlapping passages with ``similarity >= min_similarity`` and a
    whole-lemma cosine ``>= min_word_similarity`` (explicitly numbered references always). Sorted by
    ``doc_id``, ``statement_id`` and falling similarity. ``corpus`` (optional) gives the original text.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    empty = pd.DataFrame(
        {
            c: pd.Series(
                dtype="int64"
                if c in ("para_id", "sent_id", "sent_end", "statement_id")
                else float
                if c == "similarity"
                else bool
                if c == "explicit"
                else object
            )
            for c in ECHO_COLUMNS
        }
    )
    psg = passages(tokens, corpus=corpus, window=window)
    psg = psg[psg["lemmas"].str.len() > 0].reset_index(drop=True)
    if psg.empty or statements.empty:
        return empty
    st = statements.reset_index(drop=True)
    st_lem = statement_lemmas(st)
    docs = list(st_lem) + list(psg["lemmas"])
    word = TfidfVectorizer(analyzer=str.split, use_idf=False, norm=None, binary=True).fit(docs)
    weights = np.array([_information(w) for w in word.get_feature_names_out()])
    wp = normalize(word.transform(psg["lemmas"]).multiply(weights).tocsr())
    ws = normalize(word.transform(st_lem).multiply(weights).tocsr())
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(docs)
    word_sim = (wp @ ws.T).toarray()
    sim = 0.5 * word_sim + 0.5 * (char.transform(psg["lemmas"]) @ char.transform(st_lem).T).toarray()
    # shared content lemmas: an echo needs at least two (one for an explicitly numbered reference)
    bin_p = word.transform(psg["lemmas"]) > 0
    bin_s = word.transform(st_lem) > 0
    shared = (bin_p.astype(np.int32) @ bin_s.astype(np.int32).T).toarray()
    ids = st["statement_id"].to_numpy()
    pos = {int(i): k for k, i in enumerate(ids)}
    explicit = np.zeros_like(sim, dtype=bool)
    for r, text in enumerate(psg["passage"]):
        for m in _EXPLICIT.finditer(text):
            k = pos.get(int(m.group(1)))
            if k is not None and shared[r, k] >= 1:
                explicit[r, k] = True
    keep = ((sim >= min_similarity) & (word_sim >= min_word_similarity) & (shared >= 2)) | explicit
    rows, cols = np.nonzero(keep)
    if len(rows) == 0:
        return empty
    out = pd.DataFrame(
        {
            "doc_id": psg["doc_id"].to_numpy()[rows],
            "para_id": psg["para_id"].to_numpy()[rows].astype("int64"),
            "sent_id": psg["sent_id"].to_numpy()[rows].astype("int64"),
            "sent_end": psg["sent_end"].to_numpy()[rows].astype("int64"),
            "statement_id": ids[cols].astype("int64"),
            "statement": st["statement"].to_numpy()[cols],
            "similarity": sim[rows, cols].round(6),
            "explicit": explicit[rows, cols],
            "passage": psg["passage"].to_numpy()[rows],
        }
    )
    out = out.sort_values(
        ["doc_id", "statement_id", "explicit", "similarity", "sent_id"],
        ascending=[True, True, False, False, True],
        kind="stable",
    )
    # greedy: best passages first, skipping those that overlap a passage already chosen
    chosen, taken = [], {}
    for idx, d, k, a, b in zip(out.index, out["doc_id"], out["statement_id"], out["sent_id"], out["sent_end"]):
        spans = taken.setdefault((d, k), [])
        if len(spans) >= top_n or any(a <= y and x <= b for x, y in spans):
            continue
        spans.append((a, b))
        chosen.append(idx)
    out = out.loc[chosen]
    out = out.sort_values(
        ["doc_id", "statement_id", "similarity", "sent_id"], ascending=[True, True, False, True], kind="stable"
    )
    return out.reset_index(drop=True)[list(ECHO_COLUMNS)]
