"""Shared figure style and helpers (palette, heatmap, saving at 2x)."""

from __future__ import annotations

from . import core, structure, themes, topics
from .core import *  # noqa: F403
from .structure import *  # noqa: F403
from .themes import *  # noqa: F403
from .topics import *  # noqa: F403

__all__ = [*core.__all__, *structure.__all__, *themes.__all__, *topics.__all__]
