"""Figures, one module per area (:mod:`.structure`, :mod:`.vocabulary`, :mod:`.themes`, :mod:`.topics`,
:mod:`.sentiment`), each drawing
from result tables, and the shared style and helpers (:mod:`.core`: palette, heatmap, saving at 2x)."""

from __future__ import annotations

from . import core, sentiment, structure, themes, topics, vocabulary
from .core import *  # noqa: F403
from .sentiment import *  # noqa: F403
from .structure import *  # noqa: F403
from .themes import *  # noqa: F403
from .topics import *  # noqa: F403
from .vocabulary import *  # noqa: F403

__all__ = [*core.__all__, *structure.__all__, *themes.__all__, *topics.__all__, *vocabulary.__all__, *sentiment.__all__]
