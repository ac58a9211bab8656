"""Sentence sentiment: lexicon and rules, explanations per word, aggregation to paragraphs, documents, speakers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from . import aggregate, engine, rules, section, texts
from .aggregate import *  # noqa: F403
from .engine import *  # noqa: F403
from .rules import *  # noqa: F403
from .section import *  # noqa: F403
from .texts import *  # noqa: F403

# the classifier trained on a user's labels needs scikit-learn (about 1 s to import): imported on
# first use, so the report's sentiment section and a notebook that only shows scores do without it
_LAZY = {"SentimentClassifier": ".classifier", "compare_on_labels": ".classifier"}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .classifier import SentimentClassifier, compare_on_labels  # noqa: F401


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [*rules.__all__, *engine.__all__, *aggregate.__all__, *texts.__all__, *_LAZY, *section.__all__]
