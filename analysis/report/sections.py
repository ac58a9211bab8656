"""The sections of the report, in the order they run: each one a :class:`analysis.context.Section`
declared in its own package. A new analysis becomes part of the report (and of the notebooks'
:func:`analysis.report.results.section_tables`) by adding its section here."""

from __future__ import annotations

from ..context import Section
from ..sentiment.section import SENTIMENT
from ..textstats.section import DOCUMENTS, GROUPS, VOCABULARY
from ..themes.section import THEMES
from ..topics.section import TOPICS

__all__ = ["SECTIONS", "get_section"]

SECTIONS: tuple[Section, ...] = (DOCUMENTS, VOCABULARY, THEMES, TOPICS, SENTIMENT, GROUPS)


def get_section(name: str) -> Section:
    """The section called ``name`` (``documents``, ``vocabulary``, ``themes``, ``topics``,
    ``sentiment``, ``groups``)."""
    for section in SECTIONS:
        if section.name == name:
            return section
    raise ValueError(f"unknown section {name!r}; choose one of {', '.join(s.name for s in SECTIONS)}")
