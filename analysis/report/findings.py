"""Findings: plain English sentences written from the result tables of *this* corpus.

The report's first section and the notebooks' opening cells call these functions. Every finding
is computed from the tables that ``python -m analysis run`` writes (no text about any particular
corpus is stored here) and names the table or figure it rests on, so a reader can check it.

Differences are stated only when they hold up: a sentiment difference between two texts is called
"no clear difference" when the 95 % interval of the difference in their net share of positive
sentences includes zero (a normal approximation for the difference of two multinomial shares, with one
pseudo-sentence added to each label of each group so that a handful of sentences gives a wide
interval), and shares that rest on fewer than :data:`MIN_SENTENCES` sentences are not compared at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "MIN_SENTENCES",
    "Finding",
    "findings",
    "keyness_findings",
    "net_share_difference",
    "sentiment_findings",
    "theme_findings",
    "topic_findings",
]

MIN_SENTENCES = 5  # a share of fewer sentences is not compared
Z95 = 1.959963984540054

THEME_LABELS = {
    "dialogue": "dialogue",
    "marketing": "marketing",
    "ceo_tweeting": "CEO tweeting",
    "cluetrain": "the Cluetrain theses",
}


@dataclass(frozen=True)
class Finding:
    """One finding: ``area`` (themes, vocabulary, topics, sentiment), the sentence, and where to check it."""

    area: str
    text: str
    table: str = ""  # e.g. "keyness.csv"
    figure: str = ""  # e.g. "vocabulary_keyness" (the report's figure name)


def _theme_label(name: str) -> str:
    return THEME_LABELS.get(name, name.replace("_", " "))


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _snippet(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0]
    return cut + " …"


# --- themes -----------------------------------------------------------------------------------


def theme_findings(
    doc_themes: pd.DataFrame,
    *,
    matches: pd.DataFrame | None = None,
    paragraphs: pd.DataFrame | None = None,
    n_terms: int = 3,
) -> list[Finding]:
    """Which document leans most towards each theme, through which words, with its densest passage.

    ``doc_themes`` is the ``themes.csv`` table (``score_<theme>`` columns, matched theme words per
    1,000 content words); ``matches`` is :func:`analysis.themes.match_themes` output (for the words)
    and ``paragraphs`` is ``corpus.paragraphs`` (for the passage).
    """
    out: list[Finding] = []
    if doc_themes is None or doc_themes.empty:
        return out
    score_cols = [c for c in doc_themes.columns if c.startswith("score_")]
    unused: list[str] = []
    for col in score_cols:
        theme = col[len("score_") :]
        scores = doc_themes[["doc_id", col]].sort_values([col, "doc_id"], ascending=[False, True])
        top_doc, top_score = str(scores.iloc[0]["doc_id"]), float(scores.iloc[0][col])
        if top_score <= 0:
            unused.append(_theme_label(theme))
            continue
        text = (
            f"{top_doc} leans most towards {_theme_label(theme)} ({top_score:.1f} theme words per 1,000 content words"
        )
        if len(scores) > 1:
            second = scores.iloc[1]
            text += f"; next: {second['doc_id']}, {float(second[col]):.1f}"
        text += ")"
        if matches is not None and not matches.empty:
            mine = matches[(matches["doc_id"].astype(str) == top_doc) & (matches["theme"] == theme)]
            if len(mine):
                counts = mine["term"].value_counts()
                counts = counts.sort_index().sort_values(ascending=False, kind="stable").head(n_terms)
                text += ", through " + _and([f"„{t}“ ({n}×)" for t, n in counts.items()])
                if paragraphs is not None and "para_id" in mine:
                    para = int(mine["para_id"].value_counts().sort_index().idxmax())
                    row = paragraphs[(paragraphs["doc_id"].astype(str) == top_doc) & (paragraphs["para_id"] == para)]
                    if len(row):
                        text += f". Densest passage (paragraph {para}): „{_snippet(row.iloc[0]['text'])}“"
        out.append(Finding("themes", text + ".", "themes.csv", "themes_documents"))
    if unused:
        out.append(
            Finding("themes", f"No text uses the words of {_and(unused).replace(' and ', ' or ')}.", "themes.csv")
        )
    return out


# --- keyness ----------------------------------------------------------------------------------


def keyness_findings(keyness: pd.DataFrame, *, n: int = 3) -> list[Finding]:
    """What sets each document (against the rest) and each speaker (against the other speakers of
    the same document) apart: the top ``n`` over-used lemmas with their G²."""
    out: list[Finding] = []
    if keyness is None or keyness.empty:
        return [Finding("vocabulary", "No word is significantly over-used by any document.", "keyness.csv")]
    over = keyness[keyness["log_ratio"] > 0]
    if "p_value" in over:
        over = over[over["p_value"] < 0.05]
    for comparison, what in (("document_vs_rest", "the other texts"), ("speaker_vs_speaker", "the other speaker")):
        part = over[over["comparison"] == comparison]
        part = part.assign(_t=part["target"].astype(str))
        part = part[part["_t"].notna()]  # as grouping by target leaves them out
        # per target (in sorted order) its rows by G² (largest first), then lemma, the first n of them:
        # one stable sort of all targets instead of a sort per target
        top = part.sort_values(["_t", "g2", "lemma"], ascending=[True, False, True]).groupby("_t", sort=False).head(n)
        targets, lemmas, g2s, docs = (top[c].tolist() for c in ("_t", "lemma", "g2", "doc_id"))
        starts = [i for i in range(len(targets)) if i == 0 or targets[i] != targets[i - 1]]
        for a, b in zip(starts, [*starts[1:], len(targets)]):
            words = _and([f"„{lemma}“ (G² {g2:.1f})" for lemma, g2 in zip(lemmas[a:b], g2s[a:b])])
            who = targets[a] if comparison == "document_vs_rest" else f"{targets[a]} ({docs[a]})"
            out.append(
                Finding("vocabulary", f"{who} uses {words} more than {what}.", "keyness.csv", "vocabulary_keyness")
            )
    if not out:
        out.append(Finding("vocabulary", "No word sets one document or speaker apart (p < 0.05).", "keyness.csv"))
    return out


def top_keyword(keyness: pd.DataFrame) -> str | None:
    """The lemma with the largest G² among over-used words of any document (ties by lemma), or None."""
    if keyness is None or keyness.empty:
        return None
    over = keyness[(keyness["log_ratio"] > 0) & (keyness["comparison"] == "document_vs_rest")]
    if over.empty:
        over = keyness[keyness["log_ratio"] > 0]
    if over.empty:
        return None
    return str(over.sort_values(["g2", "lemma"], ascending=[False, True]).iloc[0]["lemma"])


# --- topics -----------------------------------------------------------------------------------


def topic_findings(document_topics: pd.DataFrame, *, model: str = "nmf") -> list[Finding]:
    """How the topics divide the corpus: each topic with the documents it dominates."""
    if document_topics is None or document_topics.empty:
        return [Finding("topics", "Too little text for a topic model: no topics were fitted.", "document_topics.csv")]
    dt = document_topics[document_topics["model"] == model] if "model" in document_topics else document_topics
    if dt.empty:
        return []
    dt = dt.assign(doc_id=dt["doc_id"].astype(str))
    best = dt.sort_values(["doc_id", "weight", "topic_id"], ascending=[True, False, True]).drop_duplicates("doc_id")
    names = dt.drop_duplicates("topic_id").set_index("topic_id")["topic_name"].to_dict()
    k = len(names)
    parts = []
    for topic_id in sorted(names):
        docs = best.loc[best["topic_id"] == topic_id, "doc_id"].tolist()
        if docs:
            shown = _and(docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")
            parts.append(f"„{names[topic_id]}“ leads in {len(docs)} of {len(best)} texts ({shown})")
        else:
            parts.append(f"„{names[topic_id]}“ leads in no text")
    text = f"The topic model finds {k} topic{'s' if k != 1 else ''}: " + "; ".join(parts) + "."
    return [Finding("topics", text, "document_topics.csv", "topics_document_topics")]


# --- sentiment --------------------------------------------------------------------------------


def net_share_difference(
    pos_a: float, neg_a: float, n_a: int, pos_b: float, neg_b: float, n_b: int
) -> tuple[float, float, float]:
    """Difference of net shares (positive share − negative share) of two groups of sentences with
    its 95 % interval: ``(difference, low, high)``.

    Each sentence is positive, negative or neutral (a multinomial), so the net share
    ``d = p₊ − p₋`` of ``n`` sentences has variance ``(p₊ + p₋ − d²) / n``; the two groups are
    independent, so the variances add.
    """
    d_a, d_b = pos_a - neg_a, pos_b - neg_b
    var = max(pos_a + neg_a - d_a**2, 0.0) / max(n_a, 1) + max(pos_b + neg_b - d_b**2, 0.0) / max(n_b, 1)
    half = Z95 * math.sqrt(var)
    diff = d_a - d_b
    return diff, diff - half, diff + half


def _adjusted(row) -> tuple[float, float, int]:
    """Shares with one pseudo-sentence added to each of the three labels (the Agresti–Caffo idea
    for intervals of differences of proportions): the interval of a few sentences widens instead of
    collapsing when a share is 0 or 1."""
    n = int(row["n_sentences"])
    pos, neg = row["share_positive"] * n, row["share_negative"] * n
    return (pos + 1) / (n + 3), (neg + 1) / (n + 3), n + 3


def _pts(x: float) -> str:
    """A share difference in percentage points, without a negative zero."""
    v = round(100 * x)
    return f"{v:+d}".replace("+", "") if v else "0"


def _share_text(row) -> str:
    n = int(row["n_sentences"])
    return (
        f"{round(100 * row['share_positive'])} % of {n} sentence{'s' if n != 1 else ''} positive, "
        f"{round(100 * row['share_negative'])} % negative"
    )


def _compare(rows: pd.DataFrame, key: str, *, what: str, table: str, figure: str, area: str = "sentiment") -> Finding:
    rows = rows[rows["n_sentences"] >= MIN_SENTENCES].copy()
    if len(rows) < 2:
        return Finding(
            area,
            f"Too few sentences to compare the tone of {what} (each needs at least {MIN_SENTENCES}).",
            table,
            figure,
        )
    rows["net"] = rows["share_positive"] - rows["share_negative"]
    rows = rows.sort_values(["net", key], ascending=[False, True])
    hi, lo = rows.iloc[0], rows.iloc[-1]
    diff, low, high = net_share_difference(*_adjusted(hi), *_adjusted(lo))
    diff = (hi["share_positive"] - hi["share_negative"]) - (lo["share_positive"] - lo["share_negative"])
    if low <= 0:
        return Finding(
            area,
            f"No clear difference in tone between {what}: the most positive, {hi[key]} ({_share_text(hi)}), and the "
            f"least positive, {lo[key]} ({_share_text(lo)}), differ by {_pts(diff)} points of net share, "
            f"within the 95 % interval ({_pts(low)} to {_pts(high)}).",
            table,
            figure,
        )
    return Finding(
        area,
        f"Among {what}, {hi[key]} is the most positive ({_share_text(hi)}) and {lo[key]} the least "
        f"({_share_text(lo)}); the difference in net share, {_pts(diff)} points "
        f"(95 % interval {_pts(low)} to {_pts(high)}), is clear.",
        table,
        figure,
    )


def sentiment_findings(
    documents: pd.DataFrame | None,
    speakers: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
) -> list[Finding]:
    """Which texts, speakers and theme mentions are more positive or negative, with the number of
    sentences behind each share, or "no clear difference"."""
    out: list[Finding] = []
    if documents is not None and len(documents):
        docs = documents.assign(doc_id=documents["doc_id"].astype(str))
        if len(docs) == 1:
            row = docs.iloc[0]
            out.append(Finding("sentiment", f"{row['doc_id']}: {_share_text(row)}.", "sentiment_documents.csv"))
        else:
            out.append(
                _compare(
                    docs,
                    "doc_id",
                    what="the texts",
                    table="sentiment_documents.csv",
                    figure="sentiment_documents",
                )
            )
    groups = []  # (table, column that names a group, column that splits the comparisons, words, table, figure)
    if speakers is not None and len(speakers):
        sp = speakers.assign(doc_id=speakers["doc_id"].astype(str), speaker=speakers["speaker"].astype(str))
        groups.append((sp, "speaker", "doc_id", "the speakers of {}", "sentiment_speakers.csv", ""))
    if themes is not None and len(themes):
        th = themes.assign(
            doc_id=themes["doc_id"].astype(str), theme=themes["theme"].map(lambda t: _theme_label(str(t)))
        )
        groups.append((th, "doc_id", "theme", "the texts' sentences on {}", "sentiment_themes.csv", "sentiment_themes"))
    for table, key, split, what, table_name, figure in groups:
        for value, rows in table.groupby(split, sort=True):
            if len(rows) >= 2:
                out.append(_compare(rows, key, what=what.format(value), table=table_name, figure=figure))
    return out


# --- all --------------------------------------------------------------------------------------


def findings(
    tables: Mapping[str, pd.DataFrame],
    *,
    matches: pd.DataFrame | None = None,
    paragraphs: pd.DataFrame | None = None,
    areas: Iterable[str] = ("themes", "vocabulary", "topics", "sentiment"),
) -> list[Finding]:
    """All findings for the report's result ``tables`` (name without ``.csv`` → DataFrame), in the
    order themes, vocabulary, topics, sentiment (or the ``areas`` asked for). Tables that are
    missing (a section that failed or was skipped) give no findings."""
    areas = tuple(areas)
    out: list[Finding] = []
    if "themes" in areas and "themes" in tables:
        out += theme_findings(tables["themes"], matches=matches, paragraphs=paragraphs)
    if "vocabulary" in areas and "keyness" in tables:
        out += keyness_findings(tables["keyness"])
    if "topics" in areas and "document_topics" in tables:
        out += topic_findings(tables["document_topics"])
    if "sentiment" in areas:
        out += sentiment_findings(
            tables.get("sentiment_documents"), tables.get("sentiment_speakers"), tables.get("sentiment_themes")
        )
    return out


def findings_markdown(items: Iterable[Finding]) -> str:
    """The findings as a Markdown list (for the notebooks), each with the table it rests on."""
    lines = []
    for f in items:
        ref = f" *(table `{f.table}`)*" if f.table else ""
        lines.append(f"- {f.text}{ref}")
    return "\n".join(lines) if lines else "- Nothing to report: the tables are empty."


# --- figure captions --------------------------------------------------------------------------


def _n(tables: Mapping[str, pd.DataFrame], name: str, column: str | None = None) -> int:
    df = tables.get(name)
    if df is None:
        return 0
    if column is None:
        return len(df)
    return int(df[column].nunique()) if column in df else 0


def figure_captions(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """A caption for each of the report's figures (by figure name): what is plotted, how to read it, n."""
    n_docs = _n(tables, "documents")
    n_paras = _n(tables, "paragraphs")
    n_units = _n(tables, "unit_topics")
    n_sents = _n(tables, "sentiment_sentences")
    n_speakers = _n(tables, "sentiment_speakers")
    return {
        "structure": (
            f"Words per paragraph kind in each of the {n_docs} documents ({n_paras} paragraphs). Hatched kinds are "
            "boilerplate (bylines, share buttons, comments …), left out of the analyses; the legend lists every kind."
        ),
        "vocabulary_keyness": (
            "Keywords of each document against the rest of the corpus: bars are G² (log-likelihood; above 3.84 means "
            "p < 0.05), the number in brackets is the log ratio (1 = twice as frequent as in the other texts). "
            f"{n_docs} documents; table keyness.csv."
        ),
        "vocabulary_profile": (
            "Lexical diversity (MTLD: longer = more varied vocabulary) and reading ease (Flesch–Amstad: higher = "
            "easier) per document; indented rows (↳) are the speakers of the document above them. Table "
            "diversity.csv, readability.csv."
        ),
        "vocabulary_word_families": (
            "Words of the Dialog/Gespräch family and of the Marketing/Werbung family per 1,000 content words, "
            "counted through lemmas, compound heads and modifiers; darker = more. Table word_families.csv."
        ),
        "themes_documents": (
            "Theme scores per document: matched theme words per 1,000 content words (numbers in the cells). The label "
            f"after each document is its dominant theme ('none' below the threshold). {n_docs} documents; table themes.csv."
        ),
        "topics_document_topics": (
            "Topic shares per document (NMF; each row sums to 1): the passages' topic weights averaged, weighted by "
            "their content words. Column labels are the topics' top terms. Table document_topics.csv."
        ),
        "topics_unit_map": (
            f"Map of the {n_units} text units (passages of about 100 content words, shorter in small corpora): nearby "
            "points use similar words (TF-IDF reduced to two dimensions). Left coloured by document, right by k-means "
            "cluster. Table unit_topics.csv."
        ),
        "sentiment_documents": (
            f"Share of positive and of negative sentences per document ({n_sents} sentences in all). Differences of a "
            "few sentences are not differences in tone: see the findings for which differences are clear. "
            + (
                "Sentence labels blend the lexicon rules with the embedding stage (--sentiment-embeddings; columns "
                "lexicon_score and embedding in sentiment_sentences.csv). "
                if "embedding" in getattr(tables.get("sentiment_sentences"), "columns", ())
                else ""
            )
            + "Table sentiment_documents.csv."
        ),
        "sentiment_themes": (
            "Tone of the sentences that mention each theme, per document: mean sentence score (−1 negative … +1 "
            "positive), with the number of sentences in each cell; empty cells have no such sentence. Table "
            "sentiment_themes.csv."
        ),
        "sentiment_trajectory": (
            "How the tone moves through each text: sentence scores smoothed over about a tenth of the text, from its "
            f"start (0) to its end (1); one panel per document. {n_speakers} speaker rows in sentiment_speakers.csv. "
            "Table sentiment_trajectory.csv."
        ),
    }
