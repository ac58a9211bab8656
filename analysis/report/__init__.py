"""``python -m analysis run``: the run (:mod:`.run`) over the sections (:mod:`.sections`), its result
tables (:mod:`.results`: Parquet for the notebooks, CSV for spreadsheets), the findings
(:mod:`.findings`), the report folder (:mod:`.folder`) and its pages (:mod:`.html`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# names → the submodule that defines them; imported on first use, so a notebook that only loads the
# run's tables (``from analysis.report.results import section_tables``) does not import every
# section and scikit-learn with them
_WHERE = {
    "MIN_SENTENCES": ".findings",
    "Finding": ".findings",
    "findings": ".findings",
    "keyness_findings": ".findings",
    "net_share_difference": ".findings",
    "sentiment_findings": ".findings",
    "theme_findings": ".findings",
    "topic_findings": ".findings",
    "MARKER": ".folder",
    "ReportError": ".folder",
    "self_contained_html": ".html",
    "FIGURES": ".results",
    "MANIFEST": ".results",
    "RESULTS_DIR": ".results",
    "load_figures": ".results",
    "load_tables": ".results",
    "save_figure_index": ".results",
    "save_tables": ".results",
    "section_figures": ".results",
    "section_tables": ".results",
    "spreadsheet_safe": ".results",
    "write_csv": ".results",
    "run_report": ".run",
    "SECTIONS": ".sections",
    "get_section": ".sections",
}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .findings import (
        MIN_SENTENCES,
        Finding,
        findings,
        keyness_findings,
        net_share_difference,
        sentiment_findings,
        theme_findings,
        topic_findings,
    )
    from .folder import MARKER, ReportError
    from .html import self_contained_html
    from .results import (
        FIGURES,
        MANIFEST,
        RESULTS_DIR,
        load_figures,
        load_tables,
        save_figure_index,
        save_tables,
        section_figures,
        section_tables,
        spreadsheet_safe,
        write_csv,
    )
    from .run import run_report
    from .sections import SECTIONS, get_section


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)

__all__ = [
    "Finding",
    "FIGURES",
    "MANIFEST",
    "MARKER",
    "MIN_SENTENCES",
    "RESULTS_DIR",
    "ReportError",
    "SECTIONS",
    "findings",
    "get_section",
    "keyness_findings",
    "load_figures",
    "load_tables",
    "net_share_difference",
    "run_report",
    "save_figure_index",
    "save_tables",
    "section_figures",
    "section_tables",
    "self_contained_html",
    "sentiment_findings",
    "spreadsheet_safe",
    "write_csv",
    "theme_findings",
    "topic_findings",
]
