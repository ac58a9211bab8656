"""Bottom-up topics: passage units, NMF/LDA models, choosing k, clusters and their description."""

from __future__ import annotations

from .model import (
    TopicModel,
    cluster_units,
    corpus_names,
    document_topics,
    npmi_coherence,
    select_k,
    stability,
    topic_diversity,
    topic_tables,
    topic_themes,
    topic_units,
    unit_map,
)
from .section import TOPICS

__all__ = [
    "TOPICS",
    "TopicModel",
    "cluster_units",
    "corpus_names",
    "document_topics",
    "npmi_coherence",
    "select_k",
    "stability",
    "topic_diversity",
    "topic_tables",
    "topic_themes",
    "topic_units",
    "unit_map",
]
