"""Top-down themes: the theme lexicon (TOML, :mod:`.lexicon`), matches in the token table
(:mod:`.match`), scores and a dominant theme per document, paragraph or speaker (:mod:`.score`),
and the passages that echo reference statements such as the Cluetrain theses (:mod:`.echoes`)."""

from __future__ import annotations

from .echoes import ECHO_COLUMNS, find_echoes
from .lexicon import (
    DEFAULT_PRIOR,
    NONE_THEME,
    DominantRule,
    Theme,
    ThemeGroup,
    default_themes_path,
    load_dominant_rules,
    load_themes,
)
from .match import MATCH_COLUMNS, match_themes
from .score import document_themes, speaker_themes, theme_scores, unit_themes

__all__ = [
    "ECHO_COLUMNS",
    "find_echoes",
    "DEFAULT_PRIOR",
    "MATCH_COLUMNS",
    "NONE_THEME",
    "DominantRule",
    "Theme",
    "ThemeGroup",
    "default_themes_path",
    "document_themes",
    "load_dominant_rules",
    "load_themes",
    "match_themes",
    "speaker_themes",
    "theme_scores",
    "unit_themes",
]
