"""Bottom-up topics: passage units, NMF/LDA models, choosing k, clusters and their description."""

from __future__ import annotations

from . import model, section
from .model import *  # noqa: F403
from .section import *  # noqa: F403

__all__ = [*model.__all__, *section.__all__]
