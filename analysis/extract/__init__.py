"""Extraction from the token table: keyword in context (:mod:`.kwic`) and word families
(:mod:`.families`: compounds by shared head or modifier, curated families of words)."""

from __future__ import annotations

from .families import compound_families, family_leaning, load_families, word_families
from .kwic import context_windows, kwic

__all__ = ["compound_families", "context_windows", "family_leaning", "kwic", "load_families", "word_families"]
