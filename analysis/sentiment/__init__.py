"""Sentence sentiment: lexicon and rules, explanations per word, aggregation to paragraphs, documents, speakers."""

from __future__ import annotations

from . import aggregate, classifier, engine, rules, section, texts
from .aggregate import *  # noqa: F403
from .classifier import *  # noqa: F403
from .engine import *  # noqa: F403
from .rules import *  # noqa: F403
from .section import *  # noqa: F403
from .texts import *  # noqa: F403

__all__ = [*rules.__all__, *engine.__all__, *aggregate.__all__, *texts.__all__, *classifier.__all__, *section.__all__]
