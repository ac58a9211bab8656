"""Shared figure style and helpers (palette, heatmap, saving at 2x)."""

from __future__ import annotations

from .core import PALETTE, SAVE_DPI, barh, heatmap, png_width, save, style, text_color, wrap_label, wrap_lines
from .structure import plot_structure
from .themes import plot_theme_scores
from .topics import plot_document_topics, plot_unit_map

__all__ = [
    "plot_structure",
    "PALETTE",
    "SAVE_DPI",
    "barh",
    "heatmap",
    "plot_document_topics",
    "plot_theme_scores",
    "plot_unit_map",
    "png_width",
    "save",
    "style",
    "text_color",
    "wrap_label",
    "wrap_lines",
]
